// Keyset pagination over (key, id): (created_at, id) in the list newest
// first, (name_sort, id) A to Z, (deleted_at, id) in the trash. A cursor
// names the row a page starts after, and the direction to read in: "o"
// (older: onward, the "Older" or "Next" link) or "n" (newer: back). A key is
// a number (a time, base 36) or a text (a sort key, "~" and base64url of its
// UTF-8). Cursors are opaque in URLs.

import { isId } from "#app/shared/ids";

export interface Cursor<Key extends number | string = number> {
  /** "older": onward in the list's order; "newer": back */
  direction: "older" | "newer";
  /** the row's key in its list's order: created_at in the list, name_sort A to Z, deleted_at in the trash */
  at: Key;
  id: string;
}

export function encodeCursor(cursor: Cursor<number | string>): string {
  const d = cursor.direction === "older" ? "o" : "n";
  return typeof cursor.at === "number" ? `${d}${cursor.at.toString(36)}.${cursor.id}` : `${d}~${base64url(cursor.at)}.${cursor.id}`;
}

/** The cursor of a list ordered by a time, or null when it is missing or malformed (then: the first page). */
export function decodeCursor(value: string | null): Cursor | null {
  const match = value ? /^([on])([0-9a-z]{1,11})\.([^.]+)$/.exec(value) : null;
  if (!match || !isId(match[3])) return null;
  const at = parseInt(match[2]!, 36);
  if (!Number.isSafeInteger(at)) return null;
  return { direction: match[1] === "o" ? "older" : "newer", at, id: match[3]! };
}

/** The cursor of a list ordered by a text key, or null when it is missing or malformed (a time's cursor too). */
export function decodeTextCursor(value: string | null): Cursor<string> | null {
  const match = value ? /^([on])~([A-Za-z0-9_-]{0,2000})\.([^.]+)$/.exec(value) : null;
  if (!match || !isId(match[3])) return null;
  const at = fromBase64url(match[2]!);
  return at === null ? null : { direction: match[1] === "o" ? "older" : "newer", at, id: match[3]! };
}

function base64url(text: string): string {
  const bytes = new TextEncoder().encode(text);
  let binary = "";
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

function fromBase64url(encoded: string): string | null {
  try {
    const binary = atob(encoded.replace(/-/g, "+").replace(/_/g, "/"));
    return new TextDecoder("utf-8", { fatal: true }).decode(Uint8Array.from(binary, (c) => c.charCodeAt(0)));
  } catch {
    return null; // not base64, or not UTF-8
  }
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
export function keysetPage<Row, Key extends number | string = number>(
  rows: Row[],
  cursor: Cursor<Key> | null,
  pageSize: number,
  keyOf: (row: Row) => { at: Key; id: string },
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
