import { isId } from "#app/shared/ids";
import { normalizeQuery } from "./search";

// What the list's URL says (/contacts?q=&starred=1&label=&cursor=), read
// once, and written back for its links: the filters, the pager, the labels'
// links. Shared by the loader and the page.

export interface ListParams {
  /** the search, as it is searched (normalizeQuery) */
  q: string;
  /** only starred contacts */
  starred: boolean;
  /** only contacts with this label (an id; the loader checks it is the user's) */
  label: string | null;
}

/** The list's parameters from its URL; a malformed label id is kept, for the loader to answer 404. */
export function readListParams(search: URLSearchParams): ListParams {
  return {
    q: normalizeQuery(search.get("q")),
    starred: search.get("starred") === "1",
    label: search.get("label") || null,
  };
}

/** The list's URL with these parameters (and a page's cursor): only those set appear. */
export function listHref({ q, starred, label }: ListParams, cursor: string | null = null): string {
  const params = new URLSearchParams();
  if (q) params.set("q", q);
  if (starred) params.set("starred", "1");
  if (label && isId(label)) params.set("label", label);
  if (cursor) params.set("cursor", cursor);
  const search = params.toString();
  return search ? `/contacts?${search}` : "/contacts";
}
