import { hasControlChars } from "#app/shared/text";

const DEFAULT_REDIRECT = "/contacts";

/**
 * `to` if it is a path on this site, else /contacts. Refuses absolute URLs,
 * protocol-relative `//host` and `/\host` (which browsers read as `//host`),
 * and anything with control characters.
 */
export function safeRedirect(to: FormDataEntryValue | string | null | undefined): string {
  if (typeof to !== "string" || !to.startsWith("/") || to.startsWith("//") || to.startsWith("/\\")) {
    return DEFAULT_REDIRECT;
  }
  if (hasControlChars(to)) return DEFAULT_REDIRECT;
  const url = new URL(to, "http://cardfile.invalid");
  if (url.origin !== "http://cardfile.invalid") return DEFAULT_REDIRECT;
  return url.pathname + url.search + url.hash;
}

/**
 * Where a write started from the list goes back to: that list page (its
 * search and cursor kept) if `to` is one, else the first page. The contact
 * just deleted, say, has no page to go back to.
 */
export function listRedirect(to: FormDataEntryValue | string | null | undefined): string {
  return pageAmong(to, [DEFAULT_REDIRECT]) ?? DEFAULT_REDIRECT;
}

/**
 * `to` (its path and query, not its fragment) if it is a page of this site
 * at one of `pathnames`, else null: where a form goes back to when only
 * some pages make sense (the list, the duplicates, the trash).
 */
export function pageAmong(to: FormDataEntryValue | string | null | undefined, pathnames: readonly string[]): string | null {
  if (!to) return null;
  const url = new URL(safeRedirect(to), "http://cardfile.invalid");
  return pathnames.includes(url.pathname) ? url.pathname + url.search : null;
}
