import { describe, expect, it } from "vitest";
import { db } from "#app/db.server";
import { contactInput, createTestContact, createTestUser, uniqueEmail } from "#tests/factories";
import { createContact, getContact, updateContact } from "./contacts.server";
import { listContacts, PAGE_SIZE } from "./contact-list.server";
import { deleteContact } from "./trash.server";

// One body, two databases: this file runs in the sqlite and postgres suites.
describe(`contacts domain (${process.env.TEST_DIALECT})`, () => {
  it("creates a contact with a random id and reads it back", async () => {
    const owner = await createTestUser();
    const result = await createContact(owner.id, contactInput({ name: "Grace Hopper", company: null }));
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.contact.id).toMatch(/^[A-Za-z0-9_-]{22}$/);
    expect(result.contact).toMatchObject({ name: "Grace Hopper", company: null, version: 1 });
    expect(await getContact(owner.id, result.contact.id)).toEqual(result.contact);
  });

  it("rejects a second contact with the same email, ignoring case, from the database's unique index", async () => {
    const owner = await createTestUser();
    await createTestContact(owner.id, { email: "Dup@Example.com" });
    const before = await countContacts(owner.id);
    expect(await createContact(owner.id, contactInput({ email: "dup@EXAMPLE.com" }))).toEqual({
      ok: false,
      reason: "duplicate-email",
    });
    expect(await countContacts(owner.id)).toBe(before);
  });

  it("treats Unicode case as the same email too", async () => {
    const owner = await createTestUser();
    await createTestContact(owner.id, { email: "ölmez@example.com" });
    expect((await createContact(owner.id, contactInput({ email: "ÖLMEZ@example.com" }))).ok).toBe(false);
  });

  it("takes contacts without an email, as many as there are, and lets one get an address later", async () => {
    const owner = await createTestUser();
    const phoneOnly = await createContact(owner.id, contactInput({ name: "Phone Only", email: null, company: null }));
    const companyOnly = await createContact(owner.id, contactInput({ name: "Globex", email: null, phone: null }));
    expect(phoneOnly).toMatchObject({ ok: true, contact: { email: null, phone: "+44 20 7946 0000" } });
    expect(companyOnly).toMatchObject({ ok: true, contact: { email: null, company: "Analytical Engines" } });
    const stored = await db.selectFrom("contacts").select(["email", "email_key"]).where("owner_id", "=", owner.id).execute();
    expect(stored).toEqual([
      { email: null, email_key: null },
      { email: null, email_key: null },
    ]);
    if (!phoneOnly.ok) return;
    const taken = await createTestContact(owner.id, { email: "later@example.com" });
    const update = (email: string | null) => updateContact(owner.id, phoneOnly.contact.id, contactInput({ name: "Phone Only", email }), 1);
    expect(await update("LATER@example.com")).toEqual({ ok: false, reason: "duplicate-email" });
    expect(await update("own@example.com")).toMatchObject({ ok: true, contact: { email: "own@example.com" } });
    expect((await getContact(owner.id, taken.id))?.email).toBe("later@example.com");
  });

  it("lets two accounts hold the same email", async () => {
    const [a, b] = [await createTestUser(), await createTestUser()];
    await createTestContact(a.id, { email: "shared@example.com" });
    expect((await createContact(b.id, contactInput({ email: "shared@example.com" }))).ok).toBe(true);
  });

  it("detects duplicates under concurrency: exactly one of many simultaneous creates wins", async () => {
    const owner = await createTestUser();
    const results = await Promise.all(
      Array.from({ length: 8 }, () => createContact(owner.id, contactInput({ email: "race@example.com" }))),
    );
    expect(results.filter((r) => r.ok)).toHaveLength(1);
    expect(results.filter((r) => !r.ok && r.reason === "duplicate-email")).toHaveLength(7);
  });

  it("updates a contact, bumps its version and keeps its creation date", async () => {
    const owner = await createTestUser();
    const contact = await createTestContact(owner.id);
    const result = await updateContact(owner.id, contact.id, contactInput({ name: "Ada King", email: contact.email }), contact.version);
    expect(result.ok && result.contact).toMatchObject({ name: "Ada King", version: 2, createdAt: contact.createdAt });
  });

  it("reports a duplicate email on update and leaves the row as it was", async () => {
    const owner = await createTestUser();
    const first = await createTestContact(owner.id);
    const second = await createTestContact(owner.id);
    const result = await updateContact(owner.id, second.id, contactInput({ email: first.email.toUpperCase() }), second.version);
    expect(result).toEqual({ ok: false, reason: "duplicate-email" });
    expect(await getContact(owner.id, second.id)).toEqual(second);
  });

  it("deletes a contact and returns its name", async () => {
    const owner = await createTestUser();
    const contact = await createTestContact(owner.id, { name: "Gone Soon" });
    expect(await deleteContact(owner.id, contact.id)).toEqual({ name: "Gone Soon" });
    expect(await getContact(owner.id, contact.id)).toBeNull();
    expect(await deleteContact(owner.id, contact.id)).toBeNull();
  });

  it("never reads or writes another account's contact", async () => {
    const [owner, other] = [await createTestUser(), await createTestUser()];
    const contact = await createTestContact(owner.id);
    expect(await getContact(other.id, contact.id)).toBeNull();
    expect(await updateContact(other.id, contact.id, contactInput(), contact.version)).toEqual({ ok: false, reason: "not-found" });
    expect(await deleteContact(other.id, contact.id)).toBeNull();
    expect((await listContacts(other.id)).contacts).toEqual([]);
    expect(await getContact(owner.id, contact.id)).toEqual(contact);
  });

  describe("listing", () => {
    it("lists newest first, 50 a page, with Older and Newer cursors that walk every row once", async () => {
      const owner = await createTestUser();
      await seed(owner.id, 2 * PAGE_SIZE + 7);
      const newestFirst = await namesNewestFirst(owner.id);
      expect(newestFirst).toHaveLength(2 * PAGE_SIZE + 7);

      const page1 = await listContacts(owner.id);
      expect(page1.contacts.map((c) => c.name)).toEqual(newestFirst.slice(0, PAGE_SIZE));
      expect(page1.newer).toBeNull();
      const page2 = await listContacts(owner.id, { cursor: page1.older });
      expect(page2.contacts.map((c) => c.name)).toEqual(newestFirst.slice(PAGE_SIZE, 2 * PAGE_SIZE));
      const page3 = await listContacts(owner.id, { cursor: page2.older });
      expect(page3.contacts.map((c) => c.name)).toEqual(newestFirst.slice(2 * PAGE_SIZE));
      expect(page3.older).toBeNull();

      const back2 = await listContacts(owner.id, { cursor: page3.newer });
      expect(back2.contacts.map((c) => c.name)).toEqual(page2.contacts.map((c) => c.name));
      const back1 = await listContacts(owner.id, { cursor: back2.newer });
      expect(back1.contacts.map((c) => c.name)).toEqual(page1.contacts.map((c) => c.name));
      expect(back1.newer).toBeNull();
      expect(back1.older).not.toBeNull();
    });

    it("orders contacts created in the same millisecond stably", async () => {
      const owner = await createTestUser();
      const now = Date.now();
      await db
        .insertInto("contacts")
        .values(
          Array.from({ length: 60 }, (_, i) => ({
            id: `same-ms-${String(i).padStart(14, "0")}`,
            owner_id: owner.id,
            name: `Same ${i}`,
            email: `same${i}@example.com`,
            email_key: `same${i}@example.com`,
            search: `same ${i}`,
            created_at: now,
            updated_at: now,
          })),
        )
        .execute();
      const page1 = await listContacts(owner.id);
      const page2 = await listContacts(owner.id, { cursor: page1.older });
      const ids = [...page1.contacts, ...page2.contacts].map((c) => c.id);
      expect(new Set(ids).size).toBe(60);
    });

    it("answers the first page for a malformed cursor", async () => {
      const owner = await createTestUser();
      await seed(owner.id, 3);
      for (const cursor of ["nonsense", "o1.x", "' or 1=1 --", "n" + "z".repeat(40)]) {
        expect((await listContacts(owner.id, { cursor })).contacts).toHaveLength(3);
      }
    });

    it("shows an empty list to a new account", async () => {
      const owner = await createTestUser();
      expect(await listContacts(owner.id)).toEqual({ contacts: [], older: null, newer: null });
    });
  });

  describe("search", () => {
    it("matches a case-insensitive substring of name, email or company", async () => {
      const owner = await createTestUser();
      await createTestContact(owner.id, { name: "Katherine Johnson", email: "kj@nasa.example", company: "NASA" });
      await createTestContact(owner.id, { name: "Dorothy Vaughan", email: "dv@example.com", company: "Langley" });
      const names = async (q: string) => (await listContacts(owner.id, { q })).contacts.map((c) => c.name);
      expect(await names("kATHer")).toEqual(["Katherine Johnson"]);
      expect(await names("nasa")).toEqual(["Katherine Johnson"]);
      expect(await names("LANG")).toEqual(["Dorothy Vaughan"]);
      expect(await names("@")).toHaveLength(2);
      expect(await names("nobody")).toEqual([]);
    });

    it("folds Unicode case: Ö finds ö and the other way round", async () => {
      const owner = await createTestUser();
      await createTestContact(owner.id, { name: "Öskar Ölmez" });
      await createTestContact(owner.id, { name: "Zoë Ångström", company: "ÉCOLE" });
      const names = async (q: string) => (await listContacts(owner.id, { q })).contacts.map((c) => c.name);
      expect(await names("ölm")).toEqual(["Öskar Ölmez"]);
      expect(await names("ÖLM")).toEqual(["Öskar Ölmez"]);
      expect(await names("ångström")).toEqual(["Zoë Ångström"]);
      expect(await names("école")).toEqual(["Zoë Ångström"]);
    });

    it("takes %, _ and \\ literally", async () => {
      const owner = await createTestUser();
      await createTestContact(owner.id, { name: "100% Real", company: "under_score" });
      await createTestContact(owner.id, { name: "Back\\slash" });
      await createTestContact(owner.id, { name: "1000 Real", company: "underXscore" });
      const names = async (q: string) => (await listContacts(owner.id, { q })).contacts.map((c) => c.name);
      expect(await names("%")).toEqual(["100% Real"]);
      expect(await names("0% r")).toEqual(["100% Real"]);
      expect(await names("r_s")).toEqual(["100% Real"]);
      expect(await names("\\")).toEqual(["Back\\slash"]);
      expect(await names("_")).toEqual(["100% Real"]);
    });

    it("paginates search results by cursor", async () => {
      const owner = await createTestUser();
      await seed(owner.id, 60, "Match");
      await seed(owner.id, 5, "Other");
      const page1 = await listContacts(owner.id, { q: "match" });
      expect(page1.contacts).toHaveLength(50);
      const page2 = await listContacts(owner.id, { q: "match", cursor: page1.older });
      expect(page2.contacts).toHaveLength(10);
      expect(page2.contacts.every((c) => c.name.startsWith("Match"))).toBe(true);
    });
  });
});

async function seed(ownerId: string, count: number, prefix = "Contact"): Promise<string[]> {
  const names: string[] = [];
  for (let i = 0; i < count; i++) {
    const name = `${prefix} ${String(i).padStart(3, "0")}`;
    await createTestContact(ownerId, { name, email: uniqueEmail(prefix.toLowerCase()) });
    names.push(name);
  }
  return names;
}

/** The owner's contact names by (created_at desc, id desc), read straight from the table. */
async function namesNewestFirst(ownerId: string): Promise<string[]> {
  const rows = await db.selectFrom("contacts").select(["name", "created_at", "id"]).where("owner_id", "=", ownerId).execute();
  rows.sort((a, b) => b.created_at - a.created_at || (a.id < b.id ? 1 : a.id > b.id ? -1 : 0));
  return rows.map((r) => r.name);
}

async function countContacts(ownerId: string): Promise<number> {
  const row = await db
    .selectFrom("contacts")
    .select((eb) => eb.fn.countAll<number>().as("n"))
    .where("owner_id", "=", ownerId)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}
