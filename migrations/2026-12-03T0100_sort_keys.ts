import { sql, SqliteAdapter, type Kysely } from "kysely";

// The list's sort orders (issue 13): newest (created_at, as before), name and
// company A to Z by stored folded keys, updated (updated_at, recently changed
// first). Each has its own partial index of live contacts, in its order with
// the id as the tie-break, so a page at any depth is an index range read.
// The keys are compared byte for byte on both databases: SQLite's BINARY and,
// on Postgres, the columns' "C" collation (not the database's locale, which
// would order differently from SQLite and from one server to another).
// See docs/decisions/0035-sort-orders.md.

/**
 * A frozen copy of app/shared/text.ts's sortKey as of this migration: a
 * migration must give the same keys whenever it runs, whatever the app's
 * code has become.
 */
function sortKey(text: string): string {
  return text
    .normalize("NFKD")
    .replace(/\p{M}+/gu, "")
    .toLowerCase()
    .replace(/\s+/g, " ")
    .trim()
    .normalize("NFC");
}

/** After every company, so that contacts without one come last (U+10FFFF, the last code point). */
const NO_COMPANY = "\u{10FFFF}";
/** Between a company and a name in company_sort: below every character a key can hold, so "Acme" < "Acme Corp". */
const THEN = "\u0001";

function companySort(company: string | null, name: string): string {
  return `${company === null || company.trim() === "" ? NO_COMPANY : sortKey(company)}${THEN}${sortKey(name)}`;
}

const BATCH = 5000;

export async function up(db: Kysely<any>): Promise<void> {
  const sqlite = db.getExecutor().adapter instanceof SqliteAdapter;
  const binary = sqlite ? sql`` : sql`collate "C"`;
  await sql`alter table contacts add column name_sort text ${binary}`.execute(db);
  await sql`alter table contacts add column company_sort text ${binary}`.execute(db);

  // Every existing contact's keys, a batch at a time, by id.
  let after = "";
  for (;;) {
    const rows: { id: string; name: string; company: string | null }[] = await db
      .selectFrom("contacts")
      .select(["id", "name", "company"])
      .where("id", ">", after)
      .orderBy("id")
      .limit(BATCH)
      .execute();
    if (rows.length === 0) break;
    const keys = JSON.stringify(rows.map((row) => ({ id: row.id, n: sortKey(row.name), c: companySort(row.company, row.name) })));
    if (sqlite) {
      await sql`update contacts set name_sort = k.value ->> 'n', company_sort = k.value ->> 'c'
        from json_each(${keys}) as k where contacts.id = k.value ->> 'id'`.execute(db);
    } else {
      await sql`update contacts set name_sort = k.n, company_sort = k.c
        from json_to_recordset(${keys}::json) as k(id text, n text, c text) where contacts.id = k.id`.execute(db);
    }
    after = rows[rows.length - 1]!.id;
  }

  for (const [name, columns] of [
    ["contacts_owner_name_idx", sql`owner_id, name_sort, id`],
    ["contacts_owner_company_idx", sql`owner_id, company_sort, id`],
    ["contacts_owner_updated_idx", sql`owner_id, updated_at desc, id desc`],
  ] as const) {
    await db.schema
      .createIndex(name)
      .on("contacts")
      .expression(columns)
      .where(sql<boolean>`deleted_at is null`)
      .execute();
  }
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const name of ["contacts_owner_name_idx", "contacts_owner_company_idx", "contacts_owner_updated_idx"]) {
    await db.schema.dropIndex(name).execute();
  }
  await db.schema.alterTable("contacts").dropColumn("company_sort").execute();
  await db.schema.alterTable("contacts").dropColumn("name_sort").execute();
}
