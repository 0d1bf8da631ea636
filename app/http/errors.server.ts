import { randomBytes } from "node:crypto";
import { isRouteErrorResponse } from "@remix-run/react";

// Every unexpected server error is logged once, with the request's id (given
// by server.js, shown on the 500 page), so a user's report can be matched to
// the log line.
// Loaders that fail for one cause (say, the root's and the page's both
// reading the session) report the same error twice: log it once.
const loggedMessages = new WeakMap<Request, Set<string>>();

export function logServerError(error: unknown, request: Request, requestId = randomBytes(6).toString("hex")): void {
  if (request.signal.aborted) return; // the client went away; nothing failed
  // A 404 for an unknown URL, or a thrown 4xx: an answer, not a failure.
  if (isRouteErrorResponse(error) && error.status < 500) return;
  const message =
    error instanceof Error
      ? `${error.name}: ${error.message}`
      : isRouteErrorResponse(error)
        ? `${error.status} ${error.statusText}: ${String(error.data)}`
        : String(error);
  const seen = loggedMessages.get(request) ?? new Set<string>();
  if (seen.has(message)) return;
  seen.add(message);
  loggedMessages.set(request, seen);

  const id = requestId;
  const url = new URL(request.url);
  const detail = error instanceof Error ? (error.stack ?? message) : message;
  console.error(`[request ${id}] ${request.method} ${url.pathname} failed: ${detail}`);
}
