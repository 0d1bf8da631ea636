import { describe, expect, it } from "vitest";
import { blankContact } from "#app/contacts/contact-fields";
import { insertContacts } from "#app/contacts/contacts.server";
import { recordsOf, detectSource } from "#app/imports/detect";
import { checkRecord } from "#app/imports/import-job.server";
import { createTestContact, createTestLabel, createTestUser } from "#tests/factories";
import { setStar } from "#app/contacts/star.server";
import { setContactLabels } from "#app/labels/contact-labels.server";
import { contactsCsv, contactsVCard } from "./exports.server";

// The exports, read back by the import's own readers: a round trip gives the
// same contacts, field for field, on both databases.

async function text(chunks: AsyncIterable<string>): Promise<string> {
  let all = "";
  for await (const chunk of chunks) all += chunk;
  return all;
}

/** The file as the import would take it: detected, read, mapped as suggested, checked by the form's schema. */
async function readBack(file: string) {
  const bytes = new TextEncoder().encode(file);
  const detected = detectSource(bytes);
  if ("problem" in detected) throw new Error(detected.problem);
  const contacts = [];
  for await (const record of recordsOf(
    (async function* () {
      yield bytes;
    })(),
    detected,
  )) {
    const checked = checkRecord(record, detected.mapping);
    if (!("input" in checked)) throw new Error(`record ${record.number}: ${checked.reason}`);
    contacts.push({ ...checked.input, labels: checked.labels, starred: checked.starred });
  }
  return { detected, contacts };
}

const TRICKY = [
  {
    name: "Ada Lovelace",
    email: "ada@example.com",
    company: "Analytical Engines",
    phone: "+44 20 7946 0000",
    notes: 'Line 1\nLine 2, with a comma; and "quotes"',
  },
  { name: "=SUM(A1:A2)", email: null, company: "+Plus Co", phone: "-5", notes: "@mention" },
  {
    name: "Zoë Łukasiewicz-Núñez",
    email: "zoe@example.net",
    company: null,
    phone: null,
    notes: "😀 emoji, and a very long note ".repeat(8).trim(),
  },
  { name: "李小龍", email: null, company: null, phone: "(202) 555-0198", notes: null },
  { name: "Mary Ann van der Berg", email: "mary@example.org", company: "Berg; Söhne", phone: null, notes: "a tab\tinside" },
  { name: "Acme Widgets Ltd", email: null, company: "Acme Widgets Ltd", phone: null, notes: null },
];

describe(`exports (${process.env.TEST_DIALECT})`, () => {
  it.each([
    ["CSV", contactsCsv, "google-csv"],
    ["vCard", contactsVCard, "vcard"],
  ] as const)("%s: an export imported again gives the same contacts, field for field", async (_format, exporter, format) => {
    const owner = await createTestUser();
    const friends = await createTestLabel(owner.id, "Friends");
    const dublin = await createTestLabel(owner.id, "Work, Dublin");
    // Every other contact is starred and labelled; the first has both labels.
    const expected = [];
    for (const [i, contact] of TRICKY.entries()) {
      const created = await createTestContact(owner.id, { ...blankContact(), ...contact });
      const labels = i % 2 ? [] : i === 0 ? [friends, dublin] : [friends];
      await setContactLabels(
        owner.id,
        created.id,
        labels.map((label) => label.id),
      );
      if (i % 2 === 0) await setStar(owner.id, created.id, true);
      expected.push({ ...blankContact(), ...contact, labels: labels.map((label) => label.name), starred: i % 2 === 0 });
    }
    const file = await text(exporter(owner.id));
    const { detected, contacts } = await readBack(file);
    expect(detected.format).toBe(format);
    const sorted = <T extends { name: string }>(list: T[]) => [...list].sort((a, b) => (a.name < b.name ? -1 : 1));
    expect(sorted(contacts)).toEqual(sorted(expected));
  });

  it("CSV: UTF-8 with a BOM, CRLF, Google's columns, formulas defused", async () => {
    const owner = await createTestUser();
    await createTestContact(owner.id, { ...blankContact(), name: '=HYPERLINK("http://evil")', email: null });
    const file = await text(contactsCsv(owner.id));
    expect(file.startsWith("\uFEFF")).toBe(true);
    expect(file.split("\r\n")[0]).toMatch(/^\uFEFFFirst Name,/);
    expect(file).toContain("E-mail 1 - Value");
    expect(file).not.toMatch(/(^|,)"?=HYPERLINK/m);
  });

  it("exports every contact once past a batch, newest first, and only a search's when asked", async () => {
    const owner = await createTestUser();
    const now = Date.now();
    await insertContacts(
      owner.id,
      Array.from({ length: 1_050 }, (_, i) => ({
        ...blankContact(),
        name: i % 100 === 0 ? `Wombat ${i}` : `Person ${i}`,
        email: `p${i}@example.test`,
        createdAt: now - i,
      })),
    );
    const everyone = (await readBack(await text(contactsCsv(owner.id)))).contacts;
    expect(everyone).toHaveLength(1_050);
    expect(new Set(everyone.map((c) => c.email)).size).toBe(1_050);
    expect(everyone[0]!.email).toBe("p0@example.test");
    const wombats = (await readBack(await text(contactsVCard(owner.id, { q: "wombat" })))).contacts;
    expect(wombats.map((c) => c.name).sort()).toEqual(Array.from({ length: 11 }, (_, i) => `Wombat ${i * 100}`).sort());
  });

  it("exports nothing of another account's", async () => {
    const [owner, other] = [await createTestUser(), await createTestUser()];
    await createTestContact(owner.id, { name: "Mine Only" });
    expect(await text(contactsVCard(other.id))).toBe("");
    expect((await readBack(await text(contactsCsv(other.id)))).contacts).toEqual([]);
  });
});
