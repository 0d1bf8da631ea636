// Keyset pagination over (created_at, id), newest first. A cursor names the
// row a page starts after, and the direction to read in: "o" (older) for the
// "Older" link, "n" (newer) for "Newer". Cursors are opaque in URLs.

import { isId } from "#app/shared/ids";

export interface Cursor {
  direction: "older" | "newer";
  createdAt: number;
  id: string;
}

export function encodeCursor(cursor: Cursor): string {
  const d = cursor.direction === "older" ? "o" : "n";
  return `${d}${cursor.createdAt.toString(36)}.${cursor.id}`;
}

/** The cursor, or null when it is missing or malformed (then: the first page). */
export function decodeCursor(value: string | null): Cursor | null {
  const match = value ? /^([on])([0-9a-z]{1,11})\.([^.]+)$/.exec(value) : null;
  if (!match || !isId(match[3])) return null;
  const createdAt = parseInt(match[2]!, 36);
  if (!Number.isSafeInteger(createdAt)) return null;
  return { direction: match[1] === "o" ? "older" : "newer", createdAt, id: match[3]! };
}
