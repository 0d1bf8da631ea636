import { sql, type Compilable, type Kysely } from "kysely";
import { describe, expect, it } from "vitest";
import { pageQuery } from "~/contacts/contacts.server";
import { purgeRateLimitsQuery } from "~/http/rate-limit.server";
import { db, dialect } from "./database.server";
import type { Database } from "./schema";

// Every query the app makes on a hot path is served by an index. Postgres
// prefers a sequential scan on tiny test tables, so seqscan is switched off
// for the EXPLAIN: the question is whether a usable index exists at all.
describe(`indexes (${process.env.TEST_DIALECT})`, () => {
  it("serves the contact list from (owner_id, created_at desc, id desc)", async () => {
    const query = pageQuery("owner", "", null);
    expect(await explain(query)).toContain("contacts_owner_created_idx");
    const older = pageQuery("owner", "", { direction: "older", createdAt: Date.now(), id: "abcdefghijklmnopqrstuv" });
    expect(await explain(older)).toContain("contacts_owner_created_idx");
  });

  it("finds the oldest deleted contacts for the purge by deleted_at", async () => {
    const query = db.selectFrom("contacts").select("id").where("deleted_at", "<=", Date.now()).orderBy("deleted_at").limit(1000);
    expect(await explain(query)).toContain("contacts_deleted_at_idx");
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

async function explain(query: Compilable): Promise<string> {
  const compiled = query.compile();
  const run = async (executor: Kysely<Database>) => {
    const prefix = dialect === "sqlite" ? "explain query plan " : "explain ";
    const result = await executor.executeQuery<Record<string, string>>({ ...compiled, sql: prefix + compiled.sql });
    return result.rows.map((r) => r.detail ?? r["QUERY PLAN"]).join("\n");
  };
  if (dialect === "sqlite") return run(db);
  return db.transaction().execute(async (trx) => {
    await sql`set local enable_seqscan = off`.execute(trx);
    return run(trx);
  });
}
