// Case-insensitive search that behaves the same on SQLite and PostgreSQL.
// SQLite's LIKE folds ASCII only ('Ö' would not match 'ö') while Postgres
// folds per collation, so neither database folds: the application stores a
// folded copy of the searchable text and folds the query the same way.

/** NFC, then lower case: 'ÖLMEZ' and 'ölmez' fold alike. */
export function foldForSearch(text: string): string {
  return text.normalize("NFC").toLowerCase();
}

/** The `search` column: the folded fields, one per line (a query has no newline). */
export function searchText(fields: { name: string; email: string; company: string | null }): string {
  return foldForSearch([fields.name, fields.email, fields.company ?? ""].join("\n"));
}

/** A query as typed in the box, made safe: no control characters, trimmed, bounded. */
export function normalizeQuery(q: string | null): string {
  // eslint-disable-next-line no-control-regex
  return (q ?? "").replace(/[\u0000-\u001f\u007f]/g, " ").trim().slice(0, 100);
}

/** A LIKE pattern matching `query` anywhere, with %, _ and \ taken literally. */
export function containsPattern(query: string): string {
  return `%${foldForSearch(query).replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}
