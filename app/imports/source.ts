import type { ContactFieldName } from "#app/contacts/contact-fields";

// What an import reads, whatever the file (docs/decisions/0029): a table of
// records, one per CSV row or vCard, each a list of values by column. A
// column maps to one target (a contact field, a part of the name, the
// labels) or to nothing; the review page shows the mapping as <select>s,
// pre-filled for known formats. candidate.ts turns a record and a mapping
// into the values the contact form's schema then checks.
//
// The formats' readers (csv.ts, vcard.ts) are pure and streamed with bounded
// memory: encoding.ts turns the file's bytes into text chunks, a reader turns
// text chunks into records.

export type SourceFormat = "google-csv" | "outlook-csv" | "csv" | "vcard";

export const SOURCE_FORMAT_LABELS: Record<SourceFormat, string> = {
  "google-csv": "Google Contacts (CSV)",
  "outlook-csv": "Outlook (CSV)",
  csv: "CSV with a header row",
  vcard: "vCard",
};

/** The text encodings an import reads. */
export type SourceEncoding = "utf-8" | "utf-16le" | "utf-16be" | "windows-1252";

/**
 * Where a column's values go. A field name, or a part of the name that is
 * joined into `name` when no column gives the whole name ("Name Prefix",
 * "First Name", "Middle Name", "Last Name", "Name Suffix" in Google's CSV,
 * N's components in a vCard), or the contact's labels (Google's "Labels",
 * Outlook's "Categories", vCard CATEGORIES; used once labels exist).
 */
export type MappingTarget = ContactFieldName | "name:prefix" | "name:first" | "name:middle" | "name:last" | "name:suffix" | "labels";

/** Each column's target, by column index; null: the column is ignored. */
export type ColumnMapping = (MappingTarget | null)[];

/** What the start of a file says about it. */
export interface DetectedSource {
  format: SourceFormat;
  encoding: SourceEncoding;
  /** the CSV delimiter; null for a vCard */
  delimiter: "," | ";" | "\t" | null;
  /** the column names: a CSV's header row, a vCard's fixed columns (VCARD_COLUMNS) */
  columns: string[];
  /** the suggested target of each column */
  mapping: ColumnMapping;
}

/** Why a file cannot be imported at all (shown to the user, nothing is stored). */
export interface SourceProblem {
  problem: string;
}

/**
 * One record: its number in the file (the CSV row's line, 2 for the first
 * row after the header; the card's position, from 1) and its values by
 * column. A record that cannot be read at all (a malformed card) carries the
 * reason instead, and the import rejects it with that reason.
 */
export interface SourceRecord {
  number: number;
  values: string[];
  problem?: string;
}
