import { data } from "@remix-run/node";
import { isId } from "#app/shared/ids";

/** Sent with every 503: how long a client should wait before retrying. */
export const RETRY_AFTER_SECONDS = 5;

/** A 404 that renders the nearest ErrorBoundary. Missing and not-yours look the same. */
export function notFound(message = "Not found"): never {
  throw data(message, { status: 404, statusText: "Not Found" });
}

/** A 400 that renders the nearest ErrorBoundary (or, in a download route, asDownload's plain text): `message` says what to fix. */
export function badRequest(message: string): never {
  throw data(message, { status: 400, statusText: "Bad Request" });
}

/** An id param (`:contactId`, `:importId`) if it can be an id at all; anything else is a 404 that says `missing`. */
export function requireIdParam(value: string | undefined, missing = "No such contact"): string {
  if (!isId(value)) notFound(missing);
  return value;
}
