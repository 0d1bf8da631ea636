import { data, type HeadersFunction } from "@remix-run/node";
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

/**
 * The `headers` export of a page that must never be stored (it holds a
 * token from an emailed link): Cache-Control: no-store, with the loader's
 * and action's own headers (Retry-After) kept.
 */
export const noStoreHeaders: HeadersFunction = ({ loaderHeaders, actionHeaders }) => {
  const headers = new Headers(NO_STORE);
  for (const source of [loaderHeaders, actionHeaders]) source.forEach((value, name) => headers.set(name, value));
  return headers;
};

/** For a loader's or action's `data(…, { headers: NO_STORE })` on such a page. */
export const NO_STORE = { "Cache-Control": "no-store" };
