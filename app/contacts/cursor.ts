// Keyset pagination over (time, id), newest first: (created_at, id) in the
// list, (deleted_at, id) in the trash. A cursor names the row a page starts
// after, and the direction to read in: "o" (older) for the "Older" link, "n"
// (newer) for "Newer". Cursors are opaque in URLs.

import { isId } from "#app/shared/ids";

export interface Cursor {
  direction: "older" | "newer";
  /** the row's time in its list's order: created_at in the list, deleted_at in the trash */
  at: number;
  id: string;
}

export function encodeCursor(cursor: Cursor): string {
  const d = cursor.direction === "older" ? "o" : "n";
  return `${d}${cursor.at.toString(36)}.${cursor.id}`;
}

/** The cursor, or null when it is missing or malformed (then: the first page). */
export function decodeCursor(value: string | null): Cursor | null {
  const match = value ? /^([on])([0-9a-z]{1,11})\.([^.]+)$/.exec(value) : null;
  if (!match || !isId(match[3])) return null;
  const at = parseInt(match[2]!, 36);
  if (!Number.isSafeInteger(at)) return null;
  return { direction: match[1] === "o" ? "older" : "newer", at, id: match[3]! };
}

/** A page of a keyset list, and the cursors of the pages beside it (null where there is none). */
export interface KeysetPage<Row> {
  rows: Row[];
  /** cursor for the "Older" link, or null on the last page */
  older: string | null;
  /** cursor for the "Newer" link, or null on the first page */
  newer: string | null;
}

/**
 * The page in `rows`: up to pageSize + 1 rows read from `cursor` in its
 * direction (one more says there are more). Puts them newest first and
 * names the pages beside it by the keys of its first and last rows.
 */
export function keysetPage<Row>(
  rows: Row[],
  cursor: Cursor | null,
  pageSize: number,
  keyOf: (row: Row) => { at: number; id: string },
): KeysetPage<Row> {
  const hasMore = rows.length > pageSize;
  const page = rows.slice(0, pageSize);
  if (cursor?.direction === "newer") page.reverse();
  const first = page[0];
  const last = page[page.length - 1];
  const hasOlder = cursor?.direction === "newer" ? true : hasMore;
  const hasNewer = cursor?.direction === "newer" ? hasMore : cursor !== null;
  return {
    rows: page,
    older: hasOlder && last ? encodeCursor({ direction: "older", ...keyOf(last) }) : null,
    newer: hasNewer && first ? encodeCursor({ direction: "newer", ...keyOf(first) }) : null,
  };
}
