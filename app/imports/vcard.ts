import iconv from "iconv-lite";
import { isId } from "#app/shared/ids";
import type { ColumnMapping, SourceRecord } from "./source";

// vCard 2.1, 3.0 (RFC 2426) and 4.0 (RFC 6350), read card by card into the
// fixed columns below and written as 3.0 or 4.0 for export. A parser of our
// own rather than ical.js, which refuses 2.1's bare parameters and
// quoted-printable soft breaks, needs the whole file, and fails the whole
// file on one bad line (docs/decisions/0030-vcard.md).

// ---- the columns a card is read into ----

const COLUMNS = [
  { name: "Formatted name (FN)", target: "name" },
  { name: "Name prefix", target: "name:prefix" },
  { name: "Given name", target: "name:first" },
  { name: "Additional names", target: "name:middle" },
  { name: "Family name", target: "name:last" },
  { name: "Name suffix", target: "name:suffix" },
  { name: "Email", target: "email" },
  { name: "Phone", target: "phone" },
  { name: "Organization", target: "company" },
  { name: "Department", target: null },
  { name: "Title", target: null },
  { name: "Note", target: "notes" },
  { name: "Categories", target: "labels" },
] as const satisfies readonly { name: string; target: ColumnMapping[number] }[];

type Column = (typeof COLUMNS)[number]["name"];

/** The columns every card is read into, in the order of a record's values. */
export const VCARD_COLUMNS: string[] = COLUMNS.map((column) => column.name);

/** The suggested target of each column. */
export const VCARD_MAPPING: ColumnMapping = COLUMNS.map((column) => column.target);

/** How the Categories column joins a card's categories (Google's CSV joins its labels alike). */
export const VCARD_CATEGORY_SEPARATOR = " ::: ";

/**
 * The most text one card may hold, in characters, counting only the
 * properties that are read: a 3 MB photo does not make a card too large, a
 * 2 MB note does.
 */
export const MAX_CARD_LENGTH = 1_000_000;

// ---- detection ----

const BEGIN = /^BEGIN[ \t]*:[ \t]*VCARD[ \t]*$/i;
const END = /^END[ \t]*:[ \t]*VCARD[ \t]*$/i;

/** The start of a decoded file is a vCard's: BEGIN:VCARD after a byte order mark and blank lines. */
export function looksLikeVCard(text: string): boolean {
  const start = text.replace(/^\uFEFF/, "").replace(/^(?:[ \t]*(?:\r\n|\r|\n))+/, "");
  const lineEnd = start.search(/[\r\n]/);
  return BEGIN.test(lineEnd === -1 ? start : start.slice(0, lineEnd));
}

// ---- reading ----

export interface ReadVCardOptions {
  /** cards holding more than this many characters of read properties are rejected (default MAX_CARD_LENGTH) */
  maxCardLength?: number;
}

/**
 * The cards of a vCard file, one record each, in order, from its decoded
 * text in chunks of any size. A card is held until its END:VCARD and no
 * longer; what is not a card (a card without END, a line that is not a
 * property, text between cards, a card over the limit) is a record with a
 * `problem`, and the cards after it are read as usual.
 */
export async function* readVCardRecords(text: AsyncIterable<string>, options: ReadVCardOptions = {}): AsyncGenerator<SourceRecord> {
  const maxLength = options.maxCardLength ?? MAX_CARD_LENGTH;
  let number = 0;
  let card: CardBuilder | null = null;
  let junk: Junk | null = null;
  const record = (values: string[] | { problem: string }): SourceRecord =>
    Array.isArray(values) ? { number: ++number, values } : { number: ++number, values: [], problem: values.problem };

  for await (const line of physicalLines(text, maxLength)) {
    if (card) {
      const outcome: AddOutcome = card.add(line);
      if (outcome === "open") continue;
      yield record(card.finish(outcome === "next" ? line.number : null));
      card = outcome === "next" ? new CardBuilder(line.number, maxLength) : null;
      continue;
    }
    const content = line.text.replace(/^\uFEFF/, "");
    if (BEGIN.test(content)) {
      if (junk) yield record({ problem: junk.problem() });
      junk = null;
      card = new CardBuilder(line.number, maxLength);
    } else if (content.trim() !== "" || junk) {
      junk ??= new Junk(line.number, content);
      junk.add(line.number, content);
    }
  }
  if (junk) yield record({ problem: junk.problem() });
  if (card) yield record(card.finish("eof"));
}

interface PhysicalLine {
  text: string;
  /** from 1 */
  number: number;
  /** the line was longer than the limit: `text` is its start */
  overflow: boolean;
}

/** Lines ending in CRLF, LF or CR, whatever the chunks; a line over `max` characters keeps only its start. */
async function* physicalLines(chunks: AsyncIterable<string>, max: number): AsyncGenerator<PhysicalLine> {
  let pending = "";
  let overflow = false;
  let number = 0;
  let afterCR = false;
  const take = (piece: string) => {
    if (overflow || piece === "") return;
    pending += piece;
    if (pending.length > max) {
      pending = pending.slice(0, max);
      overflow = true;
    }
  };
  const line = (): PhysicalLine => {
    const result = { text: pending, number: ++number, overflow };
    pending = "";
    overflow = false;
    return result;
  };
  for await (const chunk of chunks) {
    let start = 0;
    if (afterCR && chunk !== "") {
      if (chunk.startsWith("\n")) start = 1;
      afterCR = false;
    }
    while (start < chunk.length) {
      let end = start;
      while (end < chunk.length && chunk[end] !== "\n" && chunk[end] !== "\r") end++;
      take(chunk.slice(start, end));
      if (end === chunk.length) break;
      yield line();
      if (chunk[end] === "\r") {
        if (end + 1 === chunk.length) afterCR = true;
        else if (chunk[end + 1] === "\n") end++;
      }
      start = end + 1;
    }
  }
  if (pending !== "" || overflow) yield line();
}

/** A run of lines outside any card: one record with a problem. */
class Junk {
  private last: number;
  constructor(
    private readonly first: number,
    private readonly firstText: string,
  ) {
    this.last = first;
  }
  add(number: number, text: string) {
    if (text.trim() !== "") this.last = number;
  }
  problem(): string {
    const lines = this.first === this.last ? `Line ${this.first}` : `Lines ${this.first}–${this.last}`;
    if (END.test(this.firstText)) return `${lines}: END:VCARD without a BEGIN:VCARD before it.`;
    return `${lines} ${this.first === this.last ? "is" : "are"} not inside a card (BEGIN:VCARD … END:VCARD): ${quote(this.firstText)}.`;
  }
}

/** The properties a record is made of; every other property is skipped without being held. */
const READ = new Set(["VERSION", "FN", "N", "EMAIL", "TEL", "ORG", "TITLE", "NOTE", "CATEGORIES"]);
const PROPERTY_START = /^(?:[A-Za-z0-9_-]+\.)?([A-Za-z0-9_-]+)(?=[;:])/;
const QUOTED_PRINTABLE_PARAM = /;[ \t]*(?:ENCODING[ \t]*=[ \t]*)?QUOTED-PRINTABLE[ \t]*(?=[;:])/i;
// 2.1's BASE64 runs on unindented lines up to a blank one (3.0's ENCODING=b is folded like any value).
const BASE64_PARAM = /;[ \t]*(?:ENCODING[ \t]*=[ \t]*)?BASE64[ \t]*(?=[;:])/i;
const BASE64_LINE = /^[A-Za-z0-9+/=]+$/;

type Continuation = "fold" | "soft" | "base64";

/** A property's lines as they came, joined once the card's version is known (2.1 unfolds differently). */
interface HeldProperty {
  number: number;
  parts: { text: string; continuation: Continuation | null }[];
}

/** The logical line being read: enough to know where it ends, even when its text is not held. */
interface CurrentProperty {
  name: string | null;
  held: HeldProperty | null;
  quotedPrintable: boolean;
  base64: boolean;
  /** AGENT with no value: 2.1 puts the agent's own card on the next lines */
  emptyAgent: boolean;
  softBreak: boolean;
}

type AddOutcome = "open" | "end" | "next";

class CardBuilder {
  private held: HeldProperty[] = [];
  private length = 0;
  private tooLarge = false;
  private current: CurrentProperty | null = null;
  private agentDepth = 0;

  constructor(
    private readonly begin: number,
    private readonly maxLength: number,
  ) {}

  /** Reads one line: the card goes on ("open"), has ended ("end"), or this line begins the next card ("next"). */
  add(line: PhysicalLine): AddOutcome {
    const { text } = line;
    if (this.agentDepth > 0) {
      if (BEGIN.test(text)) this.agentDepth++;
      else if (END.test(text)) this.agentDepth--;
      return "open";
    }
    if (END.test(text)) return "end";
    if (BEGIN.test(text)) {
      if (!this.current?.emptyAgent) return "next";
      this.agentDepth = 1;
      this.current = null;
      return "open";
    }
    const current = this.current;
    if (text.trim() === "") {
      this.current = null;
    } else if (current?.quotedPrintable && current.softBreak) {
      this.continue(current, line, "soft");
    } else if (current && (text.startsWith(" ") || text.startsWith("\t"))) {
      this.continue(current, line, "fold");
    } else if (current?.base64 && BASE64_LINE.test(text)) {
      this.continue(current, line, "base64");
    } else {
      this.start(line);
    }
    return "open";
  }

  private start(line: PhysicalLine) {
    const name = PROPERTY_START.exec(line.text)?.[1]?.toUpperCase() ?? null;
    const colon = line.text.indexOf(":");
    const head = colon === -1 ? line.text : line.text.slice(0, colon + 1);
    const keep = name === null || READ.has(name);
    const held: HeldProperty | null = keep ? { number: line.number, parts: [] } : null;
    if (held) this.held.push(held);
    this.current = {
      name,
      held,
      quotedPrintable: QUOTED_PRINTABLE_PARAM.test(head),
      base64: BASE64_PARAM.test(head),
      emptyAgent: name === "AGENT" && colon !== -1 && line.text.slice(colon + 1).trim() === "",
      softBreak: false,
    };
    this.continue(this.current, line, null);
  }

  private continue(current: CurrentProperty, line: PhysicalLine, continuation: Continuation | null) {
    current.softBreak = line.text.trimEnd().endsWith("=");
    if (continuation !== null) current.emptyAgent = false;
    if (!current.held || this.tooLarge) return;
    this.length += line.text.length + 1;
    if (line.overflow || this.length > this.maxLength) {
      this.tooLarge = true;
      this.held = [];
      return;
    }
    current.held.parts.push({ text: line.text, continuation });
  }

  /** The card's record: its values, or why it cannot be read (`end`: the line of the next BEGIN:VCARD, or "eof"). */
  finish(end: number | "eof" | null): string[] | { problem: string } {
    if (this.tooLarge) {
      return {
        problem: `The card at line ${this.begin} is larger than ${megabytes(this.maxLength)} (not counting photos and other properties not imported).`,
      };
    }
    if (end === "eof") return { problem: `The card at line ${this.begin} has no END:VCARD: the file ends inside it.` };
    if (end !== null) {
      return {
        problem: `The card at line ${this.begin} has no END:VCARD before the BEGIN:VCARD at line ${end} (a card cut short, or one inside another).`,
      };
    }
    try {
      return cardValues(this.held);
    } catch (error) {
      if (error instanceof CardProblem) return { problem: `The card at line ${this.begin}: ${error.message}` };
      throw error;
    }
  }
}

class CardProblem extends Error {}

interface Property {
  number: number;
  name: string;
  params: Map<string, string[]>;
  value: string;
}

type Version = "2.1" | "3.0" | "4.0";

function cardValues(held: HeldProperty[]): string[] {
  const version = cardVersion(held);
  const properties = new Map<string, Property[]>();
  for (const property of held.map((h) => parseProperty(h, version))) {
    const same = properties.get(property.name) ?? [];
    same.push(property);
    properties.set(property.name, same);
  }
  const all = (name: string) => properties.get(name) ?? [];
  const text = (property: Property) => newlines(unescape(decodeValue(property), version));
  const first = (name: string) => preferred(all(name).filter((property) => decodeValue(property).trim() !== ""));

  const values = new Map<Column, string>();
  const fn = first("FN");
  if (fn) values.set("Formatted name (FN)", text(fn));

  const n = all("N")[0];
  if (n) {
    const [family = [], given = [], additional = [], prefix = [], suffix = []] = nameComponents(decodeValue(n), version);
    values.set("Family name", family.join(" "));
    values.set("Given name", given.join(" "));
    values.set("Additional names", additional.join(" "));
    values.set("Name prefix", prefix.join(" "));
    values.set("Name suffix", suffix.join(", "));
  }

  const email = first("EMAIL");
  if (email)
    values.set(
      "Email",
      text(email)
        .trim()
        .replace(/^mailto:/i, ""),
    );

  const tel = first("TEL");
  if (tel) {
    const number = text(tel).trim();
    values.set("Phone", /^tel:/i.test(number) ? number.slice(4).split(";")[0]! : number);
  }

  const org = first("ORG");
  if (org) {
    const [name = "", ...units] = splitUnescaped(decodeValue(org), ";").map((component) => newlines(unescape(component, version)));
    values.set("Organization", name);
    values.set("Department", units.filter((unit) => unit !== "").join(", "));
  }

  const title = first("TITLE");
  if (title) values.set("Title", text(title));

  const notes = all("NOTE")
    .map(text)
    .filter((note) => note.trim() !== "");
  if (notes.length > 0) values.set("Note", notes.join("\n\n"));

  const categories = new Map<string, string>();
  for (const property of all("CATEGORIES")) {
    for (const item of splitUnescaped(decodeValue(property), ",")) {
      const category = newlines(unescape(item, version)).trim();
      if (category !== "" && !categories.has(category.toLowerCase())) categories.set(category.toLowerCase(), category);
    }
  }
  if (categories.size > 0) values.set("Categories", [...categories.values()].join(VCARD_CATEGORY_SEPARATOR));

  return COLUMNS.map((column) => values.get(column.name) ?? "");
}

function cardVersion(held: HeldProperty[]): Version {
  for (const property of held) {
    const match = /^VERSION[ \t]*:[ \t]*([0-9.]+)/i.exec(property.parts[0]?.text ?? "");
    if (match) return match[1] === "2.1" || match[1] === "2.0" ? "2.1" : match[1] === "4.0" ? "4.0" : "3.0";
  }
  return "3.0";
}

/** One logical line: unfolded, then split into name, parameters and value. */
function parseProperty(held: HeldProperty, version: Version): Property {
  let line = "";
  for (const { text, continuation } of held.parts) {
    if (continuation === "soft") line = line.trimEnd().slice(0, -1) + text;
    // RFC 2426 and 6350 unfold by removing the line break and one space; 2.1 (RFC 822 folding) keeps the space.
    else if (continuation === "fold" && version !== "2.1") line += text.slice(1);
    else line += text;
  }
  const start = PROPERTY_START.exec(line);
  const property: Property = { number: held.number, name: start?.[1]?.toUpperCase() ?? "", params: new Map(), value: "" };
  let at = start ? start[0].length : 0;
  while (start && line[at] === ";") {
    const end = paramEnd(line, at + 1);
    addParam(property.params, line.slice(at + 1, end));
    at = end;
  }
  if (!start || line[at] !== ":") throw new CardProblem(`line ${held.number} is not a property (name:value): ${quote(line)}.`);
  property.value = line.slice(at + 1);
  return property;
}

/** Where a parameter ends: the next `;` or `:` outside double quotes (or anywhere, if a quote is never closed). */
function paramEnd(line: string, from: number): number {
  let quoted = false;
  for (let i = from; i < line.length; i++) {
    const c = line[i];
    if (c === '"') quoted = !quoted;
    else if (!quoted && (c === ";" || c === ":")) return i;
  }
  const bare = line.slice(from).search(/[;:]/);
  return bare === -1 ? line.length : from + bare;
}

const ENCODINGS = new Set(["QUOTED-PRINTABLE", "BASE64", "B", "7BIT", "8BIT"]);

/**
 * `KEY=value`, or 2.1's bare `CELL` (a type) and `QUOTED-PRINTABLE` (an
 * encoding). TYPE is a list, quoted or not (RFC 6350 writes `TYPE="work,voice"`).
 */
function addParam(params: Map<string, string[]>, param: string) {
  const equals = param.indexOf("=");
  const bare = param.trim().toUpperCase();
  const key = equals === -1 ? (ENCODINGS.has(bare) ? "ENCODING" : "TYPE") : param.slice(0, equals).trim().toUpperCase();
  const raw = equals === -1 ? param.trim() : param.slice(equals + 1).trim();
  const values = key === "TYPE" ? raw.replace(/"/g, "").split(",") : [raw.replace(/^"(.*)"$/, "$1")];
  params.set(key, [...(params.get(key) ?? []), ...values.map((value) => value.trim())]);
}

const decoded = new WeakMap<Property, string>();

/** The value without its transfer encoding (2.1's quoted-printable or base64, in its CHARSET). */
function decodeValue(property: Property): string {
  const known = decoded.get(property);
  if (known !== undefined) return known;
  const encoding = property.params.get("ENCODING")?.[0]?.toUpperCase();
  const charset = property.params.get("CHARSET")?.[0];
  let value = property.value;
  if (encoding === "QUOTED-PRINTABLE") value = decodeQuotedPrintable(property, charset);
  else if (encoding === "BASE64" || encoding === "B") value = decodeBytes(property, base64Bytes(property), charset);
  decoded.set(property, value);
  return value;
}

// Text that is not quoted-printable or base64 is left as the file's decoding
// made it: a CHARSET on it names what the file's bytes already were.
function decodeQuotedPrintable(property: Property, charset: string | undefined): string {
  const text = property.value.replace(/=[ \t]*$/, "");
  let result = "";
  let bytes: number[] = [];
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x3d) {
      const hex = text.slice(i + 1, i + 3);
      if (!/^[0-9A-Fa-f]{2}$/.test(hex)) {
        throw new CardProblem(
          `${property.name} on line ${property.number} has malformed quoted-printable text at ${quote(text.slice(i, i + 3))}.`,
        );
      }
      bytes.push(parseInt(hex, 16));
      i += 2;
    } else if (c < 0x80) {
      bytes.push(c);
    } else {
      // A writer that put characters in unencoded: they are already text.
      result += decodeBytes(property, bytes, charset) + text[i];
      bytes = [];
    }
  }
  return result + decodeBytes(property, bytes, charset);
}

function base64Bytes(property: Property): number[] {
  try {
    return [...atob(property.value.replace(/\s+/g, ""))].map((c) => c.charCodeAt(0));
  } catch {
    throw new CardProblem(`${property.name} on line ${property.number} has malformed base64 text.`);
  }
}

const utf8 = new TextDecoder("utf-8", { fatal: true });

// iconv-lite rather than TextDecoder for the other charsets: Node's
// TextDecoder decodes windows-1252 as Latin-1, 0x80 as U+0080 instead of €
// (nodejs/node#56542). The Latin-1 labels mean Windows-1252, as the WHATWG
// Encoding Standard has it: the C1 controls are never what a writer meant.
const LATIN1 = new Set(["iso-8859-1", "iso8859-1", "latin1", "l1", "us-ascii", "ascii", "cp819", "ibm819"]);

/** Bytes in the property's CHARSET; without one, UTF-8 if they are, else Windows-1252 (what Outlook writes). */
function decodeBytes(property: Property, bytes: number[], charset: string | undefined): string {
  if (bytes.length === 0) return "";
  const data = Uint8Array.from(bytes);
  const label = charset?.trim().toLowerCase();
  if (label === undefined || label === "utf-8" || label === "utf8") {
    try {
      return utf8.decode(data);
    } catch {
      if (label !== undefined) throw new CardProblem(`${property.name} on line ${property.number} is not valid ${charset} text.`);
      return iconv.decode(data, "windows-1252");
    }
  }
  const encoding = LATIN1.has(label) ? "windows-1252" : label;
  if (!iconv.encodingExists(encoding)) {
    throw new CardProblem(`${property.name} on line ${property.number} is in CHARSET=${charset}, which this import does not read.`);
  }
  return iconv.decode(data, encoding);
}

/**
 * The one to use of several (EMAIL, TEL…): the lowest PREF (4.0's PREF=1),
 * 3.0's TYPE=pref and 2.1's bare PREF counting as 1, else the first.
 */
function preferred(properties: Property[]): Property | undefined {
  let best: Property | undefined;
  let bestRank = Infinity;
  for (const property of properties) {
    const rank = preference(property);
    if (rank < bestRank) [best, bestRank] = [property, rank];
  }
  return best;
}

function preference(property: Property): number {
  const pref = Number(property.params.get("PREF")?.[0]);
  if (Number.isInteger(pref) && pref >= 1) return pref;
  if (property.params.has("PREF") || property.params.get("TYPE")?.some((type) => type.toLowerCase() === "pref")) return 1;
  return 101;
}

/** N's components (family, given, additional, prefixes, suffixes), each a list of names in 3.0 and 4.0 (2.1 has no lists). */
function nameComponents(value: string, version: Version): string[][] {
  return splitUnescaped(value, ";").map((component) =>
    (version === "2.1" ? [component] : splitUnescaped(component, ","))
      .map((item) => newlines(unescape(item, version)).trim())
      .filter((item) => item !== ""),
  );
}

/** `value` split at each `separator` that is not escaped with a backslash. */
function splitUnescaped(value: string, separator: string): string[] {
  const parts: string[] = [];
  let start = 0;
  for (let i = 0; i < value.length; i++) {
    if (value[i] === "\\") i++;
    else if (value[i] === separator) {
      parts.push(value.slice(start, i));
      start = i + 1;
    }
  }
  parts.push(value.slice(start));
  return parts;
}

// RFC 2426 and 6350 escape \\ \, \; and newlines (\n or \N); Google's
// export escapes colons too. 2.1 escapes only what separates components,
// so a backslash before n is a backslash there. Anything else stays as written.
const ESCAPES: Record<Version, RegExp> = { "2.1": /\\([\\,;:])/g, "3.0": /\\([\\,;:nN])/g, "4.0": /\\([\\,;:nN])/g };

function unescape(value: string, version: Version): string {
  return value.replace(ESCAPES[version], (_, c: string) => (c === "n" || c === "N" ? "\n" : c));
}

function newlines(value: string): string {
  return value.replace(/\r\n?/g, "\n");
}

function quote(text: string): string {
  const flat = text.replace(/\s+/g, " ").trim();
  return `"${flat.length > 60 ? `${flat.slice(0, 60)}…` : flat}"`;
}

function megabytes(characters: number): string {
  return characters >= 1_000_000 ? `${Math.round(characters / 100_000) / 10} MB` : `${Math.round(characters / 1000)} KB`;
}

// ---- writing ----

/** What an exported card is made of. */
export interface VCardContact {
  id: string;
  name: string;
  email: string | null;
  company: string | null;
  phone: string | null;
  notes: string | null;
  /** ISO 8601 */
  updatedAt: string;
  /** its labels' names, written as CATEGORIES */
  labels?: readonly string[];
  /** starred: the CATEGORIES "starred", as Google Contacts writes and reads it */
  starred?: boolean;
}

export interface WriteVCardOptions {
  /** 3.0 (default: what iOS, macOS, Android and Google read) or 4.0 */
  version?: "3.0" | "4.0";
}

/** One contact as a card: CRLF line endings, escaped, folded at 75 octets. */
export function writeVCard(contact: VCardContact, { version = "3.0" }: WriteVCardOptions = {}): string {
  // One string, no arrays in between: an export writes a million of these.
  const v4 = version === "4.0";
  const { given, family } = nameParts(contact.name);
  return (
    `BEGIN:VCARD\r\nVERSION:${version}\r\n` +
    contentLine("FN", escapeText(contact.name)) +
    contentLine("N", `${escapeText(family)};${escapeText(given)};;;`) +
    contentLine(v4 ? "EMAIL" : "EMAIL;TYPE=INTERNET", optionalText(contact.email)) +
    contentLine("TEL", optionalText(contact.phone)) +
    contentLine("ORG", optionalText(contact.company)) +
    contentLine("NOTE", optionalText(contact.notes)) +
    contentLine("CATEGORIES", categories(contact)) +
    contentLine("REV", revision(contact.updatedAt, v4)) +
    contentLine(...uid(contact.id, v4)) +
    "END:VCARD\r\n"
  );
}

/** The card's CATEGORIES value: its labels, then "starred" if it is (Google's own category for the star); none for neither. */
function categories({ labels = [], starred = false }: VCardContact): string | null {
  const all = starred ? [...labels, "starred"] : labels;
  return all.length ? all.map(escapeText).join(",") : null;
}

/** `NAME:value` folded and ended with CRLF, or nothing for a value that is not there. */
function contentLine(name: string, value: string | null): string {
  return value === null ? "" : `${fold(`${name}:${value}`)}\r\n`;
}

/** The usual export heuristic: the last word is the family name. FN keeps the name as it is. */
function nameParts(name: string): { given: string; family: string } {
  const words = name.trim().split(/\s+/);
  if (words.length < 2) return { given: words[0] ?? "", family: "" };
  return { given: words.slice(0, -1).join(" "), family: words[words.length - 1]! };
}

const NEEDS_ESCAPE = /[\\,;\r\n]/;

function escapeText(value: string): string {
  if (!NEEDS_ESCAPE.test(value)) return value;
  return value.replace(/[\\,;]/g, "\\$&").replace(/\r\n|\r|\n/g, "\\n");
}

function optionalText(value: string | null): string | null {
  return value === null || value === "" ? null : escapeText(value);
}

const ISO_UTC = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/;

/** updatedAt to the second: 3.0's extended ISO 8601, 4.0's basic timestamp. */
function revision(updatedAt: string, v4: boolean): string | null {
  const extended = toTheSecond(updatedAt);
  if (extended === null) return null;
  return v4 ? extended.replace(/[-:]/g, "") : extended;
}

/** An ISO 8601 date in UTC to the second ("2026-12-02T13:07:56Z"), or null if it is none. */
function toTheSecond(iso: string): string | null {
  // The app's own dates (toISOString) need no parsing: cut to the second.
  if (ISO_UTC.test(iso)) return `${iso.slice(0, 19)}Z`;
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? null : date.toISOString().replace(/\.\d+Z$/, "Z");
}

const HEX = Array.from({ length: 256 }, (_, byte) => byte.toString(16).padStart(2, "0"));

/**
 * The contact's 128-bit id as a UUID (version 8, RFC 9562: its version and
 * variant bits set, the other 122 bits the id's), so the same contact always
 * has the same UID, and a valid URI in 4.0.
 */
function uid(id: string, v4: boolean): [string, string] {
  if (!isId(id)) return [v4 ? "UID;VALUE=text" : "UID", escapeText(id)];
  const bytes = atob(id.replace(/-/g, "+").replace(/_/g, "/") + "==");
  let hex = "";
  for (let i = 0; i < bytes.length; i++) hex += HEX[bytes.charCodeAt(i)]!;
  const variant = ((parseInt(hex[16]!, 16) & 0x3) | 0x8).toString(16);
  const uuid = `${hex.slice(0, 8)}-${hex.slice(8, 12)}-8${hex.slice(13, 16)}-${variant}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
  return ["UID", `urn:uuid:${uuid}`];
}

/**
 * A content line folded so that no line is longer than 75 octets (the
 * continuation's leading space included), cut only between characters and
 * never inside an escape, so a reader that unescapes before unfolding still
 * reads it right.
 */
function fold(line: string): string {
  // Most lines are short: no folding, and no walk through them character by
  // character (a UTF-16 unit is at most 3 octets, a surrogate pair 4).
  if (line.length <= 25 || (line.length <= 75 && utf8Length(line) <= 75)) return line;
  const lines: string[] = [];
  let current = "";
  let octets = 0;
  let limit = 75;
  for (let i = 0; i < line.length;) {
    const codePoint = line.codePointAt(i)!;
    const unitLength =
      codePoint === 0x5c && i + 1 < line.length ? 1 + (line.codePointAt(i + 1)! > 0xffff ? 2 : 1) : codePoint > 0xffff ? 2 : 1;
    const unit = line.slice(i, i + unitLength);
    const size = utf8Length(unit);
    if (octets + size > limit) {
      lines.push(current);
      current = "";
      octets = 0;
      limit = 74;
    }
    current += unit;
    octets += size;
    i += unitLength;
  }
  lines.push(current);
  return lines.join("\r\n ");
}

function utf8Length(text: string): number {
  let length = 0;
  for (let i = 0; i < text.length; i++) {
    const unit = text.charCodeAt(i);
    // A surrogate pair is 4 octets: 2 for each half.
    length += unit < 0x80 ? 1 : unit < 0x800 || (unit >= 0xd800 && unit <= 0xdfff) ? 2 : 3;
  }
  return length;
}
