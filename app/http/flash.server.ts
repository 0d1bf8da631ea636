import { redirect } from "@remix-run/node";
import { readCookie, serializeCookie } from "./cookies.server";
import { isId } from "#app/shared/ids";

// A one-time message for the page after a redirect ("Contact created.").
// It lives in a short-lived cookie that the root loader reads and clears.
// The value is JSON (URI-encoded by serializeCookie), so a message can carry
// what the page needs to offer with it, such as the Undo of a delete.
const COOKIE = "cardfile_flash";

/** What the next page shows once. */
export interface Flash {
  message: string;
  /** a refusal ("Couldn't undo: …"), shown as an alert */
  kind?: "error";
  /** the contact whose delete this message can undo (an Undo button posts to /contacts/:id/restore) */
  undoContactId?: string;
  /** the time of the bulk delete this message can undo (an Undo button posts to /contacts/bulk) */
  undoDeletedAt?: number;
  /** the merge this message can undo (an Undo button posts to /contacts/merge/:id/undo) */
  undoMergeId?: string;
}

const MAX_MESSAGE = 500;
// Browsers keep about 4096 bytes per cookie, name and attributes included.
const MAX_VALUE_BYTES = 3_000;

/** At most `max` UTF-16 units, never splitting a surrogate pair. */
function clip(text: string, max: number): string {
  if (text.length <= max) return text;
  const cut = text.slice(0, max);
  return /[\uD800-\uDBFF]$/.test(cut) ? cut.slice(0, -1) : cut;
}

function encodeFlash({ message, kind, undoContactId, undoDeletedAt, undoMergeId }: Flash): string {
  let text = clip(message, MAX_MESSAGE);
  for (;;) {
    // "message" first: a Set-Cookie line still reads `cardfile_flash=%7B%22message%22%3A%22Deleted…`.
    const value = JSON.stringify({
      message: text,
      ...(kind ? { kind } : {}),
      ...(undoContactId ? { undoContactId } : {}),
      ...(undoDeletedAt ? { undoDeletedAt } : {}),
      ...(undoMergeId ? { undoMergeId } : {}),
    });
    // Escaped non-ASCII text can grow ninefold when URI-encoded: shorten until it fits.
    if (encodeURIComponent(value).length <= MAX_VALUE_BYTES || text === "") return value;
    text = clip(text, Math.floor(text.length * 0.8));
  }
}

/** The flash in a cookie value, or null for anything this module did not write. */
function decodeFlash(value: string): Flash | null {
  let parsed: unknown;
  try {
    parsed = JSON.parse(value);
  } catch {
    return null;
  }
  if (typeof parsed !== "object" || parsed === null) return null;
  const { message, kind, undoContactId, undoDeletedAt, undoMergeId } = parsed as Record<string, unknown>;
  if (typeof message !== "string" || message === "") return null;
  // The cookie is not signed: keep only what is well-formed. A forged undo id
  // is harmless anyway (the restore action checks owner and time).
  return {
    message: clip(message, MAX_MESSAGE),
    ...(kind === "error" ? { kind } : {}),
    ...(isId(undoContactId) ? { undoContactId } : {}),
    ...(Number.isSafeInteger(undoDeletedAt) && (undoDeletedAt as number) > 0 ? { undoDeletedAt: undoDeletedAt as number } : {}),
    ...(isId(undoMergeId) ? { undoMergeId } : {}),
  };
}

/** A 303 to `url` that shows `flash` (a message, or a message with more) once on the next page. */
export function redirectWithFlash(request: Request, url: string, flash: string | Flash, init?: ResponseInit) {
  const headers = new Headers(init?.headers);
  const value = encodeFlash(typeof flash === "string" ? { message: flash } : flash);
  headers.append("Set-Cookie", serializeCookie(request, COOKIE, value, 60));
  return redirect(url, { ...init, status: 303, headers });
}

/** The pending flash, if any, and the header that clears it. */
export function takeFlash(request: Request): { flash: Flash | null; headers?: HeadersInit } {
  const value = readCookie(request, COOKIE);
  if (!value) return { flash: null };
  return { flash: decodeFlash(value), headers: { "Set-Cookie": serializeCookie(request, COOKIE, "", 0) } };
}
