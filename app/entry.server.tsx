import { createHash } from "node:crypto";
import { PassThrough } from "node:stream";
import type { AppLoadContext, EntryContext, HandleDataRequestFunction, HandleErrorFunction } from "@remix-run/node";
import { createReadableStreamFromReadable } from "@remix-run/node";
import { RemixServer } from "@remix-run/react";
import { isbot } from "isbot";
import type { ReactElement } from "react";
import { renderToPipeableStream } from "react-dom/server";
import { NonceContext } from "~/components/nonce";
import { RequestIdContext } from "~/components/request-id";
import { logServerError } from "~/http/errors.server";
import { RETRY_AFTER_SECONDS } from "~/http/responses.server";
import "~/http/load-context";
import { db } from "../db/database.server";

// server.js reads these from the build: the parsed configuration, and a way
// to close the database pool when it shuts down.
export { config } from "~/config.server";
export { startMaintenance } from "~/maintenance.server";
export async function closeDatabase(): Promise<void> {
  await db.destroy();
}

const ABORT_DELAY = 5_000;

export const handleError: HandleErrorFunction = (error, { request, context }) => {
  logServerError(error, request, context.requestId);
};

// Loader and action data requests (client-side navigations) get the same
// Retry-After as documents when the database is unavailable.
export const handleDataRequest: HandleDataRequestFunction = (response) => {
  if (response.status === 503) response.headers.set("Retry-After", String(RETRY_AFTER_SECONDS));
  if (!response.headers.has("Cache-Control")) response.headers.set("Cache-Control", PAGE_CACHE_CONTROL);
  return response;
};

// Pages and their data are per user and change with every write: a browser
// or proxy may keep a copy but must ask again before using it.
const PAGE_CACHE_CONTROL = "private, no-cache";

export default function handleRequest(
  request: Request,
  responseStatusCode: number,
  responseHeaders: Headers,
  remixContext: EntryContext,
  loadContext: AppLoadContext,
) {
  const requestId = responseStatusCode >= 500 ? loadContext.requestId : undefined;
  if (responseStatusCode === 503) responseHeaders.set("Retry-After", String(RETRY_AFTER_SECONDS));
  if (!responseHeaders.has("Cache-Control")) responseHeaders.set("Cache-Control", PAGE_CACHE_CONTROL);
  responseHeaders.set("Content-Type", "text/html; charset=utf-8");
  const nonce = loadContext.cspNonce; // undefined under the dev server: no CSP there
  const app = (
    <NonceContext.Provider value={nonce ?? ""}>
      <RequestIdContext.Provider value={requestId}>
        <RemixServer context={remixContext} url={request.url} abortDelay={ABORT_DELAY} nonce={nonce} />
      </RequestIdContext.Provider>
    </NonceContext.Provider>
  );

  // A successful GET is rendered whole so that it can carry an ETag: a revisit
  // of an unchanged page costs a 304 and no body. Other answers (errors, bots
  // aside) stream as soon as the shell is ready. The pages have no deferred
  // data, so waiting for all of it costs nothing noticeable.
  if (request.method === "GET" && responseStatusCode === 200) {
    return renderWhole(app, nonce).then((html) => {
      const etag = etagOf(html, nonce);
      responseHeaders.set("ETag", etag);
      if (matches(request.headers.get("If-None-Match"), etag)) {
        // The browser reuses the copy it has. server.js drops this answer's
        // Content-Security-Policy: its fresh nonce would not match the one
        // in that copy, and a 304's headers replace the stored ones.
        responseHeaders.delete("Content-Type");
        return new Response(null, { status: 304, headers: responseHeaders });
      }
      return new Response(html, { status: 200, headers: responseHeaders });
    });
  }

  // Bots and no-JS clients get the whole document at once; browsers get it
  // streamed as soon as the shell is ready.
  const waitForAll = isbot(request.headers.get("user-agent") ?? "");
  return new Promise<Response>((resolve, reject) => {
    let shellRendered = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const { pipe, abort } = renderToPipeableStream(app, {
      nonce,
      [waitForAll ? "onAllReady" : "onShellReady"]() {
        shellRendered = true;
        const body = new PassThrough();
        body.on("close", () => clearTimeout(timer));
        resolve(new Response(createReadableStreamFromReadable(body), { headers: responseHeaders, status: responseStatusCode }));
        pipe(body);
      },
      onShellError(error: unknown) {
        clearTimeout(timer);
        reject(error);
      },
      onError(error: unknown) {
        responseStatusCode = 500;
        // Errors after the shell was sent are still worth a log line.
        if (shellRendered) logServerError(error, request, loadContext.requestId);
      },
    });
    // Cleared once done: a pending timer would keep the whole render alive.
    timer = setTimeout(abort, ABORT_DELAY);
  });
}

/**
 * The whole document as UTF-8 bytes, kept as bytes: hashed and sent without
 * another round of decoding and encoding. Rejects if rendering fails (Remix
 * then renders the error page).
 */
function renderWhole(app: ReactElement, nonce: string | undefined): Promise<Buffer<ArrayBuffer>> {
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
