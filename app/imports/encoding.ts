import iconv from "iconv-lite";
import type { SourceEncoding } from "./source";

// From an uploaded file's bytes to text (docs/decisions/0031): which encoding
// the start of the file says it is, streamed decoding that holds only the
// bytes of one character across chunks, and the files that are not text at
// all (an image, a workbook) with a message that says what to do instead.
//
// UTF-8 is decoded by TextDecoder (native; `stream: true` keeps a sequence cut
// at a chunk's end for the next chunk). UTF-16 and Windows-1252 are decoded by
// iconv-lite's streaming decoders: pure JavaScript, so they work whatever ICU
// data this Node was built with (TextDecoder knows windows-1252 and utf-16be
// only with full ICU), and they map Windows-1252's five unassigned bytes to
// U+FFFD rather than to C1 control characters.

export interface DetectedEncoding {
  encoding: SourceEncoding;
  /** the bytes of the byte order mark at the start (0 without one): decodeText skips them */
  bomLength: number;
}

/**
 * The encoding the start of a file (its first few KB) says it is: a byte order
 * mark for UTF-8 and UTF-16; UTF-16 without one when its NUL bytes say so (ASCII
 * text in UTF-16 has a NUL in every other byte); else UTF-8 when every
 * non-ASCII byte of the head is valid UTF-8 (a sequence cut at the head's end
 * counts as valid), else Windows-1252. A head that is all ASCII is UTF-8, and
 * decodeText turns to Windows-1252 if the file's first non-ASCII byte, further
 * on, is not UTF-8.
 */
export function detectEncoding(head: Uint8Array): DetectedEncoding {
  if (startsWith(head, UTF8_BOM)) return { encoding: "utf-8", bomLength: 3 };
  if (startsWith(head, [0xff, 0xfe])) return { encoding: "utf-16le", bomLength: 2 };
  if (startsWith(head, [0xfe, 0xff])) return { encoding: "utf-16be", bomLength: 2 };
  const utf16 = utf16ByNulBytes(head);
  if (utf16) return { encoding: utf16, bomLength: 0 };
  return { encoding: isUtf8(head) ? "utf-8" : "windows-1252", bomLength: 0 };
}

/**
 * The file's bytes as text, chunk by chunk, after skipping `bomLength` bytes.
 * Memory stays bounded: a decoder holds at most the bytes of one character
 * between chunks, and a chunk never ends between the two halves of a
 * surrogate pair. Bytes that are not valid in the encoding become U+FFFD.
 */
export async function* decodeText(bytes: AsyncIterable<Uint8Array>, encoding: SourceEncoding, bomLength = 0): AsyncIterable<string> {
  const decoder = encoding === "utf-8" ? new Utf8Decoder() : new IconvDecoder(encoding);
  let skip = bomLength;
  let held = ""; // a high surrogate whose low half is in the next chunk
  for await (let chunk of bytes) {
    if (skip > 0) {
      const skipped = Math.min(skip, chunk.length);
      chunk = chunk.subarray(skipped);
      skip -= skipped;
    }
    if (chunk.length === 0) continue;
    let text = held + decoder.write(chunk);
    held = "";
    if (endsWithHighSurrogate(text)) {
      held = text.slice(-1);
      text = text.slice(0, -1);
    }
    if (text) yield text;
  }
  const rest = held + decoder.end();
  if (rest) yield rest;
}

/**
 * Why the start of a file shows it is not text (an image, a workbook, an
 * archive, NUL bytes in a file that is not UTF-16), as a message for the
 * user, or null when it may be text. Where the kind of file is known, the
 * message says what to do instead.
 */
export function looksBinary(head: Uint8Array): string | null {
  for (const { magic, offset = 0, problem } of SIGNATURES) {
    if (startsWith(head.subarray(offset), magic)) return typeof problem === "string" ? problem : problem(head);
  }
  const { encoding } = detectEncoding(head);
  if (encoding === "utf-16le" || encoding === "utf-16be") return hasNulCodeUnits(head) ? BINARY : null;
  let controls = 0;
  for (const byte of head) {
    if (byte === 0) return BINARY;
    if (byte < 0x20 && !TEXT_CONTROLS.has(byte)) controls++;
  }
  // A few stray control characters happen in text exports; many mean a binary format.
  return controls > 8 && controls * 20 > head.length ? BINARY : null;
}

const BINARY = "This file is not text (it has bytes no CSV or vCard file has): export your contacts as CSV or vCard and import that file.";
// tab, line feed, vertical tab, form feed, carriage return, escape, and SUB (the DOS end-of-file mark)
const TEXT_CONTROLS = new Set([0x09, 0x0a, 0x0b, 0x0c, 0x0d, 0x1a, 0x1b]);
const UTF8_BOM = [0xef, 0xbb, 0xbf];

const notAnAddressBook = (what: string) =>
  `This is ${what}, not an address book: export your contacts as CSV or vCard and import that file.`;
const saveAsCsv = (what: string, how: string) => `This looks like ${what}: save it as CSV first (${how}), then import the CSV file.`;

// The formats people pick by mistake, by their first bytes ("magic numbers").
const SIGNATURES: { magic: number[]; offset?: number; problem: string | ((head: Uint8Array) => string) }[] = [
  { magic: [0x50, 0x4b, 0x03, 0x04], problem: zipProblem },
  { magic: [0x50, 0x4b, 0x05, 0x06], problem: zipProblem },
  { magic: [0x50, 0x4b, 0x07, 0x08], problem: zipProblem },
  { magic: [0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1], problem: oleProblem },
  { magic: bytesOf("%PDF-"), problem: notAnAddressBook("a PDF document") },
  { magic: [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a], problem: notAnAddressBook("an image (PNG)") },
  { magic: [0xff, 0xd8, 0xff], problem: notAnAddressBook("an image (JPEG)") },
  { magic: bytesOf("GIF8"), problem: notAnAddressBook("an image (GIF)") },
  { magic: bytesOf("WEBP"), offset: 8, problem: notAnAddressBook("an image (WebP)") },
  { magic: bytesOf("ftyp"), offset: 4, problem: notAnAddressBook("an image or a video (HEIC, MP4)") },
  { magic: [0x49, 0x49, 0x2a, 0x00], problem: notAnAddressBook("an image (TIFF)") },
  { magic: [0x4d, 0x4d, 0x00, 0x2a], problem: notAnAddressBook("an image (TIFF)") },
  { magic: [0x1f, 0x8b], problem: "This is a compressed file (gzip): decompress it and import the CSV or vCard file inside." },
  {
    magic: [0x37, 0x7a, 0xbc, 0xaf, 0x27, 0x1c],
    problem: "This is a compressed archive (7z): unpack it and import the CSV or vCard file inside.",
  },
  { magic: bytesOf("Rar!"), problem: "This is a compressed archive (RAR): unpack it and import the CSV or vCard file inside." },
  { magic: bytesOf("SQLite format 3"), problem: notAnAddressBook("a database file (SQLite)") },
  {
    magic: bytesOf("!BDN"),
    problem:
      "This is an Outlook data file (.pst): in Outlook, export your contacts as a CSV file (File › Open & Export › Import/Export › Export to a file), then import that file.",
  },
];

/** ZIP is the container of .xlsx, .docx, .ods and Numbers files; the first entries' names, stored uncompressed near the start, say which. */
function zipProblem(head: Uint8Array): string {
  const text = latin1(head);
  if (text.includes("xl/")) return saveAsCsv("an Excel workbook (.xlsx)", "in Excel: File › Save As › CSV UTF-8");
  if (text.includes("application/vnd.oasis.opendocument.spreadsheet")) {
    return saveAsCsv("an OpenDocument spreadsheet (.ods)", "in LibreOffice: File › Save As › Text CSV");
  }
  if (text.includes("Index/Document.iwa") || text.includes("Index.zip")) {
    return saveAsCsv("an Apple Numbers spreadsheet", "in Numbers: File › Export To › CSV");
  }
  if (text.includes("word/")) return notAnAddressBook("a Word document (.docx)");
  return "This is a ZIP archive: unpack it and import the CSV or vCard file inside.";
}

/** The pre-2007 Office container (.xls, .doc, .msg); a workbook's stream is named "Workbook", in UTF-16, when its directory is in the head. */
function oleProblem(head: Uint8Array): string {
  if (asBuffer(head).includes("Workbook", 0, "utf16le"))
    return saveAsCsv("an Excel 97–2003 workbook (.xls)", "in Excel: File › Save As › CSV UTF-8");
  return "This looks like a Microsoft Office 97–2003 file (.xls, .doc or .msg): if it is a spreadsheet, save it as CSV first, then import the CSV file.";
}

/**
 * UTF-16 without a byte order mark, as Excel's "Unicode text" and some Outlook
 * exports write it: the ASCII characters of a CSV (delimiters, line breaks,
 * digits, most letters of the column names) are a zero byte next to a non-zero
 * one, in the high byte's place. Other text has no NUL bytes; binary files
 * have them in both places, or whole pairs of them.
 */
function utf16ByNulBytes(head: Uint8Array): "utf-16le" | "utf-16be" | null {
  const pairs = Math.floor(head.length / 2);
  let le = 0;
  let be = 0;
  let both = 0;
  for (let i = 0; i < pairs * 2; i += 2) {
    const low = head[i] === 0;
    const high = head[i + 1] === 0;
    if (low && high) both++;
    else if (high) le++;
    else if (low) be++;
  }
  if (pairs === 0 || both * 100 > pairs) return null;
  if (le * 10 >= pairs && be * 8 <= le) return "utf-16le";
  if (be * 10 >= pairs && le * 8 <= be) return "utf-16be";
  return null;
}

/** A UTF-16 head holds U+0000 (a pair of NUL bytes, aligned), which no text has. */
function hasNulCodeUnits(head: Uint8Array): boolean {
  for (let i = 0; i + 1 < head.length; i += 2) if (head[i] === 0 && head[i + 1] === 0) return true;
  return false;
}

/** Every non-ASCII byte of the head is part of a valid UTF-8 sequence; one cut at the head's end counts as valid. */
function isUtf8(head: Uint8Array): boolean {
  for (let i = 0; i < head.length;) {
    const length = utf8SequenceLength(head, i);
    if (length === 0) return false;
    if (length === CUT) return true;
    i += length;
  }
  return true;
}

const CUT = -1;

/**
 * The length of the UTF-8 sequence at `i` (1 for ASCII), 0 if it is not
 * valid (RFC 3629: no overlong forms, no surrogates, nothing above
 * U+10FFFF), CUT if the bytes end before it does and it is valid so far.
 */
function utf8SequenceLength(bytes: Uint8Array, i: number): number {
  const lead = bytes[i]!;
  if (lead < 0x80) return 1;
  let more: number;
  let low = 0x80;
  let high = 0xbf;
  if (lead >= 0xc2 && lead <= 0xdf) more = 1;
  else if (lead >= 0xe0 && lead <= 0xef) {
    more = 2;
    if (lead === 0xe0) low = 0xa0;
    if (lead === 0xed) high = 0x9f;
  } else if (lead >= 0xf0 && lead <= 0xf4) {
    more = 3;
    if (lead === 0xf0) low = 0x90;
    if (lead === 0xf4) high = 0x8f;
  } else return 0;
  for (let k = 1; k <= more; k++) {
    if (i + k >= bytes.length) return CUT;
    const byte = bytes[i + k]!;
    if (k === 1 ? byte < low || byte > high : byte < 0x80 || byte > 0xbf) return 0;
  }
  return more + 1;
}

interface ChunkDecoder {
  write(bytes: Uint8Array): string;
  end(): string;
}

class IconvDecoder implements ChunkDecoder {
  private decoder: iconv.DecoderStream;
  constructor(encoding: Exclude<SourceEncoding, "utf-8">) {
    // The byte order mark is skipped by decodeText (bomLength); a U+FEFF after it is text.
    this.decoder = iconv.getDecoder(encoding, { stripBOM: false });
  }
  write(bytes: Uint8Array): string {
    return this.decoder.write(asBuffer(bytes));
  }
  end(): string {
    return this.decoder.end() ?? "";
  }
}

/**
 * UTF-8, unless the file's first non-ASCII byte is not UTF-8: then the file
 * is Windows-1252 from there on (what came before was ASCII, the same in
 * both). detectEncoding sees only the head; an Excel "CSV" whose first
 * accented name comes after it is still read right. When the head had a
 * non-ASCII byte, detectEncoding already found it valid, so this decides
 * nothing new.
 */
class Utf8Decoder implements ChunkDecoder {
  private state: "ascii" | "utf-8" | "windows-1252" = "ascii";
  /** the start of the first non-ASCII sequence, cut at a chunk's end */
  private held = new Uint8Array(0);
  private utf8 = new TextDecoder("utf-8", { ignoreBOM: true });
  private windows1252 = iconv.getDecoder("windows-1252");

  write(chunk: Uint8Array): string {
    if (this.state === "utf-8") return this.utf8.decode(chunk, { stream: true });
    if (this.state === "windows-1252") return this.windows1252.write(asBuffer(chunk));
    const bytes = this.held.length ? concat(this.held, chunk) : chunk;
    this.held = new Uint8Array(0);
    let first = bytes.findIndex((byte) => byte >= 0x80);
    if (first === -1) first = bytes.length;
    const ascii = latin1(bytes.subarray(0, first));
    if (first === bytes.length) return ascii;
    const length = utf8SequenceLength(bytes, first);
    if (length === CUT) {
      this.held = bytes.slice(first);
      return ascii;
    }
    this.state = length > 0 ? "utf-8" : "windows-1252";
    return ascii + this.write(bytes.subarray(first));
  }

  end(): string {
    if (this.state === "utf-8") return this.utf8.decode();
    // A sequence cut by the end of the file is not UTF-8.
    const rest = this.held.length ? this.windows1252.write(asBuffer(this.held)) : "";
    return rest + (this.windows1252.end() ?? "");
  }
}

function endsWithHighSurrogate(text: string): boolean {
  const last = text.charCodeAt(text.length - 1);
  return last >= 0xd800 && last <= 0xdbff;
}

function startsWith(bytes: Uint8Array, prefix: readonly number[]): boolean {
  return bytes.length >= prefix.length && prefix.every((byte, i) => bytes[i] === byte);
}

function bytesOf(text: string): number[] {
  return [...text].map((c) => c.charCodeAt(0));
}

function latin1(bytes: Uint8Array): string {
  return asBuffer(bytes).toString("latin1");
}

function asBuffer(bytes: Uint8Array): Buffer {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  const joined = new Uint8Array(a.length + b.length);
  joined.set(a);
  joined.set(b, a.length);
  return joined;
}
