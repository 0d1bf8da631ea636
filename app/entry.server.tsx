import { PassThrough } from "node:stream";
import type { AppLoadContext, EntryContext, HandleDataRequestFunction, HandleErrorFunction } from "@remix-run/node";
import { createReadableStreamFromReadable } from "@remix-run/node";
import { RemixServer } from "@remix-run/react";
import { isbot } from "isbot";
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
  // Bots and no-JS clients get the whole document at once; browsers get it
  // streamed as soon as the shell is ready.
  const waitForAll = isbot(request.headers.get("user-agent") ?? "");
  const requestId = responseStatusCode >= 500 ? loadContext.requestId : undefined;
  if (responseStatusCode === 503) responseHeaders.set("Retry-After", String(RETRY_AFTER_SECONDS));
  if (!responseHeaders.has("Cache-Control")) responseHeaders.set("Cache-Control", PAGE_CACHE_CONTROL);
  const nonce = loadContext.cspNonce; // undefined under the dev server: no CSP there

  return new Promise<Response>((resolve, reject) => {
    let shellRendered = false;
    const { pipe, abort } = renderToPipeableStream(
      <NonceContext.Provider value={nonce ?? ""}>
        <RequestIdContext.Provider value={requestId}>
          <RemixServer context={remixContext} url={request.url} abortDelay={ABORT_DELAY} nonce={nonce} />
        </RequestIdContext.Provider>
      </NonceContext.Provider>,
      {
        nonce,
        [waitForAll ? "onAllReady" : "onShellReady"]() {
          shellRendered = true;
          const body = new PassThrough();
          responseHeaders.set("Content-Type", "text/html; charset=utf-8");
          resolve(
            new Response(createReadableStreamFromReadable(body), {
              headers: responseHeaders,
              status: responseStatusCode,
            }),
          );
          pipe(body);
        },
        onShellError(error: unknown) {
          reject(error);
        },
        onError(error: unknown) {
          responseStatusCode = 500;
          // Errors after the shell was sent are still worth a log line.
          if (shellRendered) logServerError(error, request, loadContext.requestId);
        },
      },
    );
    setTimeout(abort, ABORT_DELAY);
  });
}
