import { readFileSync } from "node:fs";
import iconv from "iconv-lite";
import { describe, expect, test } from "vitest";
import { decodeText, detectEncoding, looksBinary } from "./encoding";

// The fixtures are what address books and spreadsheets write (see
// docs/decisions/0031): their encodings are the point here.

function fixture(name: string): Uint8Array {
  return new Uint8Array(readFileSync(new URL(`./fixtures/${name}`, import.meta.url)));
}

async function* chunksOf(bytes: Uint8Array, size: number): AsyncIterable<Uint8Array> {
  for (let i = 0; i < bytes.length; i += size) yield bytes.slice(i, i + size);
}

async function collect(text: AsyncIterable<string>): Promise<string[]> {
  const parts: string[] = [];
  for await (const part of text) parts.push(part);
  return parts;
}

async function decodeAll(bytes: Uint8Array, size = bytes.length || 1): Promise<string> {
  const { encoding, bomLength } = detectEncoding(bytes);
  return (await collect(decodeText(chunksOf(bytes, size), encoding, bomLength))).join("");
}

const utf16be = (text: string) => new Uint8Array(iconv.encode(text, "utf-16be"));
const utf16le = (text: string) => new Uint8Array(iconv.encode(text, "utf-16le"));
const bytes = (...values: number[]) => new Uint8Array(values);
const utf8 = (text: string) => new TextEncoder().encode(text);

describe("detectEncoding", () => {
  test.each([
    ["google-contacts.csv", "utf-8", 0],
    ["utf8-bom.csv", "utf-8", 3],
    ["google-legacy.csv", "utf-16le", 2],
    ["unicode-text.txt", "utf-16le", 2],
    ["excel-semicolon.csv", "windows-1252", 0],
    ["outlook.csv", "windows-1252", 0],
    ["bad-rows.csv", "utf-8", 0],
    ["header-only.csv", "utf-8", 0],
    ["empty.csv", "utf-8", 0],
  ])("%s is %s with a %i-byte byte order mark", (name, encoding, bomLength) => {
    expect(detectEncoding(fixture(name))).toEqual({ encoding, bomLength });
  });

  test("a UTF-16 BE byte order mark", () => {
    expect(detectEncoding(bytes(0xfe, 0xff, ...utf16be("Name\tEmail\r\n")))).toEqual({ encoding: "utf-16be", bomLength: 2 });
  });

  test("UTF-16 without a byte order mark, from where its NUL bytes are", () => {
    const withoutBom = fixture("unicode-text.txt").subarray(2);
    expect(detectEncoding(withoutBom)).toEqual({ encoding: "utf-16le", bomLength: 0 });
    const text = new TextDecoder("utf-16le").decode(withoutBom);
    expect(detectEncoding(utf16be(text))).toEqual({ encoding: "utf-16be", bomLength: 0 });
    // Mostly Cyrillic, like a Russian address book: only the delimiters, digits and @ are ASCII.
    expect(detectEncoding(utf16le("Имя,Фамилия,Эл. почта\r\nИван,Петров,ivan@example.ru\r\n"))).toEqual({
      encoding: "utf-16le",
      bomLength: 0,
    });
    // A head cut at an odd length.
    expect(detectEncoding(utf16le("Name,Email\r\n").subarray(0, 11))).toEqual({ encoding: "utf-16le", bomLength: 0 });
  });

  test("UTF-8 when every non-ASCII byte is valid UTF-8, a sequence cut at the head's end included", () => {
    for (const text of ["Zoë", "Łukasz", "李小龍", "rocket 🚀"]) {
      const encoded = utf8(`Name\n${text}`);
      for (let cut = encoded.length - 3; cut <= encoded.length; cut++) {
        expect(detectEncoding(encoded.subarray(0, cut)), `${text} cut at ${cut}`).toEqual({ encoding: "utf-8", bomLength: 0 });
      }
    }
    expect(detectEncoding(utf8("Name,Email\nAda,ada@example.com\n"))).toEqual({ encoding: "utf-8", bomLength: 0 });
  });

  test("Windows-1252 when a byte is not valid UTF-8", () => {
    for (const text of ["Müller", "Café", "Straße", "“quoted”", "50 €"]) {
      expect(detectEncoding(new Uint8Array(iconv.encode(`Name\n${text}\n`, "windows-1252"))), text).toEqual({
        encoding: "windows-1252",
        bomLength: 0,
      });
    }
    // Overlong forms, surrogates and bytes above U+10FFFF are not UTF-8 either.
    for (const invalid of [bytes(0xc0, 0xaf), bytes(0xed, 0xa0, 0x80), bytes(0xf4, 0x90, 0x80, 0x80), bytes(0xff)]) {
      expect(detectEncoding(bytes(0x41, ...invalid, 0x41)).encoding).toBe("windows-1252");
    }
    // UTF-8 first, then a byte that is not: the bytes are not (all) UTF-8.
    expect(detectEncoding(bytes(...utf8("Zoë "), 0xe9, 0x0a)).encoding).toBe("windows-1252");
  });
});

describe("decodeText", () => {
  test.each([
    ["google-contacts.csv", "utf-8"],
    ["utf8-bom.csv", "utf-8"],
    ["google-legacy.csv", "utf-16le"],
    ["unicode-text.txt", "utf-16le"],
    ["excel-semicolon.csv", "windows-1252"],
    ["outlook.csv", "windows-1252"],
  ] as const)("%s decodes to the same text whatever the chunks", async (name, encoding) => {
    const file = fixture(name);
    const expected = iconv.decode(Buffer.from(file), encoding, { stripBOM: true });
    for (const size of [1, 2, 3, 5, 64, 1000, file.length]) {
      expect(await decodeAll(file, size), `${size}-byte chunks`).toBe(expected);
    }
  });

  test("accents, symbols and pairs of surrogates come out whole", async () => {
    expect(await decodeAll(fixture("excel-semicolon.csv"), 1)).toContain("Jürgen;Müller;Bäckerei Groß GmbH");
    expect(await decodeAll(fixture("outlook.csv"), 1)).toContain("Señor of the “good” coffee – ask for the 50 € blend");
    const unicode = await decodeAll(fixture("unicode-text.txt"), 1);
    expect(unicode).toContain("Rocket 🚀 Labs");
    expect(unicode).toContain("😀😀");
    expect(unicode.startsWith("Name\tE-mail")).toBe(true);
  });

  test("no chunk ends inside a surrogate pair, in UTF-8 or either UTF-16", async () => {
    const text = "🚀😀a😀🚀".repeat(20);
    for (const [encoded, encoding] of [
      [utf8(text), "utf-8"],
      [utf16le(text), "utf-16le"],
      [utf16be(text), "utf-16be"],
    ] as const) {
      for (const size of [1, 2, 3, 5]) {
        const parts = await collect(decodeText(chunksOf(encoded, size), encoding));
        expect(parts.join("")).toBe(text);
        for (const part of parts) expect(/[\uD800-\uDBFF]$/.test(part), `${encoding}, ${size}-byte chunks`).toBe(false);
      }
    }
  });

  test("the byte order mark is skipped even when it comes one byte at a time; a U+FEFF after it is text", async () => {
    const file = bytes(0xef, 0xbb, 0xbf, ...utf8("\uFEFFName\n"));
    expect((await collect(decodeText(chunksOf(file, 1), "utf-8", 3))).join("")).toBe("\uFEFFName\n");
    const be = bytes(0xfe, 0xff, ...utf16be("Name\n"));
    expect((await collect(decodeText(chunksOf(be, 1), "utf-16be", 2))).join("")).toBe("Name\n");
  });

  test("a file read as UTF-8 whose first non-ASCII byte, after the head, is not UTF-8 is read as Windows-1252", async () => {
    const file = fixture("outlook.csv");
    const head = file.subarray(0, 2048);
    expect(detectEncoding(head)).toEqual({ encoding: "utf-8", bomLength: 0 });
    for (const size of [1, 7, 4096]) {
      const text = (await collect(decodeText(chunksOf(file, size), "utf-8", 0))).join("");
      expect(text).toBe(iconv.decode(Buffer.from(file), "windows-1252"));
    }
  });

  test("UTF-8 stays UTF-8 once a valid sequence was seen: a later invalid byte is U+FFFD", async () => {
    const file = bytes(...utf8("Zoë\n"), 0xe9, ...utf8("\nLast\n"));
    for (const size of [1, 2, file.length]) {
      expect((await collect(decodeText(chunksOf(file, size), "utf-8"))).join("")).toBe("Zoë\n\uFFFD\nLast\n");
    }
  });

  test("a sequence cut by the end of the file is not UTF-8", async () => {
    expect((await collect(decodeText(chunksOf(bytes(0x41, 0xc3), 1), "utf-8"))).join("")).toBe("AÃ");
  });

  test("memory stays bounded: one piece of text per chunk, each about the chunk's size", async () => {
    const line = utf8("Ada Lovelace,ada@example.com,Analytical Engines,+44 20 7946 0000,Zoë 🚀\r\n");
    async function* big(): AsyncIterable<Uint8Array> {
      for (let i = 0; i < 20_000; i++) yield line; // about 1.5 MB
    }
    let pieces = 0;
    let longest = 0;
    for await (const part of decodeText(big(), "utf-8")) {
      pieces++;
      longest = Math.max(longest, part.length);
    }
    expect(pieces).toBe(20_000);
    expect(longest).toBeLessThanOrEqual(line.length);
  });
});

describe("looksBinary", () => {
  test("text files are not binary", () => {
    for (const name of [
      "google-contacts.csv",
      "google-legacy.csv",
      "outlook.csv",
      "excel-semicolon.csv",
      "unicode-text.txt",
      "utf8-bom.csv",
      "bad-rows.csv",
    ]) {
      expect(looksBinary(fixture(name)), name).toBeNull();
    }
    expect(looksBinary(fixture("unicode-text.txt").subarray(2)), "UTF-16 without its byte order mark").toBeNull();
    expect(looksBinary(fixture("empty.csv"))).toBeNull();
    expect(looksBinary(fixture("google-contacts.vcf"))).toBeNull();
  });

  test("an Excel workbook says to save it as CSV", () => {
    expect(looksBinary(fixture("workbook.xlsx"))).toBe(
      "This looks like an Excel workbook (.xlsx): save it as CSV first (in Excel: File › Save As › CSV UTF-8), then import the CSV file.",
    );
    const xls = new Uint8Array(1024);
    xls.set([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]);
    xls.set(utf16le("Workbook"), 512);
    expect(looksBinary(xls)).toMatch(/^This looks like an Excel 97–2003 workbook \(\.xls\): save it as CSV first/);
  });

  test("images, PDFs and archives say what they are", () => {
    expect(looksBinary(fixture("image.png"))).toBe(
      "This is an image (PNG), not an address book: export your contacts as CSV or vCard and import that file.",
    );
    expect(looksBinary(bytes(0xff, 0xd8, 0xff, 0xe0, 0, 0x10))).toMatch(/^This is an image \(JPEG\)/);
    expect(looksBinary(utf8("GIF89a\x01\x00"))).toMatch(/^This is an image \(GIF\)/);
    expect(looksBinary(utf8("%PDF-1.7\n%âãÏÓ\n"))).toMatch(/^This is a PDF document/);
    expect(looksBinary(bytes(0x1f, 0x8b, 0x08, 0))).toMatch(/^This is a compressed file \(gzip\)/);
    expect(looksBinary(bytes(0x50, 0x4b, 0x03, 0x04, ...utf8("....contacts.vcf")))).toBe(
      "This is a ZIP archive: unpack it and import the CSV or vCard file inside.",
    );
    expect(looksBinary(utf8("SQLite format 3\u0000"))).toMatch(/database file \(SQLite\)/);
  });

  test("NUL bytes in a file that is not UTF-16, or many control characters, are binary", () => {
    const binary =
      "This file is not text (it has bytes no CSV or vCard file has): export your contacts as CSV or vCard and import that file.";
    expect(looksBinary(bytes(...utf8("Name,Email\nAda,ada@exa"), 0, ...utf8("mple.com\n")))).toBe(binary);
    expect(looksBinary(bytes(...Array.from({ length: 200 }, (_, i) => (i * 7) % 32 || 1)))).toBe(binary);
    // UTF-16 with U+0000 in it.
    expect(looksBinary(bytes(0xff, 0xfe, ...utf16le("Name"), 0, 0, ...utf16le("x\r\n")))).toBe(binary);
    // A stray control character or two (a form feed, an escape) is still text.
    expect(looksBinary(utf8("Name,Notes\nAda,page\fbreak\nBob,\u001b[1mbold\n"))).toBeNull();
  });
});
