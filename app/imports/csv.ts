import { CsvError, Parser } from "csv-parse";
import { parse as parseSample } from "csv-parse/sync";
import { stringify } from "csv-stringify/sync";
import { contactFields, type ContactFieldName } from "#app/contacts/contact-fields";
import type { ColumnMapping, DetectedSource, MappingTarget, SourceFormat, SourceProblem, SourceRecord } from "./source";

// CSV in and out (docs/decisions/0031). Reading: detectCsv looks at the
// decoded start of a file (delimiter, header row, format, suggested mapping),
// readCsvRecords streams its rows through csv-parse. Writing: csvHeader and
// csvRow, Google Contacts' columns, through csv-stringify. Pure: no database,
// no file system; the route writes the UTF-8 byte order mark (CSV_BOM) once.

export type CsvDelimiter = "," | ";" | "\t";
export type CsvFormat = Extract<SourceFormat, "google-csv" | "outlook-csv" | "csv">;

/** A row (all its values together) longer than this is a problem record, and the reading stops there. */
export const MAX_CSV_ROW_LENGTH = 1024 * 1024;

// ---------------------------------------------------------------- detection

const DELIMITERS: readonly CsvDelimiter[] = [",", ";", "\t"];
const DELIMITER_NAMES: Record<CsvDelimiter, string> = { ",": "comma", ";": "semicolon", "\t": "tab" };

/**
 * What the decoded start of a CSV file says about it. The delimiter is the one
 * (of comma, semicolon and tab) whose parse of the sample, quotes respected,
 * gives the header more than one column and the rows after it the same count;
 * the columns are the header row's cells, an empty one named "Column 3" and a
 * repeated one "Email (2)"; the format and the suggested mapping come from the
 * column names. `headText` may end in the middle of a row.
 */
export function detectCsv(headText: string): Omit<DetectedSource, "encoding"> | SourceProblem {
  let text = headText.charCodeAt(0) === 0xfeff ? headText.slice(1) : headText;
  if (text.trim() === "") return { problem: "The file is empty." };
  if (text.includes("\u0000"))
    return { problem: "This file is not text (it has NUL characters): export your contacts as CSV or vCard and import that file." };
  // Excel honours a first line "sep=;" and some exports write one for it.
  const sep = SEP_LINE.exec(text);
  if (sep) text = text.slice(sep[0].length);
  const samples = (sep ? [sep[1] as CsvDelimiter] : DELIMITERS).map((delimiter) => sampleWith(text, delimiter));
  const best = samples.reduce((a, b) => (compareSamples(b, a) > 0 ? b : a));
  if (!best.header) {
    return {
      problem: `The first row (the column names) could not be read. ${best.headerProblem ?? ""}`.trim(),
    };
  }
  const names = best.header.map((cell) => cleanHeader(cell));
  const email = names.find((name) => EMAIL_LIKE.test(name));
  if (email !== undefined) {
    return {
      problem: `The first row should hold the column names (Name, Email, Phone…), but it holds data (${email}): add a row of column names at the top and import the file again.`,
    };
  }
  const columns = columnNames(names);
  const format = csvFormat(columns);
  return { format, delimiter: best.delimiter, columns, mapping: suggestCsvMapping(columns, format) };
}

const SEP_LINE = /^sep=([,;\t])\r?\n/i;
const EMAIL_LIKE = /^[^\s@"<>(),;:]+@[^\s@"<>(),;:]+\.[^\s@"<>(),;:]{2,}$/;

interface Sample {
  delimiter: CsvDelimiter;
  /** the first non-blank row, or null if it could not be parsed */
  header: string[] | null;
  headerProblem?: string;
  /** complete rows after the header (a last row the head may have cut is left out) */
  rows: number;
  /** of those, the ones with exactly the header's count of values (trailing empty values aside) */
  consistent: number;
}

function sampleWith(text: string, delimiter: CsvDelimiter): Sample {
  const rows: (string[] | CsvError)[] = [];
  parseSample(text, {
    delimiter,
    record_delimiter: ["\r\n", "\n", "\r"],
    relax_column_count: true,
    skip_records_with_error: true,
    skip_empty_lines: false,
    on_record: (record: string[]) => {
      rows.push(record);
      return null;
    },
    on_skip: (error) => {
      if (error) rows.push(error);
      return undefined;
    },
  });
  const outputs = rows.filter((row) => row instanceof CsvError || !isBlank(row));
  // The head may end inside the last row: it proves nothing either way.
  if (outputs.length > 1 && !/[\r\n]$/.test(text)) outputs.pop();
  else if (outputs.at(-1) instanceof CsvError && (outputs.at(-1) as CsvError).code === "CSV_QUOTE_NOT_CLOSED") outputs.pop();
  const [first, ...data] = outputs;
  if (!first || first instanceof CsvError)
    return { delimiter, header: null, headerProblem: first && quoteProblem(first), rows: 0, consistent: 0 };
  const width = first.length;
  const consistent = data.filter((row) => !(row instanceof CsvError) && fitsHeader(row, width)).length;
  return { delimiter, header: first, rows: data.length, consistent };
}

function fitsHeader(row: string[], width: number): boolean {
  return row.length === width || (row.length > width && row.slice(width).every((value) => value.trim() === ""));
}

/** Positive when `a` is the better delimiter: more than one column, rows that agree with the header (90% is enough), more columns, then the order , ; tab. */
function compareSamples(a: Sample, b: Sample): number {
  const key = (s: Sample) => [
    s.header ? 1 : 0,
    s.header && s.header.length > 1 ? 1 : 0,
    s.rows === 0 || s.consistent / s.rows >= 0.9 ? 1 : 0,
    s.header?.length ?? 0,
    s.rows === 0 ? 1 : s.consistent / s.rows,
    -DELIMITERS.indexOf(s.delimiter),
  ];
  const [ka, kb] = [key(a), key(b)];
  for (let i = 0; i < ka.length; i++) if (ka[i] !== kb[i]) return ka[i]! - kb[i]!;
  return 0;
}

function cleanHeader(cell: string): string {
  // eslint-disable-next-line no-control-regex -- a header's control characters (a tab, a line break in quotes) become spaces
  const name = cell.replace(/[\u0000-\u001f\u007f-\u009f]+/g, " ").trim();
  return name.length > 100 ? `${name.slice(0, 99)}…` : name;
}

/** The header's cells as column names: an empty one is "Column N", a repeated one gets " (2)", " (3)"… */
function columnNames(names: readonly string[]): string[] {
  const used = new Set<string>();
  return names.map((name, i) => {
    const base = name === "" ? `Column ${i + 1}` : name;
    let column = base;
    for (let n = 2; used.has(column.toLowerCase()); n++) column = `${base} (${n})`;
    used.add(column.toLowerCase());
    return column;
  });
}

// ---------------------------------------------------------------- formats and mappings

/** The numbered columns of Google Contacts' exports, current and legacy ("E-mail 1 - Value", "Organization 1 - Name"). */
const GOOGLE_NUMBERED = /^(E-mail|Phone|Address|Organization|Website|Relation|Event|IM|Custom Field|External ID) \d+ - /i;
/** Columns that only Outlook's English export has, of which a file must have two (one of them an address column). */
const OUTLOOK_EMAIL = ["e-mail address", "e-mail 2 address", "e-mail 3 address", "e-mail display name", "e-mail type"];
const OUTLOOK_OTHER = [
  "business phone",
  "mobile phone",
  "home phone",
  "primary phone",
  "job title",
  "business street",
  "home street",
  "categories",
];

/** Google Contacts (current or legacy), Outlook (English), or any other CSV with a header row. */
export function csvFormat(columns: readonly string[]): CsvFormat {
  const names = new Set(columns.map((column) => baseName(column).toLowerCase()));
  const google =
    columns.some((column) => GOOGLE_NUMBERED.test(baseName(column))) ||
    names.has("group membership") ||
    (names.has("given name") && names.has("family name")) ||
    (names.has("labels") && names.has("first name") && names.has("organization name"));
  if (google) return "google-csv";
  const outlookEmail = OUTLOOK_EMAIL.filter((name) => names.has(name)).length;
  const outlookOther = OUTLOOK_OTHER.filter((name) => names.has(name)).length;
  if (outlookEmail >= 1 && outlookEmail + outlookOther >= 2) return "outlook-csv";
  return "csv";
}

// Google's current export (First Name … Labels) and its legacy one (Name,
// Given Name … Group Membership), in one table: they do not disagree.
// prettier-ignore
const GOOGLE_COLUMNS: [string | RegExp, MappingTarget][] = [
  ["Name", "name"],
  ["First Name", "name:first"], ["Given Name", "name:first"],
  ["Middle Name", "name:middle"], ["Additional Name", "name:middle"],
  ["Last Name", "name:last"], ["Family Name", "name:last"],
  ["Name Prefix", "name:prefix"], ["Name Suffix", "name:suffix"],
  ["Organization Name", "company"], [/^Organization \d+ - Name$/i, "company"],
  [/^E-mail \d+ - Value$/i, "email"],
  [/^Phone \d+ - Value$/i, "phone"],
  ["Notes", "notes"],
  ["Labels", "labels"], ["Group Membership", "labels"],
];

// Outlook's English export (desktop and Outlook.com). "Title" is the
// prefix (Mr., Dr.); the job is "Job Title", which has no field.
// prettier-ignore
const OUTLOOK_COLUMNS: [string | RegExp, MappingTarget][] = [
  ["Title", "name:prefix"], ["First Name", "name:first"], ["Middle Name", "name:middle"], ["Last Name", "name:last"], ["Suffix", "name:suffix"],
  ["Company", "company"],
  ["E-mail Address", "email"], ["E-mail 2 Address", "email"], ["E-mail 3 Address", "email"],
  ["Primary Phone", "phone"], ["Mobile Phone", "phone"], ["Business Phone", "phone"], ["Business Phone 2", "phone"],
  ["Home Phone", "phone"], ["Home Phone 2", "phone"], ["Other Phone", "phone"],
  ["Notes", "notes"],
  ["Categories", "labels"],
];

// Other files' headers, compared by headerKey (lower case, no accents, no
// spaces or punctuation: "E-Mail-Adresse" is "emailadresse"), with a few
// common ones in French, German, Spanish and Dutch. "nom", "nombre" and
// German "name" are settled by the other columns (nameInContext).
// prettier-ignore
const GENERIC_KEYS: Record<string, MappingTarget> = {
  ...keys("name", "name fullname displayname contactname contact nomcomplet vollstandigername nombrecompleto naam volledigenaam"),
  ...keys("name:first", "firstname givenname forename first vorname prenom voornaam"),
  ...keys("name:middle", "middlename additionalname middle weiterevornamen deuxiemeprenom segundonombre tussenvoegsel"),
  ...keys("name:last", "lastname familyname surname last nachname nomdefamille apellido apellidos achternaam"),
  ...keys("name:prefix", "nameprefix prefix salutation anrede civilite titel"),
  ...keys("name:suffix", "namesuffix suffix suffixe namenszusatz"),
  ...keys("email", "email mail emailaddress emailadresse emailadres courriel adressecourriel adresseemail adressedemessagerie correo correoelectronico direcciondecorreoelectronico"),
  ...keys("company", "company companyname organization organisation organizationname org employer firma firmenname unternehmen societe entreprise empresa compania organizacion bedrijf organisatie"),
  ...keys("phone", "phone phonenumber telephone telephonenumber tel mobile mobilephone mobilenumber cell cellphone cellular telefon telefonnummer handy mobil mobiltelefon telefongeschaftlich telefonprivat telephonemobile telephonebureau portable telefono movil telefonomovil telefoon mobiel mobieletelefoon"),
  ...keys("notes", "notes note comments comment remarks remark notizen notiz bemerkung bemerkungen anmerkung anmerkungen remarques remarque commentaire commentaires notas nota observaciones notities opmerkingen"),
  ...keys("labels", "labels label tags tag groups group categories category groupmembership kategorien kategorie gruppen gruppe etiquettes categorias grupos etiketten groepen"),
};
const EMAIL_BASES = new Set(["email", "mail", "emailaddress"]);
const PHONE_BASES = new Set(["phone", "phonenumber", "telephone", "number", "tel"]);
const QUALIFIERS = ["work", "home", "business", "personal", "private", "primary", "secondary", "other", "main", "office", "mobile", "cell"];

function keys(target: MappingTarget, list: string): Record<string, MappingTarget> {
  return Object.fromEntries(list.split(" ").map((key) => [key, target]));
}

/**
 * Each column's suggested target: a field's own export column (CONTACT_FIELDS'
 * exportColumn, so what Cardfile writes it reads back), then the format's
 * known columns, then the generic names. Several columns may share a target
 * (E-mail 1 and E-mail 2: the import takes the first that is not empty);
 * columns like "E-mail 1 - Label" or "Job Title" map to nothing.
 */
export function suggestCsvMapping(columns: readonly string[], format: SourceFormat = csvFormat(columns)): ColumnMapping {
  const names = columns.map(baseName);
  const keysOf = names.map(headerKey);
  const table = format === "google-csv" ? GOOGLE_COLUMNS : format === "outlook-csv" ? OUTLOOK_COLUMNS : [];
  return names.map((name, i) => exportColumnTarget(name) ?? tableTarget(table, name) ?? genericTarget(keysOf[i]!, keysOf));
}

const EXPORT_COLUMN_TARGETS = new Map<string, ContactFieldName>(
  // The name is written in two columns (First Name, Last Name): Google's table reads them as name parts.
  contactFields.filter((field) => field.name !== "name").map((field) => [field.exportColumn.toLowerCase(), field.name]),
);

function exportColumnTarget(name: string): MappingTarget | null {
  return EXPORT_COLUMN_TARGETS.get(name.toLowerCase()) ?? null;
}

function tableTarget(table: [string | RegExp, MappingTarget][], name: string): MappingTarget | null {
  const lower = name.toLowerCase();
  const found = table.find(([column]) => (typeof column === "string" ? column.toLowerCase() === lower : column.test(name)));
  return found ? found[1] : null;
}

function genericTarget(key: string, all: readonly string[]): MappingTarget | null {
  const bare = key.replace(/\d+$/, ""); // "email2", "phone1"
  const context = nameInContext(bare, all);
  if (context) return context;
  const known = GENERIC_KEYS[bare];
  if (known) return known;
  for (const qualifier of QUALIFIERS) {
    const rest = bare.startsWith(qualifier)
      ? bare.slice(qualifier.length)
      : bare.endsWith(qualifier)
        ? bare.slice(0, -qualifier.length)
        : null;
    if (rest && EMAIL_BASES.has(rest)) return "email";
    if (rest && PHONE_BASES.has(rest)) return "phone";
  }
  return null;
}

/** French "Nom" beside "Prénom" is the family name, Spanish "Nombre" beside "Apellidos" the given one, German "Name" beside "Vorname" the family name. */
function nameInContext(key: string, all: readonly string[]): MappingTarget | null {
  const has = (...candidates: string[]) => candidates.some((candidate) => all.includes(candidate));
  if (key === "nom") return has("prenom", "firstname") ? "name:last" : "name";
  if (key === "nombre") return has("apellido", "apellidos", "lastname") ? "name:first" : "name";
  if (key === "name" && has("vorname")) return "name:last";
  return null;
}

/** A column name without the " (2)" that columnNames adds to a repeated one. */
function baseName(column: string): string {
  return column.replace(/ \(\d+\)$/, "");
}

/** Lower case, accents dropped, only letters and digits: "E-Mail-Adresse" and "e_mail adresse" are both "emailadresse". */
function headerKey(name: string): string {
  return name
    .normalize("NFKD")
    .replace(/\p{M}/gu, "")
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]/gu, "");
}

// ---------------------------------------------------------------- reading

// csv-parse counts a CRLF inside a quoted value as two lines (it counts every
// CR and LF there) but a CRLF that ends a row as one, so the rows after a
// multi-line note would get numbers that are too high. The text it reads has
// each CRLF as LF + U+FDD0 (a noncharacter, reserved for such internal use;
// one in the file becomes U+FFFD), so every line break is one CR or LF, and
// values get their CRLF back.
const CRLF_MARK = "\n\uFDD0";

/** What csv-parse hands on, in file order: a row's values, or the error that made it skip one. */
type Row = { values: string[]; line: number } | { skipped: CsvError; line: number };

/**
 * The rows after the header row, streamed: `number` is the line where the
 * row starts (a value with line breaks in it spans several lines), `values`
 * has one value per header column (a short row is padded with ""). Blank rows
 * and rows of empty values are skipped. A row csv-parse cannot read (a quote
 * in the wrong place) and a row with more non-empty values than the header
 * has columns become records with a `problem`, and reading goes on with the
 * next row; a row longer than MAX_CSV_ROW_LENGTH (nearly always a quote that
 * is never closed) becomes a problem record and ends the reading. A value
 * that Cardfile's export defused (`'+44…`) gets its value back.
 */
export async function* readCsvRecords(
  text: AsyncIterable<string>,
  { delimiter, maxRowLength = MAX_CSV_ROW_LENGTH }: { delimiter: CsvDelimiter; maxRowLength?: number },
): AsyncIterable<SourceRecord> {
  // csv-parse's streaming parser, fed one chunk at a time: its callbacks hand
  // over each chunk's rows, which are yielded before the next chunk is
  // written, so memory holds one chunk's rows. (Its readable side would drop
  // the rows it still buffers when it fails on a row that is too long.)
  const rows: Row[] = [];
  let tooLong: SourceRecord | null = null;
  const parser = new Parser({
    delimiter,
    record_delimiter: [CRLF_MARK, "\n", "\r"],
    relax_column_count: true,
    skip_records_with_error: true,
    skip_empty_lines: false,
    raw: true,
    max_record_size: maxRowLength,
    // With `raw`, csv-parse hands each record over with its text: { record, raw }.
    on_record: (row: unknown, { lines, raw }) => {
      rows.push({ values: (row as { record: string[] }).record, line: startLine(lines, raw ?? "") });
      return null;
    },
    on_skip: (error, raw) => {
      if (!error) return undefined;
      const line = startLine(error.lines as number, raw ?? "");
      if (error.code === "CSV_MAX_RECORD_SIZE") {
        // csv-parse cannot skip this one (it would lose the rest of the chunk): it stops.
        tooLong = { number: line, values: [], problem: tooLongProblem(maxRowLength) };
        throw error;
      }
      rows.push({ skipped: error, line });
      return undefined;
    },
  });
  let failure: unknown = null;
  const failed = (error: unknown) => (failure ??= error ?? null);
  parser.on("error", failed);
  parser.resume(); // nothing is pushed to its readable side; this lets it end

  const records = new Records(rows, delimiter);
  try {
    for await (const chunk of forParser(text)) {
      await new Promise<void>((resolve) => parser.write(chunk, (error) => resolve(void failed(error))));
      yield* records.take();
      if (failure || records.done) break;
    }
    if (!failure && !records.done) await new Promise<void>((resolve) => parser.end(() => resolve()));
    // (An error while ending reaches `failed` through the "error" event, before the end's callback.)
    yield* records.take();
    if (failure && !(failure instanceof CsvError)) throw failure;
    const stop = failure instanceof CsvError ? failure : null;
    yield* records.finish(
      stop &&
        (tooLong ?? { number: records.lastLine + 1, values: [], problem: `The file could not be read past this row (${stop.message}).` }),
    );
  } finally {
    parser.destroy();
  }
}

/**
 * csv-parse's rows as records, in order: the first row that is not blank is
 * the header (it sets the width, and is not a record); blank rows and
 * Excel's "sep=" line are skipped. A row csv-parse skipped is held until the
 * next row comes, so that a row with several errors, or one that then grows
 * too long, is one record: the numbers are unique.
 */
class Records {
  done = false;
  lastLine = 1;
  private width: number | null = null;
  private held: SourceRecord | null = null;

  constructor(
    private rows: Row[],
    private delimiter: CsvDelimiter,
  ) {}

  *take(): Generator<SourceRecord> {
    for (const row of this.rows.splice(0)) {
      if (this.done) return;
      if ("skipped" in row) {
        if (this.held?.number === row.line) continue;
        yield* this.release();
        this.lastLine = row.line;
        if (this.width === null) {
          this.done = true;
          yield { number: row.line, values: [], problem: `The header row could not be read: ${quoteProblem(row.skipped)}` };
          return;
        }
        this.held = { number: row.line, values: [], problem: quoteProblem(row.skipped) };
        continue;
      }
      const values = row.values.map(restoreCrlf);
      if (isBlank(values)) continue;
      yield* this.release();
      this.lastLine = row.line;
      if (this.width === null) {
        // Excel's "sep=;" line, which detectCsv honoured, comes before the header.
        if (!(values.length === 2 && /^sep=$/i.test(values[0]!) && values[1] === "")) this.width = values.length;
        continue;
      }
      if (values.length > this.width && values.slice(this.width).some((value) => value.trim() !== "")) {
        yield { number: row.line, values: values.map(undefuse), problem: tooManyValues(values.length, this.width, this.delimiter) };
        continue;
      }
      // Trailing empty values dropped, a short row padded.
      const width = this.width;
      yield { number: row.line, values: Array.from({ length: width }, (_, i) => undefuse(values[i] ?? "")) };
    }
  }

  /** The held row, and the reason the reading stopped (which replaces the held row if it is the same row). */
  *finish(last: SourceRecord | null): Generator<SourceRecord> {
    if (this.done) return;
    if (last && this.held?.number === last.number) this.held = null;
    yield* this.release();
    if (last) yield last;
  }

  private *release(): Generator<SourceRecord> {
    if (this.held) yield this.held;
    this.held = null;
  }
}

/** The text as csv-parse reads it: no byte order mark, CRLF marked, and no chunk ending between a CR and its LF or inside a surrogate pair. */
async function* forParser(text: AsyncIterable<string>): AsyncIterable<string> {
  let carry = "";
  let started = false;
  for await (const chunk of text) {
    let part = carry + chunk;
    carry = "";
    if (!started && part) {
      started = true;
      if (part.charCodeAt(0) === 0xfeff) part = part.slice(1);
    }
    const last = part.charCodeAt(part.length - 1);
    if (last === 0x0d || (last >= 0xd800 && last <= 0xdbff)) {
      carry = part.slice(-1);
      part = part.slice(0, -1);
    }
    if (part) yield markCrlf(part);
  }
  if (carry) yield markCrlf(carry);
}

function markCrlf(text: string): string {
  return text.replaceAll("\uFDD0", "\uFFFD").replaceAll("\r\n", CRLF_MARK);
}

function restoreCrlf(value: string): string {
  return value.includes("\uFDD0") ? value.replaceAll(CRLF_MARK, "\r\n") : value;
}

/**
 * The line a row starts on, from csv-parse's line count when it finished (or
 * failed on) the row and the row's text so far: each CR or LF in that text,
 * but a last one (the row's own end, not counted yet), is a line before.
 */
function startLine(lines: number, raw: string): number {
  let breaks = 0;
  for (let i = 0; i < raw.length; i++) {
    const c = raw.charCodeAt(i);
    if (c === 0x0a || c === 0x0d) breaks++;
  }
  const last = raw.charCodeAt(raw.length - 1);
  if (last === 0x0a || last === 0x0d) breaks--;
  return lines - breaks;
}

function isBlank(values: readonly string[]): boolean {
  return values.every((value) => value.trim() === "");
}

function quoteProblem(error: CsvError): string {
  switch (error.code) {
    case "INVALID_OPENING_QUOTE":
      return 'A value has a double quote (") in it but does not start with one: such a value must be in double quotes, with each quote in it doubled ("").';
    case "CSV_INVALID_CLOSING_QUOTE":
      return 'A value in double quotes has a quote in it that is not doubled (""), so where the value ends is unclear.';
    case "CSV_QUOTE_NOT_CLOSED":
      return 'A value opens a double quote (") that is never closed: the rest of the file was read as part of this row.';
    default:
      return `This row could not be read (${error.message}).`;
  }
}

function tooManyValues(count: number, width: number, delimiter: CsvDelimiter): string {
  return `This row has ${count} values but the header has ${width} columns: a value with a ${DELIMITER_NAMES[delimiter]} in it must be in double quotes.`;
}

function tooLongProblem(max: number): string {
  const size = max >= 1024 * 1024 ? `${Math.round(max / 1024 / 1024)} MB` : `${Math.round(max / 1024)} KB`;
  return `This row is longer than ${size}, most likely because a double quote (") is never closed: the file was not read past this row.`;
}

// ---------------------------------------------------------------- formula defusing

// OWASP's CSV injection advice: a cell that starts with = + - @ (or their
// full-width forms, which Apple Numbers folds into them), tab or CR is run as
// a formula by a spreadsheet, so the export prefixes it with ' (which
// spreadsheets show as text). A value that already starts with apostrophes
// and then one of those gets one more, so the import can always remove
// exactly one: what Cardfile writes, it reads back unchanged. A phone number
// or a plain number (digits, spaces, + - ( ) . /) is left alone: as a formula
// it can only compute a number, and Google Contacts, which imports this file,
// would keep the apostrophe in every international number.
const FORMULA_START = /^'*[=+\-@\t\r\uFF1D\uFF0B\uFF0D\uFF20]/;
const DEFUSED = /^'+[=+\-@\t\r\uFF1D\uFF0B\uFF0D\uFF20]/;
const INERT_NUMBER = /^[+-][\d ().+/-]*$/;

/** The value as the export writes it: `'` before a cell a spreadsheet would run as a formula. */
export function defuseFormula(value: string): string {
  return FORMULA_START.test(value) && !INERT_NUMBER.test(value) ? `'${value}` : value;
}

/** The value a defused cell stood for (`'=x` is `=x`, `''+x` is `'+x`); any other value as it is. */
export function undefuse(value: string): string {
  return DEFUSED.test(value) ? value.slice(1) : value;
}

// ---------------------------------------------------------------- writing

/** What the route writes before the header (once): Excel reads UTF-8 CSV right only with it, Google Contacts ignores it. */
export const CSV_BOM = "\uFEFF";

const LAST_NAME = "Last Name";

/**
 * The export's columns, Google Contacts' current names: the name in "First
 * Name" (the name field's exportColumn) and "Last Name", then each other
 * field's exportColumn ("E-mail 1 - Value", "Organization Name", "Phone 1 -
 * Value", "Notes"). Google Contacts imports them; detectCsv reads them back
 * as google-csv.
 */
export const CSV_EXPORT_COLUMNS: readonly string[] = [
  ...contactFields.flatMap((field) => (field.name === "name" ? [field.exportColumn, LAST_NAME] : [field.exportColumn])),
  "Labels",
];

/**
 * A contact's fields as the export reads them (null or "" for an empty one),
 * its labels' names and its star: the Labels column, as Google writes it
 * ("Friends ::: Work ::: * starred").
 */
export type ExportedContact = { readonly [K in ContactFieldName]: string | null } & { labels?: readonly string[]; starred?: boolean };

/** The header row, CRLF-terminated. */
export function csvHeader(): string {
  return csvLine(CSV_EXPORT_COLUMNS);
}

/** One contact's row, CRLF-terminated, in the order of CSV_EXPORT_COLUMNS. */
export function csvRow(contact: ExportedContact): string {
  return csvRows([contact]);
}

/** Contacts' rows, as csvRow writes each: one call of csv-stringify for all of them (an export writes a million). */
export function csvRows(contacts: readonly ExportedContact[]): string {
  return stringify(contacts.map(cellsOf), STRINGIFY_OPTIONS);
}

function cellsOf(contact: ExportedContact): string[] {
  const [first, last] = nameColumns(contact);
  const cells = contactFields.flatMap((field) => (field.name === "name" ? [first, last] : [contact[field.name] ?? ""]));
  const labels = contact.starred ? [...(contact.labels ?? []), GOOGLE_STARRED_LABEL] : (contact.labels ?? []);
  cells.push(labels.join(LABEL_SEPARATOR));
  return cells;
}

/** How Google's Labels column joins a contact's labels, and its label for the star. */
const LABEL_SEPARATOR = " ::: ";
const GOOGLE_STARRED_LABEL = "* starred";

const STRINGIFY_OPTIONS = {
  record_delimiter: "\r\n",
  // With record_delimiter set, csv-stringify quotes a value only for a whole
  // CRLF in it, not for a lone LF or CR, unless this is on.
  quote_record_delimiter: true,
  // Quoted, leading and trailing spaces survive readers that trim.
  quoted_match: /^\s|\s$/,
  eof: true,
  // Not csv-stringify's own escape_formulas: it cannot be undone exactly (a value that starts with ' would lose it).
  cast: { string: defuseFormula },
} as const;

/**
 * Any row of cells as RFC 4180 CSV: comma-separated, CRLF-terminated, a cell
 * quoted when it holds a comma, a quote (doubled), a line break or a leading
 * or trailing space, formulas defused (defuseFormula). The rejected rows'
 * download can use it too.
 */
export function csvLine(cells: readonly string[]): string {
  return stringify([[...cells]], STRINGIFY_OPTIONS);
}

/**
 * The name as Google's First Name and Last Name, so that the import puts
 * it back exactly: the parts are joined with one space (candidate.ts), and
 * with neither, the name is the company, else the email, else the phone. A
 * name that is what it would fall back to (a company-only contact's, as
 * imports make them) leaves both empty, as Google's own company-only
 * contacts do. Otherwise it is cut at its last space when both halves
 * rejoin to it (single spaces, no CJK, where the family name comes first),
 * else all of it is the first name.
 */
function nameColumns({ name, company, email, phone }: ExportedContact): [string, string] {
  if (!name) return ["", ""];
  if (name === (company || email || phone)) return ["", ""];
  if (!/^\S+(?: \S+)+$/u.test(name) || CJK.test(name)) return [name, ""];
  const cut = name.lastIndexOf(" ");
  return [name.slice(0, cut), name.slice(cut + 1)];
}

const CJK = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Hangul}]/u;
