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
  const path = safeRedirect(to);
  return new URL(path, "http://cardfile.invalid").pathname === DEFAULT_REDIRECT ? path.split("#")[0]! : DEFAULT_REDIRECT;
}
