import iconv from "iconv-lite";
import { detectCsv, readCsvRecords } from "./csv";
import { decodeText, detectEncoding, looksBinary } from "./encoding";
import type { DetectedSource, SourceProblem, SourceRecord } from "./source";
import { looksLikeVCard, readVCardRecords, VCARD_COLUMNS, VCARD_MAPPING } from "./vcard";

// Which format a file is, from its content, not its name (docs/decisions/0029),
// and its records. Pure: bytes in, records out.

/** What the first bytes of a file say it is: a vCard, a CSV (which kind), or why it cannot be imported. */
export function detectSource(head: Uint8Array): DetectedSource | SourceProblem {
  if (head.length === 0) return { problem: "The file is empty. Choose the file your address book exported." };
  const binary = looksBinary(head);
  if (binary) return { problem: binary };
  const { encoding, bomLength } = detectEncoding(head);
  const text = decodeHead(head.subarray(bomLength), encoding);
  if (!text.trim()) return { problem: "The file holds no contacts: it is blank." };
  if (looksLikeVCard(text)) return { format: "vcard", encoding, delimiter: null, columns: VCARD_COLUMNS, mapping: VCARD_MAPPING };
  const csv = detectCsv(text);
  if ("problem" in csv) return csv;
  return { ...csv, encoding };
}

function decodeHead(bytes: Uint8Array, encoding: DetectedSource["encoding"]): string {
  // iconv-lite, not TextDecoder: Node's "windows-1252" decodes 0x80-0x9F as
  // Latin-1 (nodejs/node#56542). The head may end inside a character: its
  // broken tail is one replacement character, harmless for detection.
  return iconv.decode(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength), encoding);
}

/** A file's records, as the detection said to read them, streamed. */
export async function* recordsOf(
  bytes: AsyncIterable<Uint8Array>,
  source: Pick<DetectedSource, "format" | "encoding" | "delimiter">,
): AsyncGenerator<SourceRecord> {
  const chunks = bytes[Symbol.asyncIterator]();
  const first = await chunks.next();
  if (first.done) return;
  // The byte order mark is in the first chunk (a file's first 256 KB): it is not part of the text.
  const { bomLength } = detectEncoding(first.value);
  async function* all() {
    yield first.value as Uint8Array;
    for (let next = await chunks.next(); !next.done; next = await chunks.next()) yield next.value;
  }
  const text = decodeText(all(), source.encoding, bomLength);
  yield* source.format === "vcard" ? readVCardRecords(text) : readCsvRecords(text, { delimiter: source.delimiter ?? "," });
}
