import { isId } from "#app/shared/ids";
import { normalizeQuery } from "./search";

// What the list's URL says (/contacts?q=&starred=1&label=&sort=&cursor=), read
// once, and written back for its links: the filters, the pager, the labels'
// links. Shared by the loader and the page.

/** The list's orders, as ?sort= names them, each with what the sort menu says (the first is the default). */
export const SORTS = {
  newest: "Newest first",
  name: "Name, A to Z",
  company: "Company, A to Z",
  updated: "Recently changed",
} as const;

export type Sort = keyof typeof SORTS;

const isSort = (value: string | null): value is Sort => value !== null && Object.hasOwn(SORTS, value);

export interface ListParams {
  /** the search, as it is searched (normalizeQuery) */
  q: string;
  /** only starred contacts */
  starred: boolean;
  /** only contacts with this label (an id; the loader checks it is the user's) */
  label: string | null;
  /** the order (an unknown ?sort= is the default) */
  sort: Sort;
}

/** The list's parameters from its URL; a malformed label id is kept, for the loader to answer 404. */
export function readListParams(search: URLSearchParams): ListParams {
  return {
    q: normalizeQuery(search.get("q")),
    starred: search.get("starred") === "1",
    label: search.get("label") || null,
    sort: isSort(search.get("sort")) ? (search.get("sort") as Sort) : "newest",
  };
}

/** The list's URL with these parameters (and a page's cursor): only those set, and not the defaults, appear. */
export function listHref({ q, starred, label, sort = "newest" }: Partial<ListParams>, cursor: string | null = null): string {
  const params = new URLSearchParams();
  if (q) params.set("q", q);
  if (starred) params.set("starred", "1");
  if (label && isId(label)) params.set("label", label);
  if (sort !== "newest") params.set("sort", sort);
  if (cursor) params.set("cursor", cursor);
  const search = params.toString();
  return search ? `/contacts?${search}` : "/contacts";
}
