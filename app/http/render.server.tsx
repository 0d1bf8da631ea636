import { createHash } from "node:crypto";
import { PassThrough } from "node:stream";
import type { EntryContext } from "@remix-run/node";
import type { ReactElement } from "react";
import { renderToPipeableStream, renderToString } from "react-dom/server";

// How entry.server.tsx renders a whole page (a successful GET), so that it
// can carry an ETag. See docs/decisions/0024-server-speed-and-memory.md.

export const ABORT_DELAY = 5_000;

/** What Remix's <StreamTransfer> writes last, once the page's data is all in. */
const DATA_CLOSED = "window.__remixContext.streamController.close();";

/** The part of Remix 2's entry context that the data transfer uses (not in its public types). */
interface HandoffContext {
  serverHandoffStream?: ReadableStream<Uint8Array>;
  renderMeta?: { didRenderScripts?: boolean; streamCache?: Record<number, { result: { done: boolean; value: string } }> };
}

let warnedFallback = false;

/**
 * The whole document as UTF-8 bytes, in one synchronous pass.
 *
 * With single fetch, Remix writes the loader data into the page from a
 * stream: its <StreamTransfer> reads a chunk, suspends until it arrives, and
 * renders it as a script. That needs React's streaming renderer, which
 * encodes every small piece of markup to bytes as it goes and resumes the
 * render once per chunk. The data is all there before the render starts (the
 * pages defer nothing), so it is read here first and put where
 * <StreamTransfer> looks for chunks it already has (`renderMeta.streamCache`,
 * keyed by chunk number). Nothing suspends, and `renderToString` renders the
 * same markup for about 12% more pages a second (decision 0024).
 *
 * That cache is Remix's internals (2.17). Should a version read it
 * differently, the data script would be missing: the page is then rendered
 * by the streaming renderer, with the data put back, and one warning logged.
 */
export async function renderDocument(app: ReactElement, remixContext: EntryContext, nonce: string | undefined): Promise<Buffer<ArrayBuffer>> {
  const context = remixContext as unknown as HandoffContext;
  const stream = context.serverHandoffStream;
  if (!stream) return renderWhole(app, nonce);
  const data = await readAll(stream);
  context.renderMeta = { ...context.renderMeta, streamCache: { 0: { result: { done: false, value: data } }, 1: { result: { done: true, value: "" } } } };
  const html = "<!DOCTYPE html>" + renderToString(app);
  if (html.includes(DATA_CLOSED)) return Buffer.from(html) as Buffer<ArrayBuffer>;

  if (!warnedFallback) {
    warnedFallback = true;
    console.warn("render: Remix's data transfer did not use the data read in advance; pages are rendered by the streaming renderer (slower). See app/http/render.server.tsx.");
  }
  context.renderMeta = {};
  context.serverHandoffStream = streamOf(data);
  return renderWhole(app, nonce);
}

async function readAll(stream: ReadableStream<Uint8Array>): Promise<string> {
  const reader = stream.getReader();
  const decoder = new TextDecoder();
  let text = "";
  for (let chunk = await reader.read(); !chunk.done; chunk = await reader.read()) text += decoder.decode(chunk.value, { stream: true });
  reader.releaseLock();
  return text + decoder.decode();
}

function streamOf(text: string): ReadableStream<Uint8Array> {
  return new ReadableStream({
    start(controller) {
      if (text) controller.enqueue(new TextEncoder().encode(text));
      controller.close();
    },
  });
}

/**
 * The whole document as UTF-8 bytes, by React's streaming renderer, kept as
 * bytes: hashed and sent without another round of decoding and encoding.
 * Rejects if rendering fails (Remix then renders the error page).
 */
export function renderWhole(app: ReactElement, nonce: string | undefined): Promise<Buffer<ArrayBuffer>> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    const sink = new PassThrough();
    sink.on("data", (chunk: Buffer) => chunks.push(chunk));
    sink.on("end", () => {
      clearTimeout(timer);
      // A fresh ArrayBuffer (never shared memory), as a Response body must be.
      resolve(Buffer.concat(chunks) as Buffer<ArrayBuffer>);
    });
    sink.on("error", reject);
    let failed = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const { pipe, abort } = renderToPipeableStream(app, {
      nonce,
      onAllReady() {
        if (!failed) pipe(sink);
      },
      onShellError(error: unknown) {
        failed = true;
        clearTimeout(timer);
        reject(error);
      },
      onError(error: unknown) {
        failed = true;
        clearTimeout(timer);
        reject(error);
      },
    });
    // Cleared once done: a pending timer would keep the whole render alive for ABORT_DELAY.
    timer = setTimeout(abort, ABORT_DELAY);
  });
}

/**
 * A weak validator of the page as the user sees it: the body with this
 * request's CSP nonce taken out (it differs on every response, and alone
 * would make every ETag new). Everything else that differs per render (a
 * form's one-time submission key) stays in, so such a page is never reused.
 */
export function etagOf(html: Buffer, nonce: string | undefined): string {
  const hash = createHash("sha256");
  if (nonce) {
    // Every part of the body but the nonce, in order.
    let from = 0;
    for (let at = html.indexOf(nonce, 0, "latin1"); at !== -1; at = html.indexOf(nonce, from, "latin1")) {
      hash.update(html.subarray(from, at));
      from = at + nonce.length;
    }
    hash.update(html.subarray(from));
  } else {
    hash.update(html);
  }
  return `W/"${hash.digest("base64url").slice(0, 27)}"`;
}

/** If-None-Match: a list of tags or `*`; weak comparison, as RFC 9110 asks for GET. */
export function matches(ifNoneMatch: string | null, etag: string): boolean {
  if (!ifNoneMatch) return false;
  if (ifNoneMatch.trim() === "*") return true;
  const opaque = (tag: string) => tag.trim().replace(/^W\//, "");
  return ifNoneMatch.split(",").some((tag) => opaque(tag) === opaque(etag));
}
