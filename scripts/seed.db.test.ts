import { labelCounts } from "#app/labels/contact-labels.server";
import { listLabels } from "#app/labels/labels.server";
import { describe, expect, it } from "vitest";
import { verifyLogin } from "#app/auth/users.server";
import { emailKey } from "#app/shared/text";
import { CONTACT_FIELD_NAMES } from "#app/contacts/contact-fields";
import { ContactFormSchema } from "#app/contacts/contact-schema";
import { listContacts } from "#app/contacts/contact-list.server";
import { searchText } from "#app/contacts/search";
import { createTestContact, TEST_PASSWORD, uniqueEmail } from "#tests/factories";
import { db } from "#app/db.server";
import { seedAccount, seedContacts, SPREAD_MS } from "./seed.server";

const PASSWORD = "seeded and not common";

function rowsOf(ownerId: string) {
  return db.selectFrom("contacts").selectAll().where("owner_id", "=", ownerId).orderBy("created_at").orderBy("id").execute();
}

/** What a refused call must leave alone (other test files write at the same time, so only this account's rows). */
async function stateOf(email: string) {
  const user = await db.selectFrom("users").selectAll().where("email_key", "=", emailKey(email)).executeTakeFirst();
  const contacts = user ? await rowsOf(user.id) : [];
  return { user, contacts };
}

// One body, two databases: this file runs in the sqlite and postgres suites.
describe(`seed (${process.env.TEST_DIALECT})`, () => {
  it("creates the account like a signup and gives it N valid, searchable contacts, oldest first", async () => {
    const email = uniqueEmail("seed");
    const account = await seedAccount(email, PASSWORD);
    expect(account).toMatchObject({ ok: true, created: true, user: { email } });
    if (!account.ok) return;
    expect(await verifyLogin(email, PASSWORD)).toEqual(account.user);

    const now = Date.now();
    const progress: number[] = [];
    const result = await seedContacts(account.user.id, {
      count: 500,
      batchSize: 120,
      rowsPerStatement: 50,
      now,
      onProgress: (done, total) => progress.push(done / total),
    });
    expect(result).toEqual({ existing: 0, firstNumber: 1, added: 500 });
    expect(progress).toEqual([120, 240, 360, 480, 500].map((done) => done / 500));

    const rows = await rowsOf(account.user.id);
    expect(rows).toHaveLength(500);
    // 20 labels, a few big and a long tail, and about 4% starred.
    const counts = await labelCounts(account.user.id);
    const labels = await listLabels(account.user.id);
    expect(labels).toHaveLength(20);
    const friends = counts.get(labels.find((label) => label.name === "Friends")!.id)!;
    expect(friends).toBeGreaterThan(100);
    expect(friends).toBeLessThan(200);
    const starred = await db
      .selectFrom("contacts")
      .select("id")
      .where("owner_id", "=", account.user.id)
      .where("starred_at", "is not", null)
      .execute();
    expect(starred.length).toBeGreaterThan(5);
    expect(starred.length).toBeLessThan(40);
    for (const row of rows) {
      // Every field (one added later too) as the form would post it, and as stored.
      const posted = Object.fromEntries(CONTACT_FIELD_NAMES.map((name) => [name, row[name] ?? ""]));
      const stored = Object.fromEntries(CONTACT_FIELD_NAMES.map((name) => [name, row[name]]));
      const parsed = ContactFormSchema.parse(posted);
      expect({ ...parsed, email_key: parsed.email === null ? null : emailKey(parsed.email), search: searchText(parsed) }).toEqual({
        ...stored,
        name: row.name,
        email: row.email,
        company: row.company,
        phone: row.phone,
        notes: row.notes,
        email_key: row.email_key,
        search: row.search,
      });
      expect(row.updated_at).toBe(row.created_at);
      expect(row.deleted_at).toBeNull();
    }
    // Spread over the last years, each strictly after the one before, in the order inserted.
    const times = rows.map((row) => row.created_at);
    expect(times[0]).toBeGreaterThanOrEqual(now - SPREAD_MS);
    expect(times[0]).toBeLessThan(now - SPREAD_MS / 2);
    expect(times.at(-1)).toBeLessThanOrEqual(now);
    expect(times.every((t, i) => i === 0 || t > times[i - 1]!)).toBe(true);

    // The list pages through all of them, newest first, none twice.
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page = await listContacts(account.user.id, { cursor });
      seen.push(...page.contacts.map((c) => c.id));
      cursor = page.older;
    } while (cursor);
    expect(seen).toEqual(rows.map((row) => row.id).reverse());

    // Search finds a seeded contact by a piece of its name, in another case.
    const target = rows.find((row) => row.name.length >= 6 && row.company !== null)!;
    const found = await listContacts(account.user.id, { q: target.name.slice(0, 6).toUpperCase() });
    expect(found.contacts.map((c) => c.id)).toContain(target.id);
    const byEmail = await listContacts(account.user.id, { q: target.email });
    expect(byEmail.contacts.map((c) => c.id)).toEqual([target.id]);
  });

  it("gives the same contacts for the same seed", async () => {
    const now = Date.now();
    const contents = async () => {
      const account = await seedAccount(uniqueEmail("seed"), PASSWORD);
      if (!account.ok) throw new Error(account.message);
      await seedContacts(account.user.id, { count: 40, seed: "same", now });
      return (await rowsOf(account.user.id)).map(({ id: _id, owner_id: _owner, ...rest }) => rest);
    };
    expect(await contents()).toEqual(await contents());
  });

  it("reuses an account with its password and adds more without colliding, also with hand-made contacts", async () => {
    const email = uniqueEmail("seed");
    const first = await seedAccount(email, PASSWORD);
    if (!first.ok) throw new Error(first.message);
    await seedContacts(first.user.id, { count: 200 });
    // A contact typed by hand whose address looks like a generated one.
    await createTestContact(first.user.id, { email: "ada.lovelace950@example.com" });

    const again = await seedAccount(email.toUpperCase(), PASSWORD);
    expect(again).toMatchObject({ ok: true, created: false, user: { id: first.user.id } });
    const result = await seedContacts(first.user.id, { count: 300, seed: "another" });
    expect(result).toEqual({ existing: 201, firstNumber: 951, added: 300 });

    const rows = await rowsOf(first.user.id);
    expect(rows).toHaveLength(501);
    expect(new Set(rows.map((row) => row.email_key)).size).toBe(501);
  });

  it("refuses a wrong password for an existing account, and writes nothing", async () => {
    const { user } = await (async () => {
      const email = uniqueEmail("seed");
      const account = await seedAccount(email, PASSWORD);
      if (!account.ok) throw new Error(account.message);
      return account;
    })();
    await seedContacts(user.id, { count: 10 });
    const before = await stateOf(user.email);
    const refused = await seedAccount(user.email, `${PASSWORD} but wrong`);
    expect(refused).toEqual({
      ok: false,
      message: `${user.email} already has an account and that is not its password; nothing was written.`,
    });
    expect(await stateOf(user.email)).toEqual(before);
    expect(await verifyLogin(user.email, PASSWORD)).toEqual(user);
  });

  it("refuses a password that signup would refuse, and creates no account", async () => {
    const email = uniqueEmail("seed");
    expect(await seedAccount(email, "password")).toEqual({
      ok: false,
      message: "--password: This password is too common. Choose one that is harder to guess.",
    });
    expect(await seedAccount(email, "short")).toEqual({ ok: false, message: "--password: Password must be at least 8 characters" });
    expect(await seedAccount("not an email", TEST_PASSWORD)).toMatchObject({ ok: false, message: expect.stringMatching(/^--email: /) });
    expect(await stateOf(email)).toEqual({ user: undefined, contacts: [] });
  });
});
