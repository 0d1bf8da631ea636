// Case-insensitive search that behaves the same on SQLite and PostgreSQL.
// SQLite's LIKE folds ASCII only ('Ö' would not match 'ö') while Postgres
// folds per collation, so neither database folds: the application stores a
// folded copy of the searchable text and folds the query the same way.
//
// A query of three or more characters matches anywhere (a substring). A
// shorter one matches where a word starts, because a trigram index cannot
// serve one- or two-character substrings: the stored text carries a mark
// (two newlines) before every word start, so "\n\n" + q is long enough for
// the index. See docs/decisions/0003 and 0019.

import { fold, replaceControlChars } from "#app/shared/text";
import { SEARCHABLE_FIELD_NAMES, type ContactFields, type SearchableFieldName } from "./contact-fields";

/**
 * The `search` column: the folded searchable fields (contact-fields.ts), one per line (a query has no
 * newline, so a match never spans two), with their word starts marked.
 */
export function searchText(fields: Pick<ContactFields, SearchableFieldName>): string {
  return markWords(fold(SEARCHABLE_FIELD_NAMES.map((name) => fields[name] ?? "").join("\n")));
}

/** A query as typed in the box, made safe: no control characters, trimmed, bounded. */
export function normalizeQuery(q: string | null): string {
  const bounded = replaceControlChars(q ?? "", " ")
    .trim()
    .slice(0, 100);
  // Cut between the halves of a surrogate pair, it would end in half a character.
  return bounded.replace(/[\uD800-\uDBFF]$/, "").trimEnd();
}

/** Folded queries shorter than this many characters (code points) match at word starts only. */
export const SUBSTRING_MIN_LENGTH = 3;

/** Marks a word start in `search`: never in a query, and "\n\n" + q is three characters or more. */
const WORD_MARK = "\n\n";

// Scripts written without spaces between words (Chinese, Japanese, Korean
// names, Thai…): each of their characters starts a word, so a short query
// finds them anywhere, as a substring would.
const UNSPACED =
  /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Hangul}\p{Script=Thai}\p{Script=Lao}\p{Script=Khmer}\p{Script=Myanmar}]/u;
const LETTER_OR_DIGIT = /[\p{L}\p{M}\p{N}]/u;

/** A character that continues a word: a letter, mark or digit of a spaced script. */
function isWordChar(c: string): boolean {
  const code = c.charCodeAt(0);
  // ASCII first: most characters are, and a regular expression costs more.
  if (code < 128) return (code >= 48 && code <= 57) || (code >= 97 && code <= 122) || (code >= 65 && code <= 90);
  return LETTER_OR_DIGIT.test(c) && !UNSPACED.test(c);
}

function isSpace(c: string): boolean {
  const code = c.charCodeAt(0);
  if (code < 128) return code === 32 || (code >= 9 && code <= 13);
  return /\s/u.test(c);
}

/**
 * `text` with WORD_MARK before every word start. A word starts at every
 * character that is neither a word character nor white space (so '@' or '%'
 * starts one wherever it is), and at a word character after anything else
 * (a field's start, a space, '.', '@', '-', '’'…). A copy of this rule, frozen,
 * is in migrations/2026-11-27T0000_indexed_search.ts (search.test.ts compares them).
 */
export function markWords(text: string): string {
  let marked = "";
  let previousIsWordChar = false;
  for (const c of text) {
    const wordChar = isWordChar(c);
    if (!isSpace(c) && (!wordChar || !previousIsWordChar)) marked += WORD_MARK;
    marked += c;
    previousIsWordChar = wordChar;
  }
  return marked;
}

/**
 * How a query matches `search`: `pattern` is a LIKE pattern (%, _ and \
 * escaped with \). A query of SUBSTRING_MIN_LENGTH or more characters is
 * found anywhere: `search` holds the query with its inner word starts
 * marked exactly where the stored text holds the same characters. A shorter
 * one (`short`) only where a word starts: the same, after a WORD_MARK.
 * `indexed` is the text between the %s, three or more characters: every
 * matching row's `search` holds all its trigrams.
 */
export interface SearchFilter {
  short: boolean;
  pattern: string;
  indexed: string;
  /**
   * LIKE patterns that every match also matches, for an index that reads
   * every posting of every trigram it is given (Postgres's GIN): the two
   * longest pieces of `indexed` between marks, of three or more characters;
   * or `pattern` itself when it has none.
   */
  narrow: string[];
}

/** The filter for a normalized query (normalizeQuery), or null for none. */
export function searchFilter(query: string): SearchFilter | null {
  const folded = fold(query);
  if (folded === "") return null;
  // Its first character may or may not start a word where it is found:
  // mark only the word starts inside it.
  const inner = markWords(folded).replace(/^\n\n/, "");
  const short = [...folded].length < SUBSTRING_MIN_LENGTH;
  const indexed = short ? WORD_MARK + inner : inner;
  const like = (text: string) => `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
  const pieces = indexed
    .split(WORD_MARK)
    .filter((piece) => [...piece].length >= 3)
    .sort((a, b) => [...b].length - [...a].length)
    .slice(0, 2);
  return { short, pattern: like(indexed), indexed, narrow: pieces.length > 0 ? pieces.map(like) : [like(indexed)] };
}

/** The distinct three-character pieces (code points) of `text`. */
export function trigrams(text: string): string[] {
  const chars = [...text];
  const pieces = new Set<string>();
  for (let i = 0; i + 3 <= chars.length; i++) pieces.add(chars.slice(i, i + 3).join(""));
  return [...pieces];
}

/**
 * An FTS5 query for rows whose text holds the trigrams of `text`. Each is a
 * quoted string of one token; with detail=none FTS5 cannot check that they
 * are adjacent (phrases need positions), so candidates are checked with LIKE
 * anyway, and may as well be fewer: a trigram with a mark in it is at a word
 * start of nearly every row ("\n\n@", "\n\na"), so it narrows little and
 * costs a long posting list. It is left out when others remain (an address:
 * 7.5 ms with, 3.2 ms without, at 1,000,000 rows).
 */
export function trigramMatch(text: string): string {
  const all = trigrams(text);
  const unmarked = all.filter((piece) => !piece.includes("\n"));
  return (unmarked.length > 0 ? unmarked : all).map((piece) => `"${piece.replace(/"/g, '""')}"`).join(" AND ");
}
