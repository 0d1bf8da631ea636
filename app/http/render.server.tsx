import { createHash } from "node:crypto";
import { Transform } from "node:stream";
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
export async function renderDocument(
  app: ReactElement,
  remixContext: EntryContext,
  nonce: string | undefined,
): Promise<Buffer<ArrayBuffer>> {
  const context = remixContext as unknown as HandoffContext;
  const stream = context.serverHandoffStream;
  if (!stream) return renderWhole(app, nonce);
  const data = await readAll(stream);
  context.renderMeta = {
    ...context.renderMeta,
    streamCache: { 0: { result: { done: false, value: data } }, 1: { result: { done: true, value: "" } } },
  };
  const html = "<!DOCTYPE html>" + renderToString(app);
  if (html.includes(DATA_CLOSED)) return Buffer.from(bodyEndLast(html)) as Buffer<ArrayBuffer>;

  if (!warnedFallback) {
    warnedFallback = true;
    console.warn(
      "render: Remix's data transfer did not use the data read in advance; pages are rendered by the streaming renderer (slower). See app/http/render.server.tsx.",
    );
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
    const sink = bodyEndLastStream();
    sink.on("data", (chunk: Buffer) => chunks.push(chunk));
    sink.on("end", () => {
      clearTimeout(timer);
      // A fresh ArrayBuffer (never shared memory), as a Response body must be.
      resolve(Buffer.concat(chunks) as Buffer<ArrayBuffer>);
    });
    sink.on("error", reject);
    let failed = false;
    // eslint-disable-next-line prefer-const -- set after renderToPipeableStream, whose callbacks can run first (a const would not exist yet)
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

const BODY_END = "</body></html>";
const BODY_END_BYTES = Buffer.from(BODY_END);

// RemixServer renders Remix's data scripts (<StreamTransfer>) after the app,
// that is after </html>, and React 18's streaming renderer writes the
// boundaries it completes late after </html> too. Browsers move such markup
// into the body, but it is invalid HTML ("Stray start tag script"). So the
// document's </body></html> is written last instead: the markup after it is
// moved before it, where the browser puts those scripts anyway. Hydration
// does not change: React's client tree is the <html> element alone, and it
// leaves nodes after the ones it knows at the end of <body> in place.
// Neither text nor attributes can hold "</body></html>" unescaped (React
// escapes "<"; Remix's scripts write it as \u003c), so its first occurrence is
// the document's end. See docs/decisions/0028-what-outside-tools-found.md.

/** The one-pass document with its </body></html> moved to the very end. */
export function bodyEndLast(html: string): string {
  const at = html.indexOf(BODY_END);
  if (at === -1 || at + BODY_END.length === html.length) return html;
  return html.slice(0, at) + html.slice(at + BODY_END.length) + BODY_END;
}

/**
 * A pass-through for a streamed document that holds back its </body></html>
 * and writes it when the stream ends, after whatever React streamed later.
 */
export function bodyEndLastStream(): Transform {
  let held: Buffer = Buffer.alloc(0);
  let found = false;
  return new Transform({
    transform(chunk: Buffer, _encoding, done) {
      if (found) return done(null, chunk);
      const bytes = held.length > 0 ? Buffer.concat([held, chunk]) : chunk;
      const at = bytes.indexOf(BODY_END_BYTES);
      if (at !== -1) {
        found = true;
        held = Buffer.alloc(0);
        return done(null, Buffer.concat([bytes.subarray(0, at), bytes.subarray(at + BODY_END_BYTES.length)]));
      }
      // The end of this chunk may be the start of </body></html>: keep it for the next.
      const keep = Math.min(bytes.length, BODY_END_BYTES.length - 1);
      held = Buffer.from(bytes.subarray(bytes.length - keep));
      done(null, bytes.subarray(0, bytes.length - keep));
    },
    flush(done) {
      done(null, found ? BODY_END_BYTES : held);
    },
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
