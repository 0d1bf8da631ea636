import { SqliteAdapter, sql, type Kysely } from "kysely";
import { db } from "#app/db.server";
import type { Database } from "#db/schema";

// The search index's upkeep (docs/decisions/0019-indexed-search.md). The
// index itself is created by migrations/2026-11-27T0000_indexed_search.ts:
// on SQLite the FTS5 table `contacts_fts`, which follows `contacts` through
// three triggers; on Postgres the GIN index `contacts_search_trgm_idx`. A
// migration cannot import app code, so the DDL below is a second copy of
// the migration's: change both together (db/indexes.db.test.ts compares the
// triggers with what the database holds).

export const SQLITE_FTS_TRIGGERS = {
  contacts_fts_insert: `create trigger contacts_fts_insert after insert on contacts begin
    insert into contacts_fts (rowid, search) values (new.rowid, new.search);
  end`,
  contacts_fts_delete: `create trigger contacts_fts_delete after delete on contacts begin
    insert into contacts_fts (contacts_fts, rowid, search) values ('delete', old.rowid, old.search);
  end`,
  contacts_fts_update: `create trigger contacts_fts_update after update of search on contacts when old.search is not new.search begin
    insert into contacts_fts (contacts_fts, rowid, search) values ('delete', old.rowid, old.search);
    insert into contacts_fts (rowid, search) values (new.rowid, new.search);
  end`,
} as const;

/**
 * Runs `fn`, a load of many contacts (the seed), without keeping the search
 * index in step row by row, and brings the index up to date afterwards,
 * whether `fn` succeeded or not: building it once is several times faster
 * than a million small updates. Searches during the load are answered, but
 * may miss what the index does not hold yet; writes are never lost.
 *
 * SQLite: drops the sync triggers, runs `fn`, then in one transaction
 * rebuilds contacts_fts from the table and recreates the triggers (a write
 * by another connection meanwhile is in the rebuilt index, and every later
 * one is followed again). Postgres: just runs `fn`. `database` is the
 * app's unless a test passes its own.
 */
export async function bulkLoad<T>(fn: () => Promise<T>, database: Kysely<Database> = db): Promise<T> {
  if (database.getExecutor().adapter instanceof SqliteAdapter) {
    await database.transaction().execute(async (trx) => {
      for (const name of Object.keys(SQLITE_FTS_TRIGGERS)) await sql`drop trigger if exists ${sql.ref(name)}`.execute(trx);
    });
    try {
      return await fn();
    } finally {
      await database.transaction().execute(async (trx) => {
        await sql`insert into contacts_fts (contacts_fts) values ('rebuild')`.execute(trx);
        for (const ddl of Object.values(SQLITE_FTS_TRIGGERS)) await sql.raw(ddl).execute(trx);
      });
    }
  }
  // Postgres keeps its GIN index live: thanks to its pending list, loading
  // 1,000,000 contacts took 110 s with it, against 75 s without it plus 32 s
  // to build it at the end (0019); no gain, and that one statement would
  // outlast the database's 5 s statement_timeout.
  return fn();
}
