import type { AppLoadContext, EntryContext, HandleDataRequestFunction, HandleErrorFunction } from "@remix-run/node";
import { createReadableStreamFromReadable } from "@remix-run/node";
import { RemixServer } from "@remix-run/react";
import { isbot } from "isbot";
import { renderToPipeableStream } from "react-dom/server";
import { NonceContext } from "#app/components/nonce";
import { RequestIdContext } from "#app/components/request-id";
import { logServerError } from "#app/http/errors.server";
import { ABORT_DELAY, bodyEndLastStream, etagOf, matches, renderDocument } from "#app/http/render.server";
import { RETRY_AFTER_SECONDS } from "#app/http/responses.server";
import "#app/http/load-context";
import { db } from "#app/db.server";
import { sql } from "kysely";

// server.js reads these from the build: the parsed configuration, and a way
// to close the database pool when it shuts down.
export { config, setBoundPort } from "#app/config.server";
export { describeMailSetup } from "#app/mail/transport.server";
export { startJobs } from "#app/jobs/start.server";
export async function closeDatabase(): Promise<void> {
  await db.destroy();
}

/** Whether the database answers a trivial query within `timeoutMs` (GET /readyz). */
export async function databaseAnswers(timeoutMs: number): Promise<boolean> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const late = new Promise<false>((resolve) => (timer = setTimeout(() => resolve(false), timeoutMs)));
  try {
    return await Promise.race([sql`select 1`.execute(db).then(() => true as const), late]);
  } catch {
    return false;
  } finally {
    clearTimeout(timer);
  }
}

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
  // data, so waiting for all of it costs nothing noticeable, and the whole
  // page renders in one pass (renderDocument, app/http/render.server.tsx).
  if (request.method === "GET" && responseStatusCode === 200) {
    return renderDocument(app, remixContext, nonce).then((html) => {
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
    // eslint-disable-next-line prefer-const -- set after renderToPipeableStream, whose callbacks can run first (a const would not exist yet)
    let timer: ReturnType<typeof setTimeout> | undefined;
    const { pipe, abort } = renderToPipeableStream(app, {
      nonce,
      [waitForAll ? "onAllReady" : "onShellReady"]() {
        shellRendered = true;
        // </body></html> last: Remix's data scripts and React's late boundaries go inside the body.
        const body = bodyEndLastStream();
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
