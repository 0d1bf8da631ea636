import { sql, type Kysely } from "kysely";
import { afterEach, describe, expect, it } from "vitest";
import { freshDatabase } from "#tests/fresh-database";
import { createDatabase, dialectOf } from "./database.server";
import { migrateTo } from "./migrate";

// Migrations that change existing rows' table, tried on rows written before
// them, in a database of their own (the suite's database is already at the
// latest migration).

const dialect = dialectOf(process.env.DATABASE_URL!);
let cleanup: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const step of cleanup.reverse()) await step();
  cleanup = [];
});

async function databaseAt(migration: string): Promise<Kysely<any>> {
  const fresh = await freshDatabase(dialect);
  const db = createDatabase(fresh.url) as Kysely<any>;
  cleanup.push(fresh.drop, () => db.destroy());
  await migrateTo(db, migration);
  return db;
}

describe(`2026-12-02T0100_optional_contact_email (${dialect})`, () => {
  it("keeps every contact, its search index and its rules, and lets email be null", async () => {
    const db = await databaseAt("2026-11-27T0000_indexed_search");
    const now = Date.now();
    await db
      .insertInto("users")
      .values({ id: "u1", email: "owner@example.test", email_key: "owner@example.test", password_hash: "x", created_at: now })
      .execute();
    const contact = (i: number) => ({
      id: `c${i}`.padEnd(22, "x"),
      owner_id: "u1",
      name: `Ölmez ${i}`,
      email: `Person.${i}@Example.test`,
      email_key: `person.${i}@example.test`,
      company: i % 2 ? "Analytical Engines" : null,
      phone: null,
      notes: null,
      search: `\n\nölmez \n\nwombat${i}\n`,
      created_at: now - i,
      updated_at: now - i,
      deleted_at: i === 3 ? now : null,
    });
    await db.insertInto("contacts").values([1, 2, 3].map(contact)).execute();

    await migrateTo(db, "2026-12-02T0100_optional_contact_email");

    const rows = await db.selectFrom("contacts").selectAll().orderBy("id").execute();
    expect(
      rows.map((row) => ({ ...row, version: Number(row.version), created_at: Number(row.created_at), updated_at: Number(row.updated_at) })),
    ).toEqual([1, 2, 3].map((i) => ({ ...contact(i), version: 1, deleted_at: i === 3 ? now : null })));
    if (dialect === "sqlite") {
      // The search index still finds the rows written before (rowids kept), and follows new writes.
      // detail=none answers AND queries of trigrams (as the app asks it), not phrases.
      const match = (term: string) =>
        [...term]
          .slice(2)
          .map((_, i) => `"${term.slice(i, i + 3)}"`)
          .join(" AND ");
      const found = async (term: string) =>
        (
          await sql<{
            id: string;
          }>`select contacts.id from contacts_fts join contacts on contacts.rowid = contacts_fts.rowid where contacts_fts match ${match(term)}`.execute(
            db,
          )
        ).rows.map((r) => r.id);
      expect(await found("wombat2")).toEqual([contact(2).id]);
      await db.updateTable("contacts").set({ search: "\n\nhopperish" }).where("id", "=", contact(1).id).execute();
      expect(await found("hopperish")).toEqual([contact(1).id]);
      expect(await found("wombat1")).toEqual([]);
    }

    // No address: allowed, as often as wanted. A present one: still unique among live contacts, ignoring case.
    const noEmail = (i: number) => ({ ...contact(i), email: null, email_key: null, deleted_at: null });
    await db
      .insertInto("contacts")
      .values([noEmail(4), noEmail(5)])
      .execute();
    await expect(
      db
        .insertInto("contacts")
        .values({ ...contact(6), email_key: "person.1@example.test", deleted_at: null })
        .execute(),
    ).rejects.toThrow(/unique|UNIQUE/);
    // A deleted contact's address may be taken by a live one.
    await db
      .insertInto("contacts")
      .values({ ...contact(7), email_key: "person.3@example.test", deleted_at: null })
      .execute();
  });
});

describe(`2026-12-03T0100_sort_keys (${dialect})`, () => {
  it("gives every contact written before it the keys the app writes, and the order's collation", async () => {
    const db = await databaseAt("2026-12-03T0000_contact_labels");
    const now = Date.now();
    await db
      .insertInto("users")
      .values({ id: "u1", email: "owner@example.test", email_key: "owner@example.test", password_hash: "x", created_at: now })
      .execute();
    const people = [
      ["Ölmez  Ada", "Ácme"],
      ["zed", null],
      ["Ａｄａ", "acme"],
      ["Øre", "Zeta"],
    ] as const;
    await db
      .insertInto("contacts")
      .values(
        people.map(([name, company], i) => ({
          id: `c${i}`.padEnd(22, "x"),
          owner_id: "u1",
          name,
          company,
          search: "",
          created_at: now - i,
          updated_at: now - i,
        })),
      )
      .execute();

    await migrateTo(db, "2026-12-03T0100_sort_keys");

    const rows = await db.selectFrom("contacts").select(["name", "name_sort", "company_sort"]).orderBy("id").execute();
    expect(rows).toEqual([
      { name: "Ölmez  Ada", name_sort: "olmez ada", company_sort: "acme\u0001olmez ada" },
      { name: "zed", name_sort: "zed", company_sort: "\u{10FFFF}\u0001zed" },
      { name: "Ａｄａ", name_sort: "ada", company_sort: "acme\u0001ada" },
      { name: "Øre", name_sort: "øre", company_sort: "zeta\u0001øre" },
    ]);
    // Byte order on both databases: "ø" (U+00F8) after "z", whatever the server's locale says.
    const ordered = await db.selectFrom("contacts").select("name").orderBy("name_sort").execute();
    expect(ordered.map((row) => row.name)).toEqual(["Ａｄａ", "Ölmez  Ada", "zed", "Øre"]);
  });
});
