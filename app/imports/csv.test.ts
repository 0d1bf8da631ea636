import { readFileSync } from "node:fs";
import iconv from "iconv-lite";
import { describe, expect, test } from "vitest";
import { CONTACT_FIELDS } from "#app/contacts/contact-fields";
import { candidateOf } from "./candidate";
import {
  CSV_BOM,
  CSV_EXPORT_COLUMNS,
  csvHeader,
  csvLine,
  csvRow,
  defuseFormula,
  detectCsv,
  type ExportedContact,
  readCsvRecords,
  suggestCsvMapping,
  undefuse,
} from "./csv";
import { decodeText, detectEncoding, looksBinary } from "./encoding";
import type { ColumnMapping, MappingTarget, SourceRecord } from "./source";

// The fixtures (app/imports/fixtures, described in docs/decisions/0031) are
// written the way each program writes its export: Google Contacts' current
// and legacy CSV, Outlook's, Excel's semicolon CSV in Windows-1252, Excel's
// "Unicode text" (UTF-16 LE, tabs), Excel's "CSV UTF-8" (a byte order mark),
// and a hand-edited file with broken rows.

function fixture(name: string): Uint8Array {
  return new Uint8Array(readFileSync(new URL(`./fixtures/${name}`, import.meta.url)));
}

async function* chunksOf(bytes: Uint8Array, size: number): AsyncIterable<Uint8Array> {
  for (let i = 0; i < bytes.length; i += size) yield bytes.slice(i, i + size);
}

async function* strings(...parts: string[]): AsyncIterable<string> {
  yield* parts;
}

async function collect<T>(items: AsyncIterable<T>): Promise<T[]> {
  const all: T[] = [];
  for await (const item of items) all.push(item);
  return all;
}

/** What the import pipeline does with a file, with this module and encoding.ts: detect on the head, then read it all in `size`-byte chunks. */
async function importBytes(file: Uint8Array, size = 64 * 1024) {
  const head = file.subarray(0, 256 * 1024);
  expect(looksBinary(head)).toBeNull();
  const { encoding, bomLength } = detectEncoding(head);
  const headText = (await collect(decodeText(chunksOf(head, head.length || 1), encoding, bomLength))).join("");
  const detected = detectCsv(headText);
  if ("problem" in detected) throw new Error(detected.problem);
  const records = await collect(readCsvRecords(decodeText(chunksOf(file, size), encoding, bomLength), { delimiter: detected.delimiter! }));
  return { encoding, detected, records };
}

async function readText(text: string | string[], delimiter: "," | ";" | "\t" = ",", maxRowLength?: number) {
  return collect(readCsvRecords(strings(...(typeof text === "string" ? [text] : text)), { delimiter, maxRowLength }));
}

/** A record's non-empty values by column name: what the assertions compare. */
function byColumn(columns: string[], record: SourceRecord): Record<string, string> {
  return Object.fromEntries(record.values.flatMap((value, i) => (value ? [[columns[i]!, value]] : [])));
}

/** The mapping's non-null targets by column name. */
function mapped(columns: string[], mapping: ColumnMapping): Record<string, MappingTarget> {
  return Object.fromEntries(mapping.flatMap((target, i) => (target ? [[columns[i]!, target]] : [])));
}

describe("Google Contacts, current export", () => {
  test("detection: UTF-8, comma, 36 columns, google-csv, the mapping", async () => {
    const { encoding, detected } = await importBytes(fixture("google-contacts.csv"));
    expect(encoding).toBe("utf-8");
    expect(detected.format).toBe("google-csv");
    expect(detected.delimiter).toBe(",");
    expect(detected.columns).toHaveLength(36);
    expect(detected.columns.slice(0, 3)).toEqual(["First Name", "Middle Name", "Last Name"]);
    expect(mapped(detected.columns, detected.mapping)).toEqual({
      "First Name": "name:first",
      "Middle Name": "name:middle",
      "Last Name": "name:last",
      "Name Prefix": "name:prefix",
      "Name Suffix": "name:suffix",
      "Organization Name": "company",
      Notes: "notes",
      Labels: "labels",
      "E-mail 1 - Value": "email",
      "E-mail 2 - Value": "email",
      "Phone 1 - Value": "phone",
      "Phone 2 - Value": "phone",
    });
  });

  test("records: multi-values, labels, a phone-only and a company-only contact, notes with line breaks and quotes", async () => {
    const { detected, records } = await importBytes(fixture("google-contacts.csv"));
    expect(records.map((r) => r.number)).toEqual([2, 6, 7, 8, 9, 12]);
    expect(records.every((r) => r.values.length === 36 && r.problem === undefined)).toBe(true);
    const [ada, grace, phoneOnly, company, zoe, li] = records.map((r) => byColumn(detected.columns, r));
    expect(ada).toEqual({
      "First Name": "Ada",
      "Last Name": "Lovelace",
      "Organization Name": "Analytical Engines",
      "Organization Title": "Countess",
      Birthday: "1815-12-10",
      Notes: 'Met at the Royal Society.\nPrefers "Ada" to "Augusta".',
      Labels: "* myContacts ::: Friends",
      "E-mail 1 - Label": "* Home",
      "E-mail 1 - Value": "ada@example.com ::: ada.lovelace@example.org",
      "E-mail 2 - Label": "Work",
      "E-mail 2 - Value": "ada@analytical.example",
      "Phone 1 - Label": "Mobile",
      "Phone 1 - Value": "+44 20 7946 0000",
      "Address 1 - Label": "Home",
      "Address 1 - Formatted": "12 St James's Square\nLondon SW1Y 4JH\nUnited Kingdom",
      "Address 1 - Street": "12 St James's Square",
      "Address 1 - City": "London",
      "Address 1 - Postal Code": "SW1Y 4JH",
      "Address 1 - Country": "United Kingdom",
    });
    expect(grace).toMatchObject({
      "Name Prefix": "Dr.",
      "Middle Name": "Brewster",
      Labels: "* myContacts ::: * starred ::: Work",
      "Phone 2 - Value": "(202) 555-0198",
    });
    expect(phoneOnly).toEqual({ Labels: "* myContacts", "Phone 1 - Label": "Mobile", "Phone 1 - Value": "+33 6 12 34 56 78" });
    expect(company).toMatchObject({ "Organization Name": "Acme Widgets Ltd", "E-mail 1 - Value": "orders@acme-widgets.example" });
    expect(company!["First Name"]).toBeUndefined();
    expect(zoe).toMatchObject({
      "First Name": "Zoë",
      "Last Name": "Łukasiewicz-Núñez",
      Notes: 'Allergic to nuts, "very" serious.\n\n— call before visiting',
    });
    expect(li).toMatchObject({ "First Name": "小龍", "Last Name": "李", "E-mail 1 - Value": "xiaolong@example.cn" });
  });
});

describe("Google Contacts, legacy export (UTF-16 LE)", () => {
  test("detection and records", async () => {
    const { encoding, detected, records } = await importBytes(fixture("google-legacy.csv"));
    expect(encoding).toBe("utf-16le");
    expect(detected).toMatchObject({ format: "google-csv", delimiter: "," });
    expect(detected.columns).toHaveLength(54);
    expect(mapped(detected.columns, detected.mapping)).toEqual({
      Name: "name",
      "Given Name": "name:first",
      "Additional Name": "name:middle",
      "Family Name": "name:last",
      "Name Prefix": "name:prefix",
      "Name Suffix": "name:suffix",
      Notes: "notes",
      "Group Membership": "labels",
      "E-mail 1 - Value": "email",
      "E-mail 2 - Value": "email",
      "Phone 1 - Value": "phone",
      "Phone 2 - Value": "phone",
      "Organization 1 - Name": "company",
    });
    expect(records.map((r) => r.number)).toEqual([2, 3, 4, 5]);
    const [ada, grace, phoneOnly, ivan] = records.map((r) => byColumn(detected.columns, r));
    expect(ada).toMatchObject({
      Name: "Ada Lovelace",
      "Group Membership": "* My Contacts ::: Friends",
      "Organization 1 - Name": "Analytical Engines",
    });
    expect(grace).toMatchObject({ Name: "Dr. Grace Brewster Hopper", "Name Prefix": "Dr.", "Phone 2 - Value": "(202) 555-0198" });
    expect(phoneOnly).toEqual({ "Group Membership": "* My Contacts", "Phone 1 - Type": "Mobile", "Phone 1 - Value": "+33 6 12 34 56 78" });
    expect(ivan).toMatchObject({
      Name: "Иван Петров",
      Notes: 'Говорит по-английски, "немного".',
      "Group Membership": "* My Contacts ::: Работа",
    });
  });
});

describe("Outlook (English), Windows-1252, every value quoted", () => {
  test("detection", async () => {
    const { encoding, detected } = await importBytes(fixture("outlook.csv"));
    expect(encoding).toBe("windows-1252");
    expect(detected).toMatchObject({ format: "outlook-csv", delimiter: "," });
    expect(detected.columns).toHaveLength(92);
    expect(mapped(detected.columns, detected.mapping)).toEqual({
      Title: "name:prefix",
      "First Name": "name:first",
      "Middle Name": "name:middle",
      "Last Name": "name:last",
      Suffix: "name:suffix",
      Company: "company",
      "Business Phone": "phone",
      "Business Phone 2": "phone",
      "Home Phone": "phone",
      "Home Phone 2": "phone",
      "Mobile Phone": "phone",
      "Other Phone": "phone",
      "Primary Phone": "phone",
      Categories: "labels",
      "E-mail Address": "email",
      "E-mail 2 Address": "email",
      "E-mail 3 Address": "email",
      Notes: "notes",
    });
  });

  test("records: Outlook's default values, an Exchange address before the SMTP one, accents in Windows-1252", async () => {
    const { detected, records } = await importBytes(fixture("outlook.csv"));
    expect(records.map((r) => r.number)).toEqual([2, 4, 5, 6, 7]);
    const [ada, grace, acme, ben, jose] = records.map((r) => byColumn(detected.columns, r));
    expect(ada).toMatchObject({
      "First Name": "Ada",
      "Mobile Phone": "+44 20 7946 0000",
      Categories: "Friends;Work",
      Notes: 'Met at the Royal Society.\r\nPrefers "Ada".',
      Gender: "Unspecified",
      Anniversary: "0/0/00",
    });
    expect(grace).toMatchObject({ Title: "Dr.", "E-mail 2 Address": "grace.hopper@example.org" });
    expect(acme).toMatchObject({ Company: "Acme Widgets Ltd", "Business Street": "1 Mill Lane" });
    expect(acme!["First Name"]).toBeUndefined();
    expect(ben!["E-mail Address"]).toMatch(/^\/o=ExchangeLabs\//);
    expect(ben!["E-mail 2 Address"]).toBe("ben.okafor@contoso.example");
    expect(jose).toMatchObject({
      "First Name": "José",
      "Last Name": "Núñez",
      Company: "Café Olé",
      Notes: "Señor of the “good” coffee – ask for the 50 € blend",
    });
  });
});

describe("Excel's CSV (semicolon), German headers, Windows-1252", () => {
  test("detection and records", async () => {
    const { encoding, detected, records } = await importBytes(fixture("excel-semicolon.csv"));
    expect(encoding).toBe("windows-1252");
    expect(detected).toEqual({
      format: "csv",
      delimiter: ";",
      columns: ["Vorname", "Nachname", "Firma", "E-Mail-Adresse", "Telefon", "Notizen"],
      mapping: ["name:first", "name:last", "company", "email", "phone", "notes"],
    });
    // The last row, only semicolons, is skipped.
    expect(records).toEqual([
      {
        number: 2,
        values: ["Jürgen", "Müller", "Bäckerei Groß GmbH", "juergen.mueller@example.de", "+49 30 1234567", "Frühstück ab 6 Uhr"],
      },
      {
        number: 3,
        values: [
          "Élodie",
          "Dubois",
          "Dupont; Fils & Cie",
          "elodie.dubois@example.fr",
          "+33 1 23 45 67 89",
          'Préfère "Élo"; parle allemand',
        ],
      },
      { number: 4, values: ["Ulrich", "Weiß", "Acme, Inc.", "u.weiss@example.com", "0049 89 123456", "Mag Kaffee, keinen Tee"] },
      { number: 5, values: ["Søren", "Kierkegaard", "", "soren@example.dk", "", ""] },
    ]);
  });
});

describe("Excel's Unicode text: UTF-16 LE, tabs", () => {
  test("detection and records, with and without the byte order mark", async () => {
    for (const file of [fixture("unicode-text.txt"), fixture("unicode-text.txt").subarray(2)]) {
      const { encoding, detected, records } = await importBytes(file);
      expect(encoding).toBe("utf-16le");
      expect(detected).toEqual({
        format: "csv",
        delimiter: "\t",
        columns: ["Name", "E-mail", "Company", "Phone", "Notes"],
        mapping: ["name", "email", "company", "phone", "notes"],
      });
      expect(records).toEqual([
        { number: 2, values: ["山田太郎", "taro.yamada@example.jp", "株式会社山田", "+81 3-1234-5678", ""] },
        { number: 3, values: ["Zoë Çelik", "zoe@example.tr", "", "+90 212 555 0101", 'Likes "tea"\r\nand coffee'] },
        { number: 5, values: ["Ana María Ñandú", "ana@example.es", "Rocket 🚀 Labs", "", "Hola\tadiós"] },
        { number: 6, values: ["Ωmega Person", "omega@example.gr", "Ελληνικά Α.Ε.", "+30 21 0123 4567", "😀😀"] },
      ]);
    }
  });
});

describe("Excel's CSV UTF-8 (a byte order mark)", () => {
  test("detection and records", async () => {
    const { encoding, detected, records } = await importBytes(fixture("utf8-bom.csv"));
    expect(encoding).toBe("utf-8");
    expect(detected).toEqual({
      format: "csv",
      delimiter: ",",
      columns: ["Full name", "E-mail", "Organization", "Mobile", "Note"],
      mapping: ["name", "email", "company", "phone", "notes"],
    });
    expect(records).toEqual([
      { number: 2, values: ["Chloé Durand", "chloe@example.fr", "Café Étoile", "+33 6 98 76 54 32", ""] },
      { number: 3, values: ["Björn Ångström", "bjorn@example.se", "Ångström & Söner, AB", "+46 8 123 456", "Prefers email"] },
      { number: 4, values: ["Łucja Wąs", "lucja@example.pl", "", "", 'Ma kota; "Mruczek"'] },
    ]);
  });
});

describe("bad rows", () => {
  const QUOTE_INSIDE =
    'A value has a double quote (") in it but does not start with one: such a value must be in double quotes, with each quote in it doubled ("").';
  const QUOTE_NOT_DOUBLED = 'A value in double quotes has a quote in it that is not doubled (""), so where the value ends is unclear.';
  const NEVER_CLOSED = 'A value opens a double quote (") that is never closed: the rest of the file was read as part of this row.';

  test("a broken quote, too many values, a short row, a quote never closed: problem records, and the other rows still come", async () => {
    const { detected, records } = await importBytes(fixture("bad-rows.csv"));
    expect(detected).toMatchObject({ format: "csv", delimiter: ",", mapping: ["name", "email", "company", "phone", "notes"] });
    expect(records).toEqual([
      { number: 2, values: ["Ada Lovelace", "ada@example.com", "Analytical Engines", "+44 20 7946 0000", ""] },
      { number: 3, values: [], problem: QUOTE_INSIDE },
      { number: 4, values: ["Carol White", "carol@example.com", "Smith, Jones & Co", "", "Fine"] },
      {
        number: 5,
        values: ["Dan Extra", "dan@example.com", "Smith", " Jones & Co", "+1 555 0100", "unquoted comma"],
        problem: "This row has 6 values but the header has 5 columns: a value with a comma in it must be in double quotes.",
      },
      { number: 6, values: ["Eve Short", "eve@example.com", "", "", ""] },
      { number: 8, values: [], problem: QUOTE_NOT_DOUBLED },
      { number: 9, values: ["Grace Notes", "grace@example.com", "", "", "Line one\nline two"] },
      { number: 12, values: [], problem: NEVER_CLOSED },
    ]);
  });

  test("a row over the size limit is a problem record and the reading stops there", async () => {
    const text = new TextDecoder().decode(fixture("bad-rows.csv")).split("\n").slice(0, 6);
    const long = "x".repeat(1024 * 1024 + 10);
    for (const row of [`Zed Long,zed@example.com,,,${long}`, `Zed Long,zed@example.com,,,"${long}`]) {
      const file = new TextEncoder().encode([...text, row, "After Long,after@example.com,,,", ""].join("\n"));
      const { records } = await importBytes(file);
      expect(records.map((r) => r.number)).toEqual([2, 3, 4, 5, 6, 7]);
      expect(records.at(-1)).toEqual({
        number: 7,
        values: [],
        problem:
          'This row is longer than 1 MB, most likely because a double quote (") is never closed: the file was not read past this row.',
      });
    }
  });

  test("a row with a quote error that then grows too long is one record: the numbers stay unique", async () => {
    const records = await readText(["Name,Company\nAda,Acme\n", `Ann,"Acme "Big ${"x".repeat(3000)}\n`, "Bob,Bobco\n"], ",", 1000);
    expect(records).toEqual([
      { number: 2, values: ["Ada", "Acme"] },
      {
        number: 3,
        values: [],
        problem:
          'This row is longer than 1 KB, most likely because a double quote (") is never closed: the file was not read past this row.',
      },
    ]);
  });

  test("every fixture's record numbers rise: each is unique", async () => {
    for (const name of [
      "google-contacts.csv",
      "google-legacy.csv",
      "outlook.csv",
      "excel-semicolon.csv",
      "unicode-text.txt",
      "utf8-bom.csv",
      "bad-rows.csv",
    ]) {
      const numbers = (await importBytes(fixture(name))).records.map((r) => r.number);
      expect(numbers, name).toEqual([...numbers].sort((a, b) => a - b));
      expect(new Set(numbers).size, name).toBe(numbers.length);
    }
  });

  test("a broken header row", async () => {
    expect(detectCsv('Name,"Email\nAda,ada@example.com\n')).toEqual({
      problem: expect.stringMatching(/^The first row \(the column names\) could not be read/),
    });
    expect(await readText('Na"me,Email\nAda,ada@example.com\n')).toEqual([
      { number: 1, values: [], problem: `The header row could not be read: ${QUOTE_INSIDE}` },
    ]);
  });
});

describe("empty, header-only and binary files", () => {
  test("an empty file (or only a byte order mark, or blank lines) cannot be imported", () => {
    for (const text of ["", "\uFEFF", "\r\n\r\n", "  \n"]) expect(detectCsv(text)).toEqual({ problem: "The file is empty." });
    expect(detectEncoding(fixture("empty.csv"))).toEqual({ encoding: "utf-8", bomLength: 0 });
  });

  test("a header-only file is detected and has no records", async () => {
    const { detected, records } = await importBytes(fixture("header-only.csv"));
    expect(detected).toEqual({
      format: "csv",
      delimiter: ",",
      columns: ["Name", "Email", "Phone", "Company", "Notes"],
      mapping: ["name", "email", "phone", "company", "notes"],
    });
    expect(records).toEqual([]);
    expect(await readText("Name,Email")).toEqual([]);
  });

  test("binary files are stopped before detectCsv, which refuses NUL characters anyway", async () => {
    expect(looksBinary(fixture("image.png"))).toMatch(/^This is an image \(PNG\)/);
    expect(looksBinary(fixture("workbook.xlsx"))).toMatch(/^This looks like an Excel workbook \(\.xlsx\): save it as CSV first/);
    const decoded = new TextDecoder().decode(fixture("image.png"));
    expect(detectCsv(decoded)).toEqual({ problem: expect.stringMatching(/^This file is not text/) });
  });
});

describe("the same records whatever the chunks", () => {
  const files = [
    "google-contacts.csv",
    "google-legacy.csv",
    "outlook.csv",
    "excel-semicolon.csv",
    "unicode-text.txt",
    "utf8-bom.csv",
    "bad-rows.csv",
  ];

  test.each(files)("%s in chunks of 1, 2, 3, 7, 64 bytes and whole", async (name) => {
    const file = fixture(name);
    const whole = await importBytes(file, file.length);
    for (const size of [1, 2, 3, 7, 64]) expect((await importBytes(file, size)).records, `${size}-byte chunks`).toEqual(whole.records);
  });

  test("text split at every position: inside quoted values, between CR and LF, inside surrogate pairs", async () => {
    for (const [name, delimiter] of [
      ["bad-rows.csv", ","],
      ["unicode-text.txt", "\t"],
      ["utf8-bom.csv", ","],
      ["outlook.csv", ","],
    ] as const) {
      const file = fixture(name);
      const { encoding, bomLength } = detectEncoding(file);
      const text = (await collect(decodeText(chunksOf(file, file.length), encoding, bomLength))).join("");
      const whole = await readText(text, delimiter);
      for (let at = 0; at <= text.length; at++) {
        expect(await readText([text.slice(0, at), text.slice(at)], delimiter), `${name} split at ${at}`).toEqual(whole);
      }
    }
  });

  test("records stream: the first one comes long before the file ends", async () => {
    let produced = 0;
    async function* rows(): AsyncIterable<string> {
      yield "Name,Email\r\n";
      for (let i = 0; i < 20_000; i++) {
        produced++;
        yield `Person ${i},person${i}@example.com\r\n`;
      }
    }
    let first: number | null = null;
    let count = 0;
    for await (const record of readCsvRecords(rows(), { delimiter: "," })) {
      first ??= produced;
      count++;
      expect(record.number).toBe(count + 1);
    }
    expect(count).toBe(20_000);
    expect(first).toBeLessThan(1000);
  });
});

describe("detectCsv", () => {
  test("the delimiter with quotes respected", () => {
    const semicolon = detectCsv('"Name, full";Email;Notes\r\n"Smith, John";john@example.com;"a;b, c"\r\nAda;ada@example.com;x, y, z\r\n');
    expect(semicolon).toMatchObject({ delimiter: ";", columns: ["Name, full", "Email", "Notes"] });
    const comma = detectCsv('Name,Email,Notes\nAda,ada@example.com,"x;y;z"\nBob,bob@example.com,"p;q"\n');
    expect(comma).toMatchObject({ delimiter: ",", columns: ["Name", "Email", "Notes"] });
    expect(detectCsv("Name\tEmail\tNotes\nAda\tada@example.com\ta, b; c\n")).toMatchObject({ delimiter: "\t" });
    // One column: an email list is a CSV too.
    expect(detectCsv("Email\nada@example.com\nbob@example.com\n")).toEqual({
      format: "csv",
      delimiter: ",",
      columns: ["Email"],
      mapping: ["email"],
    });
  });

  test("a head cut anywhere gives the same detection", async () => {
    const text = new TextDecoder().decode(fixture("google-contacts.csv"));
    const whole = detectCsv(text);
    for (let end = text.indexOf("\n") + 1; end < text.length; end += 37)
      expect(detectCsv(text.slice(0, end)), `cut at ${end}`).toEqual(whole);
    const excel = (await importBytes(fixture("excel-semicolon.csv"))).detected;
    const excelText = iconvDecode(fixture("excel-semicolon.csv"));
    for (let end = excelText.indexOf("\n") + 1; end < excelText.length; end += 11)
      expect(detectCsv(excelText.slice(0, end))).toEqual(excel);
  });

  test('Excel\'s "sep=;" line sets the delimiter and is not the header', async () => {
    const text = "sep=;\r\nName;Email\r\nAda;ada@example.com\r\n";
    expect(detectCsv(text)).toEqual({ format: "csv", delimiter: ";", columns: ["Name", "Email"], mapping: ["name", "email"] });
    expect(await readText(text, ";")).toEqual([{ number: 3, values: ["Ada", "ada@example.com"] }]);
  });

  test("empty and repeated column names get readable names; the mapping still reads the repeated ones", () => {
    expect(detectCsv("Name,,Email,Email,email,\nAda,x,a@example.com,b@example.com,c@example.com,\n")).toEqual({
      format: "csv",
      delimiter: ",",
      columns: ["Name", "Column 2", "Email", "Email (2)", "email (3)", "Column 6"],
      mapping: ["name", null, "email", "email", "email", null],
    });
  });

  test("a first row that holds data, not column names, is a problem", () => {
    expect(detectCsv("Ada Lovelace,ada@example.com,+44 20 7946 0000\nBob,bob@example.com,\n")).toEqual({
      problem:
        "The first row should hold the column names (Name, Email, Phone…), but it holds data (ada@example.com): add a row of column names at the top and import the file again.",
    });
  });

  test("leading blank lines and a byte order mark before the header", async () => {
    const text = "\uFEFF\r\n\r\nName,Email\r\nAda,ada@example.com\r\n";
    expect(detectCsv(text)).toMatchObject({ delimiter: ",", columns: ["Name", "Email"] });
    expect(await readText(text)).toEqual([{ number: 4, values: ["Ada", "ada@example.com"] }]);
  });
});

describe("suggestCsvMapping", () => {
  test.each([
    ["name", "name"],
    ["Full Name", "name"],
    ["full_name", "name"],
    ["Display Name", "name"],
    ["First name", "name:first"],
    ["given-name", "name:first"],
    ["Surname", "name:last"],
    ["LAST NAME", "name:last"],
    ["email", "email"],
    ["E-mail", "email"],
    ["e_mail", "email"],
    ["Mail", "email"],
    ["Email Address", "email"],
    ["Work Email", "email"],
    ["Primary Email", "email"],
    ["Email 2", "email"],
    ["company", "company"],
    ["Organization", "company"],
    ["Organisation", "company"],
    ["phone", "phone"],
    ["Telephone", "phone"],
    ["Mobile", "phone"],
    ["Mobile Number", "phone"],
    ["Home Phone", "phone"],
    ["Phone Number", "phone"],
    ["notes", "notes"],
    ["Note", "notes"],
    ["Comments", "notes"],
    ["Tags", "labels"],
    ["Groups", "labels"],
    // a few other languages
    ["Vorname", "name:first"],
    ["Nachname", "name:last"],
    ["Firma", "company"],
    ["E-Mail-Adresse", "email"],
    ["Telefon", "phone"],
    ["Mobiltelefon", "phone"],
    ["Notizen", "notes"],
    ["Prénom", "name:first"],
    ["Société", "company"],
    ["Téléphone", "phone"],
    ["Courriel", "email"],
    ["Apellidos", "name:last"],
    ["Teléfono móvil", "phone"],
    ["Correo electrónico", "email"],
    ["Achternaam", "name:last"],
    ["Bedrijf", "company"],
  ] as const)("%s → %s", (header, target) => {
    expect(suggestCsvMapping([header])).toEqual([target]);
  });

  test.each([
    ["E-mail 1 - Type"],
    ["Phone 1 - Label"],
    ["Fax"],
    ["Job Title"],
    ["Title"],
    ["Birthday"],
    ["Website"],
    ["Column 3"],
    ["Company Main Phone"],
  ])("%s → nothing", (header) => {
    expect(suggestCsvMapping([header])).toEqual([null]);
  });

  test("Nom, Nombre and German Name are settled by the other columns", () => {
    expect(suggestCsvMapping(["Prénom", "Nom", "Courriel"])).toEqual(["name:first", "name:last", "email"]);
    expect(suggestCsvMapping(["Nom", "Courriel"])).toEqual(["name", "email"]);
    expect(suggestCsvMapping(["Nombre", "Apellidos"])).toEqual(["name:first", "name:last"]);
    expect(suggestCsvMapping(["Nombre", "Correo"])).toEqual(["name", "email"]);
    expect(suggestCsvMapping(["Vorname", "Name", "Firma"])).toEqual(["name:first", "name:last", "company"]);
  });

  test("a field's own export column maps to it, whatever the format", () => {
    for (const [name, field] of Object.entries(CONTACT_FIELDS)) {
      if (name === "name") continue;
      expect(suggestCsvMapping(["Something", field.exportColumn])[1]).toBe(name);
    }
  });

  test("Outlook's Title is the name's prefix only in Outlook's export", () => {
    expect(suggestCsvMapping(["Title", "First Name", "E-mail Address", "Mobile Phone"])).toEqual([
      "name:prefix",
      "name:first",
      "email",
      "phone",
    ]);
    expect(suggestCsvMapping(["Title", "Name", "Email"])).toEqual([null, "name", "email"]);
  });
});

describe("the export writer", () => {
  const ada: ExportedContact = {
    name: "Ada Lovelace",
    email: "ada@example.com",
    company: "Analytical Engines",
    phone: "+44 20 7946 0000",
    notes: 'Met at the "Royal Society", London.\r\nPrefers Ada.',
  };

  test("Google Contacts' columns, the name in First Name and Last Name", () => {
    expect(CONTACT_FIELDS.name.exportColumn).toBe("First Name");
    expect(CSV_EXPORT_COLUMNS).toEqual([
      "First Name",
      "Last Name",
      "E-mail 1 - Value",
      "Organization Name",
      "Phone 1 - Value",
      "Notes",
      "Labels",
    ]);
    expect(csvHeader()).toBe("First Name,Last Name,E-mail 1 - Value,Organization Name,Phone 1 - Value,Notes,Labels\r\n");
    expect(CSV_BOM).toBe("\uFEFF");
  });

  test("the exact output: CRLF, RFC 4180 quoting, formulas defused, phone numbers left alone", () => {
    const contacts: ExportedContact[] = [
      ada,
      {
        name: "Acme Widgets Ltd",
        email: null,
        company: "Acme Widgets Ltd",
        phone: "+44 161 496 0000",
        notes: '=HYPERLINK("https://evil.example","click")',
      },
      { name: "grace@navy.example", email: "grace@navy.example", company: null, phone: "-1 555 0100", notes: "@SUM(A1:A9)" },
      { name: "Ludwig van Beethoven", email: null, company: "Bonn, Germany", phone: null, notes: "+ add more\n- and this" },
      { name: "山田 太郎", email: "taro@example.jp", company: null, phone: "=2+3", notes: "'=already quoted" },
      { name: "Ada  Lovelace", email: null, company: null, phone: "+1 (650) 555-0100 ext. 2", notes: "－full-width minus" },
      { name: "+33 6 12 34 56 78", email: null, company: null, phone: "+33 6 12 34 56 78", notes: null },
    ];
    expect(contacts.map(csvRow)).toEqual([
      'Ada,Lovelace,ada@example.com,Analytical Engines,+44 20 7946 0000,"Met at the ""Royal Society"", London.\r\nPrefers Ada.",\r\n',
      ',,,Acme Widgets Ltd,+44 161 496 0000,"\'=HYPERLINK(""https://evil.example"",""click"")",\r\n',
      ",,grace@navy.example,,-1 555 0100,'@SUM(A1:A9),\r\n",
      'Ludwig van,Beethoven,,"Bonn, Germany",,"\'+ add more\n- and this",\r\n',
      "山田 太郎,,taro@example.jp,,'=2+3,''=already quoted,\r\n",
      "Ada  Lovelace,,,,'+1 (650) 555-0100 ext. 2,'－full-width minus,\r\n",
      ",,,,+33 6 12 34 56 78,,\r\n",
    ]);
  });

  test("the Labels column, as Google writes it: the labels, then * starred", () => {
    const row = { name: "Ada", email: null, company: null, phone: null, notes: null };
    expect(csvRow({ ...row, labels: ["Friends", "Work, Dublin"], starred: true })).toBe(
      'Ada,,,,,,"Friends ::: Work, Dublin ::: * starred"\r\n',
    );
    expect(csvRow({ ...row, labels: [], starred: true })).toBe("Ada,,,,,,* starred\r\n");
    expect(csvRow({ ...row, labels: ["=cmd"] })).toBe("Ada,,,,,,'=cmd\r\n");
  });

  test("csvLine quotes edge spaces and defuses tab and CR", () => {
    expect(csvLine([" padded ", "\tTab", "\rCR", "", "plain", 'a"b'])).toBe('" padded ",\'\tTab,"\'\rCR",,plain,"a""b"\r\n');
  });

  test("defusing is undone exactly", () => {
    const values = [
      "=1+1",
      "+44 20",
      "+Plus",
      "-",
      "-5",
      "@x",
      "\tx",
      "\rx",
      "'=x",
      "''+x",
      "'",
      "'plain",
      "plain",
      "",
      "＝１",
      "＋x",
      "＠x",
      "'＋x",
      "+44 (0) 20/7946-0000",
    ];
    for (const value of values) expect(undefuse(defuseFormula(value)), JSON.stringify(value)).toBe(value);
    expect(defuseFormula("+44 20 7946 0000")).toBe("+44 20 7946 0000");
    expect(defuseFormula("=1+1")).toBe("'=1+1");
    expect(undefuse("'+44 20 7946 0000")).toBe("+44 20 7946 0000");
    expect(undefuse("'plain")).toBe("'plain");
  });
});

describe("round trip: the export, read back, gives every field exactly", () => {
  // As the import builds a contact from a record (candidate.ts), blank fields as null.
  function reimport(mapping: ColumnMapping, record: SourceRecord): ExportedContact {
    const { fields } = candidateOf(record, mapping);
    return Object.fromEntries(Object.entries(fields).map(([name, value]) => [name, value || null])) as unknown as ExportedContact;
  }

  const names = [
    "Ada Lovelace",
    "O'Brien, Conan",
    'Dwayne "The Rock" Johnson',
    "=cmd|' /C calc'!A0",
    "+Plus Name",
    "-Minus",
    "@handle",
    "'=quoted",
    "''+double",
    "Zoë Łukasiewicz-Núñez",
    "李小龍",
    "山田 太郎",
    "Ludwig van Beethoven",
    "Ada  Lovelace",
    "🚀 Rocket Person",
    "a,b;c",
    "Dr. Grace Brewster Hopper Jr.",
  ];
  const emails = [null, "ada@example.com", "o'brien@example.ie", "+tag@example.com", "-dash@example.com", "zoë@exämple.de"];
  const companies = [null, "Analytical Engines", "Smith, Jones & Co", 'The "Best" Co', "=1+1", "Ünïcode ГмбХ 株式会社"];
  const phones = [null, "+44 20 7946 0000", "-1", "=2+3", "@555", "(202) 555-0198", "+1 (650) 555-0100 ext. 2", "'+44 1"];
  const notes = [
    null,
    "Line one\r\nLine two",
    "Line one\nLine two\n\nfour",
    '"quoted" at the start',
    "=SUM(A1:A2)",
    "+ bullet",
    "- dash\n- list",
    "@mention",
    "tab\tinside",
    "emoji 😀 and CJK 漢字",
    'comma, semicolon; tab\t quote " done',
    "x".repeat(500),
  ];
  const contacts: ExportedContact[] = names.map((name, i) => ({
    name,
    email: emails[i % emails.length]!,
    company: companies[i % companies.length]!,
    phone: phones[i % phones.length]!,
    notes: notes[i % notes.length]!,
  }));
  // Company-only, email-only and phone-only contacts (as imported): their name is the company, the email, the phone.
  contacts.push({ name: "Acme Widgets Ltd", email: "orders@acme.example", company: "Acme Widgets Ltd", phone: null, notes: null });
  contacts.push({ name: "solo@example.com", email: "solo@example.com", company: null, phone: "+33 6 12 34 56 78", notes: notes[1]! });
  contacts.push({ name: "+44 20 7946 0000", email: null, company: null, phone: "+44 20 7946 0000", notes: null });
  // Every value once more, on the other fields.
  for (const value of [...notes, ...companies, ...phones].filter((v): v is string => v !== null)) {
    contacts.push({ name: "Tricky Values", email: null, company: value, phone: value, notes: value });
  }

  test.each([1, 3, 64 * 1024])("through the pipeline in %i-byte chunks", async (size) => {
    const file = new TextEncoder().encode(CSV_BOM + csvHeader() + contacts.map(csvRow).join(""));
    const { encoding, detected, records } = await importBytes(file, size);
    expect(encoding).toBe("utf-8");
    expect(detected.format).toBe("google-csv");
    expect(records.every((record) => !record.problem)).toBe(true);
    expect(records.map((record) => reimport(detected.mapping, record))).toEqual(contacts);
  });

  test("Google's multi-value separator survives at the CSV level", async () => {
    const rows = await readText(csvHeader() + csvRow({ name: "A B", email: null, company: "x ::: y", phone: null, notes: "a ::: b" }));
    expect(rows[0]!.values).toEqual(["A", "B", "", "x ::: y", "", "a ::: b", ""]);
  });
});

function iconvDecode(bytes: Uint8Array): string {
  return iconv.decode(Buffer.from(bytes), "windows-1252");
}
