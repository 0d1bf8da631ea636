import { randomBytes } from "node:crypto";

// Every unexpected server error is logged once, with a short request id that
// the 500 page shows, so a user's report can be matched to the log line.
const requestIds = new WeakMap<Request, string>();
const logged = new WeakSet<object>();

export function requestIdFor(request: Request): string {
  let id = requestIds.get(request);
  if (!id) {
    id = randomBytes(6).toString("hex");
    requestIds.set(request, id);
  }
  return id;
}

/** The request id of a request that failed, if one was logged for it. */
export function failedRequestId(request: Request): string | undefined {
  return requestIds.get(request);
}

export function logServerError(error: unknown, request: Request): void {
  if (request.signal.aborted) return; // the client went away; nothing failed
  if (typeof error === "object" && error !== null) {
    if (logged.has(error)) return;
    logged.add(error);
  }
  const id = requestIdFor(request);
  const url = new URL(request.url);
  const detail = error instanceof Error ? (error.stack ?? error.message) : String(error);
  console.error(`[request ${id}] ${request.method} ${url.pathname} failed: ${detail}`);
}
