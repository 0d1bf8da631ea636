import { sql, type Compilable, type Kysely } from "kysely";
import { describe, expect, it } from "vitest";
import { bitmapScansOnly, candidateQuery, gatherQuery, pageQuery, walkQuery } from "#app/contacts/contact-list.server";
import { searchFilter } from "#app/contacts/search";
import { SQLITE_FTS_TRIGGERS } from "#app/contacts/search-index.server";
import { trashPageQuery } from "#app/contacts/trash.server";
import { duplicateKeysQuery } from "#app/contacts/duplicates.server";
import { ownerIsByIds } from "#app/contacts/contacts.server";
import { purgeRateLimitsQuery } from "#app/rate-limits/rate-limits.server";
import { db, dialect } from "#app/db.server";
import type { Database } from "#db/schema";

// Every query the app makes on a hot path is served by an index. Postgres
// prefers a sequential scan on tiny test tables, so seqscan is switched off
// for the EXPLAIN: the question is whether a usable index exists at all.
describe(`indexes (${process.env.TEST_DIALECT})`, () => {
  // Keyset pagination stays flat: page 1,000 is an index seek to the cursor
  // and 51 entries read in order, like page 1; a sort would read them all.
  it("serves the contact list from (owner_id, created_at desc, id desc), in order, at any depth", async () => {
    const deep = { at: Date.now(), id: "abcdefghijklmnopqrstuv" };
    for (const cursor of [null, { direction: "older" as const, ...deep }, { direction: "newer" as const, ...deep }]) {
      const plan = await explain(pageQuery("owner", "", cursor));
      expect(plan).toContain("contacts_owner_created_idx");
      expect(plan).not.toMatch(SORTED);
      if (cursor) expect(plan).toMatch(dialect === "sqlite" ? /\(created_at,id\)[<>]/ : /Index Cond: .*ROW\(created_at, id\)/);
    }
  });

  it("serves the starred list from (owner_id, created_at desc, id desc) of the starred alone, in order, at any depth", async () => {
    const deep = { at: Date.now(), id: "abcdefghijklmnopqrstuv" };
    for (const cursor of [null, { direction: "older" as const, ...deep }, { direction: "newer" as const, ...deep }]) {
      const plan = await explain(pageQuery({ ownerId: "owner", starred: true }, "", cursor));
      expect(plan).toContain("contacts_owner_starred_idx");
      expect(plan).not.toMatch(SORTED);
    }
  });

  // Each order of the list (decision 0035) has its index, read in order at any depth, both ways.
  it.each([
    ["name", "contacts_owner_name_idx", "ada lovelace"],
    ["company", "contacts_owner_company_idx", "analytical engines\u0001ada"],
    ["updated", "contacts_owner_updated_idx", Date.now()],
  ] as const)("serves the list sorted by %s from %s, in order, at any depth", async (sort, index, at) => {
    const deep = { at, id: "abcdefghijklmnopqrstuv" };
    for (const cursor of [null, { direction: "older" as const, ...deep }, { direction: "newer" as const, ...deep }]) {
      const plan = await explain(pageQuery({ ownerId: "owner", sort }, "", cursor));
      expect(plan, plan).toContain(index);
      expect(plan).not.toMatch(SORTED);
    }
    // A search walks the same index (plan 2).
    const walked = await explain(walkQuery({ ownerId: "owner", sort }, searchFilter("a")!, { direction: "older", ...deep }));
    expect(walked).toContain(index);
    expect(walked).not.toMatch(SORTED);
  });

  // Likely duplicates (decision 0037): each kind's groups stream from its index in key order, no sort, at any page.
  it.each([
    ["name", "contacts_owner_name_idx"],
    ["phone", "contacts_owner_phone_key_idx"],
    ["email", "contacts_owner_email_dedupe_idx"],
  ] as const)("finds duplicates by %s from %s, grouped in order, at any page", async (kind, index) => {
    for (const after of [null, "m"]) {
      const plan = await explain(duplicateKeysQuery("owner", kind, after));
      expect(plan).toContain(index);
      expect(plan).not.toMatch(/TEMP B-TREE|Sort|HashAggregate/);
    }
  });

  // A bulk action's batch names a thousand contacts by id: the primary key
  // finds them, not an owner index (every contact of the owner). SQLite only:
  // it has no statistics to tell (Postgres plans from its own, by table size).
  if (dialect === "sqlite")
    it("finds a bulk action's batch by primary key", async () => {
      const ids = Array.from({ length: 1000 }, (_, i) => `id${i}`.padEnd(22, "x"));
      const query = db
        .selectFrom("contacts")
        .select("id")
        .where(ownerIsByIds("owner"))
        .where("id", "in", ids)
        .where("deleted_at", "is", null);
      expect(await explain(query)).toMatch(/sqlite_autoindex_contacts_1 \(id=\?\)/);
    });

  it("walks the list for a search in order too, from any cursor (plan 2)", async () => {
    const filter = searchFilter("ada")!;
    const cursor = { direction: "older" as const, at: Date.now(), id: "abcdefghijklmnopqrstuv" };
    const stop = { at: Date.now() - 1000, id: "abcdefghijklmnopqrstuv" };
    for (const query of [
      walkQuery("owner", filter, null, stop),
      walkQuery("owner", filter, cursor, stop),
      walkQuery("owner", searchFilter("a")!, cursor),
    ]) {
      const plan = await explain(query);
      expect(plan).toContain("contacts_owner_created_idx");
      expect(plan).not.toMatch(SORTED);
    }
  });

  it("asks the trigram index for a search's candidates (plans 1 and 3)", async () => {
    const filter = searchFilter("lovelace")!;
    if (dialect === "sqlite") {
      expect(await explain(candidateQuery(filter, 2001))).toMatch(/SCAN contacts_fts VIRTUAL TABLE/);
      // Then by rowid, a sort of the few candidates, and never the list index.
      for (const query of [gatherQuery("owner", filter, null, 51, [1, 2, 3]), gatherQuery("owner", filter, null, 51)]) {
        const plan = await explain(query);
        expect(plan).toMatch(/SEARCH contacts USING INTEGER PRIMARY KEY \(rowid=\?\)/);
        expect(plan).not.toContain("contacts_owner_created_idx");
      }
      expect(await explain(gatherQuery("owner", filter, null, 51))).toMatch(/SCAN contacts_fts VIRTUAL TABLE/);
    } else {
      // The partial GIN index serves the query (its `deleted_at is null` is
      // the index's predicate). On tiny test tables the planner prefers a
      // bitmap of the owner's index, as it should for a small account; so the
      // two owner indexes are dropped for the EXPLAIN, and the drop rolled back.
      const plan = await db
        .transaction()
        .execute(async (trx) => {
          await sql`drop index contacts_owner_created_idx, contacts_owner_email_key_idx, contacts_owner_name_idx, contacts_owner_company_idx, contacts_owner_updated_idx`.execute(
            trx,
          );
          await bitmapScansOnly(trx);
          throw new Rollback(await run(trx, gatherQuery("owner", filter, null, 51, undefined, trx)));
        })
        .catch((error: unknown) => (error instanceof Rollback ? error.plan : Promise.reject(error)));
      expect(plan).toMatch(/Bitmap Index Scan on contacts_search_trgm_idx/);
    }
  });

  // SQLite only (Postgres's GIN index needs no triggers): defined, not skipped, on that dialect alone.
  if (dialect === "sqlite")
    it("keeps contacts_fts in step with the triggers the app's bulkLoad recreates", async () => {
      const { rows } = await sql<{
        name: string;
        sql: string;
      }>`select name, sql from sqlite_master where type = 'trigger' and tbl_name = 'contacts'`.execute(db);
      const normalized = (ddl: string) => ddl.replace(/^create trigger/i, "create trigger");
      expect(Object.fromEntries(rows.map((row) => [row.name, normalized(row.sql)]))).toEqual(SQLITE_FTS_TRIGGERS);
      // FTS5 compares the whole index with the table, and throws on a difference.
      await sql`insert into contacts_fts (contacts_fts, rank) values ('integrity-check', 1)`.execute(db);
    });

  it("serves the trash from (owner_id, deleted_at desc, id desc), in order, at any depth", async () => {
    const deep = { at: Date.now() - 1000, id: "abcdefghijklmnopqrstuv" };
    for (const cursor of [null, { direction: "older" as const, ...deep }, { direction: "newer" as const, ...deep }]) {
      // Postgres, which sees a few deleted rows here, would rather read them
      // all and sort them (right for a small trash): with the purge's index
      // of every owner's deleted rows dropped (rolled back) and bitmap scans
      // off, the question is whether the trash's own index reads them in order.
      const plan = await withoutIndexes(["contacts_deleted_at_idx"], trashPageQuery("owner", cursor));
      expect(plan).toContain("contacts_owner_trash_idx");
      expect(plan).not.toMatch(SORTED);
    }
  });

  it("finds the oldest deleted contacts for the purge by deleted_at", async () => {
    const query = db.selectFrom("contacts").select("id").where("deleted_at", "<=", Date.now()).orderBy("deleted_at").limit(1000);
    if (dialect === "sqlite") expect(await explain(query)).toContain("contacts_deleted_at_idx");
    else {
      // On a tiny table Postgres takes the trash's index (deleted rows of
      // every owner) and sorts the few rows: dropped for the EXPLAIN, and the
      // drop rolled back, the purge's own index is what serves it.
      expect(await withoutIndexes(["contacts_owner_trash_idx"], query)).toContain("contacts_deleted_at_idx");
    }
  });

  it("looks sessions up by token hash", async () => {
    const query = db.selectFrom("sessions").select("user_id").where("token_hash", "=", "x");
    expect(await explain(query)).toContain("sessions_token_hash_idx");
  });

  it("finds the oldest expired sessions for the purge job by expires_at", async () => {
    const query = db.selectFrom("sessions").select("id").where("expires_at", "<=", Date.now()).orderBy("expires_at").limit(1000);
    expect(await explain(query)).toContain("sessions_expires_at_idx");
  });

  it("looks users up by folded email", async () => {
    const query = db.selectFrom("users").select("id").where("email_key", "=", "x");
    expect(await explain(query)).toContain("users_email_key_idx");
  });

  it("finds ended rate-limit windows for the purge by window_start", async () => {
    expect(await explain(purgeRateLimitsQuery(Date.now()))).toContain("rate_limits_window_start_idx");
  });
});

class Rollback extends Error {
  constructor(readonly plan: string) {
    super("rollback");
  }
}

/** A sort of the rows read (not served in order by an index). */
const SORTED = dialect === "sqlite" ? /USE TEMP B-TREE/ : /\bSort\b/;

async function explain(query: Compilable): Promise<string> {
  if (dialect === "sqlite") return run(db, query);
  return db.transaction().execute(async (trx) => {
    // Sorting a handful of rows is cheaper than any index on tiny test
    // tables, whatever the other test files left in them: the question is
    // whether an index serves the order, so a sort costs as if forbidden.
    await sql`set local enable_seqscan = off`.execute(trx);
    await sql`set local enable_sort = off`.execute(trx);
    return run(trx, query);
  });
}

/** The plan with these indexes dropped (Postgres; the drop rolled back), sequential and bitmap scans off; on SQLite the plan as it is. */
async function withoutIndexes(indexes: string[], query: Compilable): Promise<string> {
  if (dialect === "sqlite") return run(db, query);
  return db
    .transaction()
    .execute(async (trx) => {
      for (const index of indexes) await sql`drop index ${sql.ref(index)}`.execute(trx);
      await sql`set local enable_seqscan = off`.execute(trx);
      await sql`set local enable_bitmapscan = off`.execute(trx);
      throw new Rollback(await run(trx, query));
    })
    .catch((error: unknown) => (error instanceof Rollback ? error.plan : Promise.reject(error)));
}

async function run(executor: Kysely<Database>, query: Compilable): Promise<string> {
  const compiled = query.compile();
  const prefix = dialect === "sqlite" ? "explain query plan " : "explain ";
  const result = await executor.executeQuery<Record<string, string>>({ ...compiled, sql: prefix + compiled.sql });
  return result.rows.map((r) => r.detail ?? r["QUERY PLAN"]).join("\n");
}
