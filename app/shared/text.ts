// Text rules shared by every part of the app, server and browser alike.

/**
 * NFC, then lower case: 'ÖLMEZ' and 'ölmez' fold alike. Neither database
 * folds the same way as the other, so the app stores folded copies (unique
 * emails, the search column) and folds what it compares with them
 * (docs/decisions/0003).
 */
export function fold(text: string): string {
  return text.normalize("NFC").toLowerCase();
}

/** An email as its case-insensitive unique index compares it. */
export const emailKey = fold;

// Control characters: C0 (U+0000–U+001F), DEL and C1 (U+0080–U+009F). No
// one types them, HTML does not allow them in a document (the Nu Html
// Checker reports each one), and a NUL in a query once matched every contact.
/* eslint-disable no-control-regex -- these patterns exist to find control characters */
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;
const CONTROL_BUT_NEWLINES = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f]/;
const CONTROL_ALL = /[\u0000-\u001f\u007f-\u009f]/g;
/* eslint-enable no-control-regex */

/** `text` holds a control character (tab and newlines count, unless `newlines` allows them). */
export function hasControlChars(text: string, { newlines = false } = {}): boolean {
  return (newlines ? CONTROL_BUT_NEWLINES : CONTROL).test(text);
}

/** `text` with every control character (tab and newlines included) replaced by `by`. */
export function replaceControlChars(text: string, by = ""): string {
  return text.replace(CONTROL_ALL, by);
}

/** "1 contact", "2,000 contacts": a count and its noun (`many` for an irregular plural). */
export function plural(n: number, one: string, many = `${one}s`): string {
  return `${n.toLocaleString("en-US")} ${n === 1 ? one : many}`;
}

/**
 * A name or company as the list's A-to-Z orders compare it (decision 0035):
 * compatibility-decomposed (full-width letters are letters), accents and
 * other combining marks removed ("Ä" is "a"), lower case, spaces collapsed.
 * Both databases compare the keys byte for byte (SQLite's BINARY, Postgres's
 * "C" collation), so the order is the same on both, Unicode included.
 * migrations/2026-12-03T0100_sort_keys.ts has a frozen copy: a change here
 * needs a migration that rewrites the keys.
 */
export function sortKey(text: string): string {
  return text
    .normalize("NFKD")
    .replace(/\p{M}+/gu, "")
    .toLowerCase()
    .replace(/\s+/g, " ")
    .trim()
    .normalize("NFC");
}
