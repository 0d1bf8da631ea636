import { sql } from "kysely";
import { describe, expect, it } from "vitest";
import { db, dialect } from "./database.server";

describe(`the database module (${dialect})`, () => {
  // A regression test: the Postgres driver's availability guard once wrapped
  // a pooled connection again on every acquire, so each query went through
  // one more layer per request served (the bench saw Postgres pages slow
  // down minute by minute), until the stack overflowed and every query failed.
  it("still runs queries after 20,000 connection acquires: a pooled connection is wrapped once", async () => {
    for (let i = 0; i < 20_000; i++) await db.connection().execute(async () => {});
    const { rows } = await sql<{ one: number }>`select 1 as one`.execute(db);
    expect(Number(rows[0]?.one)).toBe(1);
  }, 60_000);
});
