import { readFileSync } from "node:fs";
import iconv from "iconv-lite";
import { describe, expect, test } from "vitest";
import { newId } from "#app/shared/ids";
import type { SourceRecord } from "./source";
import {
  MAX_CARD_LENGTH,
  VCARD_CATEGORY_SEPARATOR,
  VCARD_COLUMNS,
  VCARD_MAPPING,
  looksLikeVCard,
  readVCardRecords,
  writeVCard,
  type ReadVCardOptions,
  type VCardContact,
} from "./vcard";

// Fixtures are what address books write (iOS/macOS, Android, Outlook,
// Google, RFC 6350's examples), decoded here as encoding.ts would decode them
// (with iconv-lite: Node's TextDecoder reads windows-1252 as Latin-1, nodejs/node#56542).
function fixture(name: string, encoding = "utf-8"): string {
  return iconv.decode(readFileSync(new URL(`./fixtures/${name}`, import.meta.url)), encoding);
}

async function* chunks(...parts: string[]): AsyncGenerator<string> {
  for (const part of parts) yield part;
}

async function* chunksOf(text: string, size: number): AsyncGenerator<string> {
  for (let i = 0; i < text.length; i += size) yield text.slice(i, i + size);
}

async function read(source: string | AsyncIterable<string>, options?: ReadVCardOptions): Promise<SourceRecord[]> {
  const records: SourceRecord[] = [];
  for await (const record of readVCardRecords(typeof source === "string" ? chunks(source) : source, options)) records.push(record);
  return records;
}

/** A record as its non-empty columns, or its problem. */
type Card = Record<string, string> | { problem: string };

function card(record: SourceRecord): Card {
  if (record.problem !== undefined) return { problem: record.problem };
  expect(record.values).toHaveLength(VCARD_COLUMNS.length);
  return Object.fromEntries(VCARD_COLUMNS.map((column, i) => [column, record.values[i] ?? ""]).filter(([, value]) => value !== ""));
}

async function cards(source: string | AsyncIterable<string>, options?: ReadVCardOptions): Promise<Card[]> {
  return (await read(source, options)).map(card);
}

const problem = (matching: string | RegExp) => ({ problem: expect.stringMatching(matching) });

/** Unfolds written lines (CRLF + one space or tab) the way RFC 6350 says a reader must. */
function unfold(text: string): string {
  return text.replace(/\r\n[ \t]/g, "");
}

function octets(text: string): number {
  return new TextEncoder().encode(text).length;
}

const contact = (fields: Partial<VCardContact> = {}): VCardContact => ({
  id: "q2Zzs1Ri8cT7RkLx0oYb1w",
  name: "Ada Lovelace",
  email: "ada@example.com",
  company: "Analytical Engines",
  phone: "+44 20 7946 0000",
  notes: null,
  updatedAt: "2026-12-02T10:20:30.123Z",
  ...fields,
});

describe("columns", () => {
  test("every column has a suggested target, the name parts and labels included", () => {
    expect(VCARD_MAPPING).toHaveLength(VCARD_COLUMNS.length);
    expect(Object.fromEntries(VCARD_COLUMNS.map((column, i) => [column, VCARD_MAPPING[i]]))).toEqual({
      "Formatted name (FN)": "name",
      "Name prefix": "name:prefix",
      "Given name": "name:first",
      "Additional names": "name:middle",
      "Family name": "name:last",
      "Name suffix": "name:suffix",
      Email: "email",
      Phone: "phone",
      Organization: "company",
      Department: null,
      Title: null,
      Note: "notes",
      Categories: "labels",
    });
  });
});

describe("looksLikeVCard", () => {
  test.each([
    ["BEGIN:VCARD\r\nVERSION:3.0\r\n", true],
    ["\uFEFFBEGIN:VCARD\r\nVERSION:3.0", true],
    ["\r\n\n  \r\nBEGIN:VCARD\nVERSION:2.1", true],
    ["begin:vcard\nversion:4.0", true],
    ["BEGIN:VCARD", true],
    ["BEGIN:VCARD \r\n", true],
    ["Name,Given Name,E-mail 1 - Value\r\n", false],
    ["BEGIN:VCALENDAR\r\n", false],
    ["BEGIN:VCARDS\r\n", false],
    ["BEGIN:VC", false],
    ["", false],
    ["x\nBEGIN:VCARD\n", false],
  ])("%j: %s", (text, expected) => {
    expect(looksLikeVCard(text)).toBe(expected);
  });

  test("each fixture looks like a vCard", () => {
    for (const name of ["ios-contacts.vcf", "android-contacts.vcf", "google-contacts.vcf", "rfc6350-4.0.vcf", "lf-endings.vcf"]) {
      expect(looksLikeVCard(fixture(name).slice(0, 200)), name).toBe(true);
    }
  });
});

describe("address books' exports", () => {
  test("iOS and macOS Contacts (3.0): grouped EMAIL, type=pref, folded PHOTO, a company card", async () => {
    expect(await cards(fixture("ios-contacts.vcf"))).toEqual([
      {
        "Formatted name (FN)": "Mr. John Quincy Appleseed Jr.",
        "Name prefix": "Mr.",
        "Given name": "John",
        "Additional names": "Quincy",
        "Family name": "Appleseed",
        "Name suffix": "Jr.",
        Email: "jappleseed@apple.example",
        Phone: "+1 (408) 555-0100",
        Organization: "Apple Inc.",
        Department: "Worldwide Developer Relations",
        Title: "Developer Evangelist",
        Note: "Met at WWDC, Hall 2.\nLikes: coffee; tea, not both.",
      },
      {
        "Formatted name (FN)": "山田 太郎",
        "Given name": "太郎",
        "Family name": "山田",
        Email: "taro.yamada@example.jp",
        Phone: "090-1234-5678",
        Organization: "株式会社サンプル",
      },
      {
        "Formatted name (FN)": "Acme Widgets, Inc.",
        Email: "orders@acme.example",
        Phone: "+1 800 555 0100",
        Organization: "Acme Widgets, Inc.",
      },
    ]);
  });

  test("Android Contacts (2.1): quoted-printable UTF-8 split by soft breaks inside characters, bare TEL;CELL;PREF", async () => {
    const android = fixture("android-contacts.vcf");
    // The fixture is as Android writes it: a soft break falls inside a two-byte Greek letter.
    expect(android).toContain("=CE=BF=CF=\r\n=82;");
    expect(await cards(android)).toEqual([
      {
        "Formatted name (FN)": "Jane Doe",
        "Given name": "Jane",
        "Family name": "Doe",
        Email: "jane.doe@example.com",
        Phone: "+1 555-0100",
        Organization: "Example Corp",
        Title: "Engineer",
      },
      {
        "Formatted name (FN)": "Κωνσταντίνος Παπαδόπουλος",
        "Given name": "Κωνσταντίνος",
        "Family name": "Παπαδόπουλος",
        Email: "kostas@example.gr",
        Phone: "+30 691 234 5678",
        Note: "Καλημέρα ☀️\nΝέο κινητό από Μάρτιο 🇬🇷",
      },
      {
        "Formatted name (FN)": "Александра Сергеевна Иванова",
        "Given name": "Александра",
        "Additional names": "Сергеевна",
        "Family name": "Иванова",
        Email: "sasha@example.ru",
        Phone: "+7 495 123-45-67",
        Organization: "ООО «Пример»",
      },
      { "Formatted name (FN)": "Jürgen Müller", "Given name": "Jürgen", "Family name": "Müller", Phone: "+49 171 7654321" },
    ]);
  });

  test("Outlook (2.1 in Windows-1252): 8-bit text, quoted-printable in the file's charset, CHARSET=ISO-8859-1 and Windows-1252", async () => {
    expect(await cards(fixture("outlook-2.1.vcf", "windows-1252"))).toEqual([
      {
        "Formatted name (FN)": "Jürgen Müller",
        "Given name": "Jürgen",
        "Family name": "Müller",
        Email: "juergen.mueller@example.de",
        Phone: "+49 30 1234567",
        Organization: "Müller & Söhne GmbH",
        Department: "Vertrieb",
        Title: "Vertriebsleiter",
        Note: "Grüße an die Familie.\nNeue Nummer ab März.",
      },
      {
        "Formatted name (FN)": "Renée François € Café",
        "Given name": "Renée",
        "Family name": "François",
        Email: "renee@example.fr",
        Phone: "+33 1 23 45 67 89",
      },
    ]);
  });

  test("Google Contacts (3.0): escaped colons, a folded note, CATEGORIES, a company filed as a given name, a card with only a phone", async () => {
    expect(await cards(fixture("google-contacts.vcf"))).toEqual([
      {
        "Formatted name (FN)": "Grace Hopper",
        "Name prefix": "Rear Admiral",
        "Given name": "Grace",
        "Additional names": "Brewster Murray",
        "Family name": "Hopper",
        Email: "grace@example.com",
        Phone: "+1 202-555-0143",
        Organization: "United States Navy",
        Title: "Rear Admiral",
        Note: "Wrote the first compiler, A-0.\nMeetings at 10:30; bring a nanosecond of wire.",
        Categories: ["Computing", "myContacts", "starred"].join(VCARD_CATEGORY_SEPARATOR),
      },
      {
        "Formatted name (FN)": "BMW of Southpoint (Durham; NC)",
        "Given name": "BMW of Southpoint (Durham; NC)",
        Phone: "+1.888 693 3645",
        Note: "Called 877-432-7841 to make appointment.\n\nHours: M-F:9A-8P; Sa:9A-6P",
        Categories: ["Auto", "myContacts"].join(VCARD_CATEGORY_SEPARATOR),
      },
      { Phone: "+44 7700 900123", Categories: "myContacts" },
    ]);
  });

  test("vCard 4.0 (RFC 6350's examples): tel: URIs with parameters, PREF=1, KIND:org, N lists", async () => {
    expect(await cards(fixture("rfc6350-4.0.vcf"))).toEqual([
      {
        "Formatted name (FN)": "Simon Perreault",
        "Given name": "Simon",
        "Family name": "Perreault",
        "Name suffix": "ing. jr, M.Sc.",
        Email: "simon.perreault@viagenie.ca",
        Phone: "+1-418-656-9254",
        Organization: "Viagenie",
      },
      {
        "Formatted name (FN)": "J. Doe",
        "Given name": "J.",
        "Family name": "Doe",
        Email: "jane_doe@example.com",
        Phone: "+1-555-555-5555",
        Note: "This fax number is operational 0800 to 1715\n EST, Mon-Fri.",
        Categories: ["INTERNET", "IETF", "INDUSTRY", "INFORMATION TECHNOLOGY", "TRAVEL AGENT"].join(VCARD_CATEGORY_SEPARATOR),
      },
      {
        "Formatted name (FN)": "ABC Marketing",
        Email: "info@abc.example",
        Organization: "ABC, Inc.",
        Department: "North American Division, Marketing",
      },
    ]);
  });

  test("LF line endings, folds with a space and with a tab", async () => {
    const lf = fixture("lf-endings.vcf");
    expect(lf).not.toContain("\r");
    const expected = [
      {
        "Formatted name (FN)": "Ada Lovelace",
        "Given name": "Ada",
        "Family name": "Lovelace",
        Email: "ada@example.com",
        Phone: "+44 20 7946 0000",
        Organization: "Analytical Engines",
        Note: "The Analytical Engine weaves algebraic patterns just as the Jacquard loom weaves flowers and leaves.",
      },
      { "Formatted name (FN)": "Charles Babbage", "Given name": "Charles", "Family name": "Babbage", Email: "charles@example.com" },
    ];
    expect(await cards(lf)).toEqual(expected);
    expect(await cards(lf.replace(/\n/g, "\r\n"))).toEqual(expected);
    expect(await cards(lf.replace(/\n/g, "\r"))).toEqual(expected);
  });

  test("escapes: \\, \\; \\n \\N \\\\ in notes, names and ORG, an escape split by a fold, mailto:, undefined escapes kept", async () => {
    expect(await cards(fixture("escapes.vcf"))).toEqual([
      {
        "Formatted name (FN)": "O'Brien, Siobhán",
        "Given name": "Siobhán",
        "Family name": "O'Brien",
        Organization: "Smith; Sons & Co., Ltd.",
        Department: "R&D",
        Note: "Line one\nLine two\nLine three, with a comma; a semicolon and a backslash: C:\\Users\\siobhan\nEnd.",
        Categories: ["Friends", "Work, Dublin"].join(VCARD_CATEGORY_SEPARATOR),
      },
      {
        "Formatted name (FN)": "Zoë Ångström",
        "Given name": "Zoë",
        "Family name": "Ångström",
        Email: "zoe@example.se",
        Note: "Tab\tinside, an undefined escape \\x stays as written.",
      },
    ]);
  });

  test("broken cards between good ones: each is one record with its reason, and the cards after it are read", async () => {
    const records = await read(fixture("broken-cards.vcf"));
    expect(records.map((record) => record.number)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]);
    expect(records.map(card)).toEqual([
      { "Formatted name (FN)": "Alice Example", Email: "alice@example.com" },
      problem(/^The card at line 6: line 8 is not a property \(name:value\): "FN Bob Broken"\.$/),
      problem(/^Lines 11–12 are not inside a card \(BEGIN:VCARD … END:VCARD\): "This line is not part of any card\."\.$/),
      { "Formatted name (FN)": "Carol Good", Phone: "+1 555 0103" },
      problem(/^The card at line 18: N on line 20 has malformed quoted-printable text at "=G0"\.$/),
      problem(/^The card at line 23 has no END:VCARD before the BEGIN:VCARD at line 26 /),
      { "Formatted name (FN)": "Erin Inside", Email: "erin@example.com" },
      problem(/^Lines 31–32 are not inside a card/),
      problem(/^The card at line 33: FN on line 35 is in CHARSET=X-MAC-KLINGON, which this import does not read\.$/),
      { "Formatted name (FN)": "Frank Final", Email: "frank@example.com" },
      problem(/^Line 42: END:VCARD without a BEGIN:VCARD before it\.$/),
      problem(/^The card at line 43 has no END:VCARD: the file ends inside it\.$/),
    ]);
    for (const record of records.filter((r) => r.problem !== undefined)) expect(record.values).toEqual([]);
  });
});

describe("reading", () => {
  const v3 = (...lines: string[]) => ["BEGIN:VCARD", "VERSION:3.0", ...lines, "END:VCARD", ""].join("\r\n");
  const v21 = (...lines: string[]) => ["BEGIN:VCARD", "VERSION:2.1", ...lines, "END:VCARD", ""].join("\r\n");

  test("property names and parameters are case-insensitive; unknown properties are ignored", async () => {
    const text =
      "begin:vcard\r\nversion:3.0\r\nfn:Lower Case\r\nX-CUSTOM;foo=bar:whatever\r\nEmail;Type=Internet;TYPE=PREF:lc@example.com\r\nend:vcard\r\n";
    expect(await cards(text)).toEqual([{ "Formatted name (FN)": "Lower Case", Email: "lc@example.com" }]);
  });

  test.each([
    ["4.0 PREF=1 after a plain one", ["EMAIL:a@example.com", "EMAIL;PREF=1:b@example.com"], "b@example.com"],
    ["the lowest PREF", ["EMAIL;PREF=20:a@example.com", "EMAIL;PREF=3:b@example.com", "EMAIL;PREF=7:c@example.com"], "b@example.com"],
    ["3.0 TYPE=pref in a list", ["EMAIL;TYPE=INTERNET:a@example.com", "EMAIL;TYPE=INTERNET,PREF:b@example.com"], "b@example.com"],
    ['4.0 quoted TYPE="home,pref"', ["EMAIL:a@example.com", 'EMAIL;TYPE="home,pref":b@example.com'], "b@example.com"],
    ["2.1 bare PREF", ["EMAIL;INTERNET:a@example.com", "EMAIL;PREF;INTERNET:b@example.com"], "b@example.com"],
    ["none preferred: the first", ["EMAIL;TYPE=HOME:a@example.com", "EMAIL;TYPE=WORK:b@example.com"], "a@example.com"],
    ["an empty preferred one does not hide a real one", ["EMAIL;TYPE=pref:", "EMAIL:b@example.com"], "b@example.com"],
  ])("several EMAILs: %s", async (_, lines, expected) => {
    expect(await cards(v3(...lines))).toEqual([{ Email: expected }]);
  });

  test.each([
    ["tel:+1-555-555-5555;ext=5555", "+1-555-555-5555"],
    ["TEL:+44-20-7946-0000", "+44-20-7946-0000"],
    ["tel:+33-01-23-45-67;phone-context=example.com", "+33-01-23-45-67"],
    ["+1 (555) 010-0000", "+1 (555) 010-0000"],
  ])("TEL %s", async (value, expected) => {
    expect(await cards(v3(`TEL;VALUE=uri:${value}`))).toEqual([{ Phone: expected }]);
  });

  test("a 2.1 AGENT's own card inside a card is skipped, not taken for a broken card", async () => {
    const text = v21("FN:Boss", "AGENT:", "BEGIN:VCARD", "VERSION:2.1", "FN:Assistant", "TEL:+1 555 0199", "END:VCARD", "TEL:+1 555 0100");
    expect(await cards(text)).toEqual([{ "Formatted name (FN)": "Boss", Phone: "+1 555 0100" }]);
  });

  test("2.1: folds keep their space (RFC 822), quoted-printable soft breaks join, unindented BASE64 runs to a blank line", async () => {
    const text = v21(
      "FN:Folded",
      " Name",
      "NOTE;ENCODING=QUOTED-PRINTABLE:first=0D=0Asec=",
      "ond line =3D done",
      "PHOTO;ENCODING=BASE64;TYPE=GIF:R0lGODlhAQABAIAAAAAAAP",
      "///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7",
      "",
      "TEL;WORK;VOICE:+1 555 0100",
    );
    expect(await cards(text)).toEqual([{ "Formatted name (FN)": "Folded Name", Phone: "+1 555 0100", Note: "first\nsecond line = done" }]);
  });

  test("quoted-printable that is not the CHARSET it names is a problem", async () => {
    expect(await cards(v21("FN;CHARSET=UTF-8;ENCODING=QUOTED-PRINTABLE:M=FCller"))).toEqual([
      problem(/FN on line 3 is not valid UTF-8 text/),
    ]);
  });

  test("files joined with their byte order marks, blank lines between cards", async () => {
    const one = v3("FN:One");
    expect(await cards(`\uFEFF${one}\r\n\r\n\uFEFF${v3("FN:Two")}\n\n`)).toEqual([
      { "Formatted name (FN)": "One" },
      { "Formatted name (FN)": "Two" },
    ]);
  });

  test("a card without a VERSION is read by 3.0's rules; an empty card has empty values", async () => {
    expect(await cards("BEGIN:VCARD\r\nFN:No\\, Version\r\nEND:VCARD\r\nBEGIN:VCARD\r\nEND:VCARD\r\n")).toEqual([
      { "Formatted name (FN)": "No, Version" },
      {},
    ]);
  });

  test("a file with no card at all is one record with a problem", async () => {
    expect(await cards("Name,Email\r\nAda,ada@example.com\r\n")).toEqual([problem(/^Lines 1–2 are not inside a card/)]);
    expect(await cards("")).toEqual([]);
  });
});

describe("streaming", () => {
  test("every split of a small file into two chunks gives the same records", async () => {
    for (const name of ["escapes.vcf", "broken-cards.vcf", "lf-endings.vcf"]) {
      const text = fixture(name);
      const expected = await read(text);
      for (let i = 1; i < text.length; i++) {
        expect(await read(chunks(text.slice(0, i), text.slice(i))), `${name} split at ${i}`).toEqual(expected);
      }
    }
  });

  test("one-character chunks (and empty ones) give the same records, for every fixture", async () => {
    const files: [string, string?][] = [
      ["ios-contacts.vcf"],
      ["android-contacts.vcf"],
      ["outlook-2.1.vcf", "windows-1252"],
      ["google-contacts.vcf"],
      ["rfc6350-4.0.vcf"],
      ["lf-endings.vcf"],
      ["escapes.vcf"],
      ["broken-cards.vcf"],
    ];
    for (const [name, encoding] of files) {
      const text = fixture(name, encoding);
      const expected = await read(text);
      expect(await read(chunksOf(text, 1)), name).toEqual(expected);
      expect(await read(chunks(...[...text].flatMap((c) => [c, ""]))), name).toEqual(expected);
      expect(await read(chunksOf(text, 7)), name).toEqual(expected);
    }
  });

  test("a card is given as soon as its END:VCARD is read, before the rest of the file", async () => {
    async function* source() {
      yield "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:First\r\nEND:VCARD\r";
      throw new Error("read past the first card");
    }
    const records = readVCardRecords(source());
    expect(card((await records.next()).value as SourceRecord)).toEqual({ "Formatted name (FN)": "First" });
    await expect(records.next()).rejects.toThrow("read past the first card");
  });

  test("a card over the limit is one rejected record, and the next card is read", async () => {
    const big = `BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Big\r\nNOTE:${"x".repeat(70)}${"\r\n xxxxxxxxxx".repeat(200)}\r\nEND:VCARD\r\n`;
    const next = "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Next\r\nEND:VCARD\r\n";
    expect(await cards(big + next, { maxCardLength: 1000 })).toEqual([
      problem(/^The card at line 1 is larger than 1 KB \(not counting photos and other properties not imported\)\.$/),
      { "Formatted name (FN)": "Next" },
    ]);
  });

  test("one unfolded line over the limit: rejected; a photo over the limit: the card is read without it", async () => {
    const huge = `BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Huge\r\nNOTE:${"y".repeat(5000)}\r\nEND:VCARD\r\n`;
    const photo = `BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Photo\r\nPHOTO;ENCODING=b;TYPE=JPEG:${"A".repeat(5000)}${"\r\n AAAA".repeat(2000)}\r\nEND:VCARD\r\n`;
    expect(await cards(chunksOf(huge + photo, 100), { maxCardLength: 1000 })).toEqual([
      problem(/^The card at line 1 is larger than 1 KB/),
      { "Formatted name (FN)": "Photo" },
    ]);
  });

  test(`the default limit is ${MAX_CARD_LENGTH} characters (1 MB)`, async () => {
    const note = "z".repeat(MAX_CARD_LENGTH + 1);
    const text = `BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Too Big\r\nNOTE:${note}\r\nEND:VCARD\r\nBEGIN:VCARD\r\nFN:Fine\r\nEND:VCARD\r\n`;
    expect(await cards(chunksOf(text, 65_536))).toEqual([problem(/larger than 1 MB/), { "Formatted name (FN)": "Fine" }]);
  });
});

describe("writeVCard", () => {
  test("3.0, exactly", () => {
    expect(writeVCard(contact({ notes: "Wrote the first program; see Note G.\nAlso: poetry, science" })).split("\r\n")).toEqual([
      "BEGIN:VCARD",
      "VERSION:3.0",
      "FN:Ada Lovelace",
      "N:Lovelace;Ada;;;",
      "EMAIL;TYPE=INTERNET:ada@example.com",
      "TEL:+44 20 7946 0000",
      "ORG:Analytical Engines",
      "NOTE:Wrote the first program\\; see Note G.\\nAlso: poetry\\, science",
      "REV:2026-12-02T10:20:30Z",
      "UID:urn:uuid:ab6673b3-5462-81c4-bb46-42f1d2861bd7",
      "END:VCARD",
      "",
    ]);
  });

  test("4.0, exactly; empty fields are left out", () => {
    expect(writeVCard(contact({ email: null, company: "", phone: null, name: "Cher" }), { version: "4.0" }).split("\r\n")).toEqual([
      "BEGIN:VCARD",
      "VERSION:4.0",
      "FN:Cher",
      "N:;Cher;;;",
      "REV:20261202T102030Z",
      "UID:urn:uuid:ab6673b3-5462-81c4-bb46-42f1d2861bd7",
      "END:VCARD",
      "",
    ]);
  });

  test("CRLF line endings only; N from the name, the last word the family name", () => {
    const written = writeVCard(contact({ name: "Mary  Anne Evans", notes: "one\r\ntwo\nthree\rfour" }));
    expect(written.replace(/\r\n/g, "")).not.toMatch(/[\r\n]/);
    expect(written).toContain("\r\nN:Evans;Mary Anne;;;\r\n");
    expect(written).toContain("\r\nFN:Mary  Anne Evans\r\n");
    expect(written).toContain("\r\nNOTE:one\\ntwo\\nthree\\nfour\r\n");
  });

  test("UID: a version 8 UUID made of the id's bits, the same for the same id; REV from updatedAt", () => {
    const id = newId();
    const uid = /\r\nUID:(.*)\r\n/.exec(writeVCard(contact({ id })))?.[1];
    expect(uid).toMatch(/^urn:uuid:[0-9a-f]{8}-[0-9a-f]{4}-8[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(writeVCard(contact({ id, name: "Someone Else" }))).toContain(`\r\nUID:${uid}\r\n`);
    expect(writeVCard(contact({ id }), { version: "4.0" })).toContain(`\r\nUID:${uid}\r\n`);
    expect(writeVCard(contact({ id: newId() }))).not.toContain(uid);
    expect(writeVCard(contact({ id: "not-an-id" }))).toContain("\r\nUID:not-an-id\r\n");
    expect(writeVCard(contact({ id: "not-an-id" }), { version: "4.0" })).toContain("\r\nUID;VALUE=text:not-an-id\r\n");
    expect(writeVCard(contact({ updatedAt: "2027-01-05T00:00:00.000Z" }))).toContain("\r\nREV:2027-01-05T00:00:00Z\r\n");
  });

  test.each([
    ["long ASCII", "x".repeat(500)],
    ["two-byte letters", "Παπαδόπουλος Κωνσταντίνος ".repeat(12)],
    ["three-byte CJK", "山田太郎は東京に住んでいます。".repeat(10)],
    ["emoji and flags (surrogate pairs, four bytes)", "🎉🇬🇷👩🏽‍💻😀".repeat(20)],
    ["a mix, with escapes everywhere", "a\\b,c;d\ne ü 中 😀 ".repeat(30)],
  ])("folding at 75 octets: %s", (_, notes) => {
    for (const version of ["3.0", "4.0"] as const) {
      const written = writeVCard(contact({ notes }), { version });
      const lines = written.split("\r\n");
      for (const line of lines) {
        expect(octets(line)).toBeLessThanOrEqual(75);
        expect(line).not.toMatch(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/);
        // No fold inside an escape: a line never ends in the escape's backslash.
        expect(line.match(/\\*$/)?.[0].length ?? 0, line).toSatisfy((n: number) => n % 2 === 0);
      }
      expect(lines.filter((line) => line.startsWith(" ")).length).toBeGreaterThan(1);
      const note = unfold(written)
        .split("\r\n")
        .find((line) => line.startsWith("NOTE:"));
      const expected = notes.replace(/[\\,;]/g, "\\$&").replace(/\n/g, "\\n");
      expect(note).toBe(`NOTE:${expected}`);
      // Long lines are filled: every line but a card's last is at least 72 octets (a four-byte character may not fit).
      const noteLines = written.slice(written.indexOf("NOTE:")).split("\r\n");
      const folded = noteLines.slice(0, noteLines.findIndex((line, i) => i > 0 && !line.startsWith(" ")) - 1);
      for (const line of folded) expect(octets(line)).toBeGreaterThanOrEqual(72);
    }
  });
});

describe("round trip: writeVCard, then readVCardRecords", () => {
  test("labels and the star are CATEGORIES, read back as the Categories column", async () => {
    const written = writeVCard(contact({ labels: ["Friends", "Work, Dublin", "a;b\\c"], starred: true }));
    expect(written).toContain("\r\nCATEGORIES:Friends,Work\\, Dublin,a\\;b\\\\c,starred\r\n");
    expect(writeVCard(contact({ labels: [] }))).not.toContain("CATEGORIES");
    const [record] = await read(chunksOf(written, 7));
    expect((card(record!) as Record<string, string>).Categories).toBe("Friends ::: Work, Dublin ::: a;b\\c ::: starred");
  });

  const people: Partial<VCardContact>[] = [
    { name: "Ada Lovelace" },
    { name: "山田 太郎", company: "株式会社サンプル" },
    { name: "Κωνσταντίνος Παπαδόπουλος", email: "kostas@example.gr", notes: "Καλημέρα ☀️" },
    { name: "Александра Сергеевна Иванова", phone: "+7 916 123-45-67" },
    { name: "محمد بن سلمان", notes: "مرحبا بالعالم" },
    { name: "דוד בן-גוריון" },
    { name: "김민준", company: "삼성전자" },
    { name: "Nguyễn Văn An", notes: "Tiếng Việt có dấu" },
    { name: "श्रीनिवास रामानुजन", notes: "गणितज्ञ" },
    { name: "Zoë Ångström-Ørsted 👩🏽‍💻", company: "Smith; Sons, & Co. \\ Ltd." },
    { name: "O'Brien, Siobhán; Jr.", email: null, phone: null, company: null },
    { name: "Cher", notes: "one line\ntwo lines, with commas; semicolons\n\nand a blank one\\n that is not an escape 🇬🇷" },
    { name: "Ａｄａ　Ｌｏｖｅｌａｃｅ", notes: "x".repeat(500) },
    { name: "𠜎𠜱𠝹𠱓 𝔘𝔫𝔦𝔠𝔬𝔡𝔢", notes: "🎉".repeat(125) },
  ];

  test.each(["3.0", "4.0"] as const)("every field comes back exactly (%s)", async (version) => {
    const written = people.map((person) => contact({ id: newId(), ...person }));
    const text = written.map((c) => writeVCard(c, { version })).join("");
    for (const line of text.split("\r\n")) expect(octets(line)).toBeLessThanOrEqual(75);
    const records = await read(chunksOf(text, 13));
    expect(records.map(card)).toEqual(
      written.map((c) =>
        expect.objectContaining(
          Object.fromEntries(
            Object.entries({
              "Formatted name (FN)": c.name,
              Email: c.email ?? "",
              Phone: c.phone ?? "",
              Organization: c.company ?? "",
              Note: c.notes ?? "",
            }).filter(([, value]) => value !== ""),
          ),
        ),
      ),
    );
    for (const [i, record] of records.entries()) {
      const person = written[i]!;
      const values = card(record) as Record<string, string>;
      expect(values.Email ?? null).toBe(person.email);
      expect(values.Phone ?? null).toBe(person.phone);
      expect(values.Organization ?? null).toBe(person.company || null);
      expect(values.Note ?? null).toBe(person.notes);
      expect([values["Given name"], values["Family name"]].filter(Boolean).join(" ")).toBe(person.name.trim().split(/\s+/).join(" "));
    }
  });
});
