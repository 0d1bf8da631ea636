import { sql } from "kysely";
import pg from "pg";
import { afterAll, describe, expect, it } from "vitest";
import { Outage } from "#tests/pg-outage";
import { createDatabase, DatabaseUnavailableError, dialectOf } from "./database.server";

// The database layer on its own, with an instance of its own: the app's
// instance (app/db.server.ts) is the app's business.
const url = process.env.DATABASE_URL!;
const dialect = dialectOf(url);
const db = createDatabase(url);
afterAll(() => db.destroy());

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

// SQLite has no connection to lose: this part exists only in the Postgres suite.
if (dialect === "postgres")
  describe("a Postgres connection that dies while it is in use", () => {
    // The pool only listens for errors on idle connections. A connection a
    // request holds (one it just took, whose socket was already closing) once
    // emitted an unhandled 'error' and took the whole server down.
    it("fails that request as unavailable and leaves the process and the pool working", async () => {
      const target = new URL(url);
      const outage = new Outage(0, { host: target.hostname, port: Number(target.port || 5432) });
      await outage.up();
      const relayed = createDatabase(outage.relayUrl(target.toString()));
      try {
        const request = relayed.connection().execute(async (connection) => {
          await sql`select 1`.execute(connection);
          await outage.down();
          await new Promise((resolve) => setTimeout(resolve, 100)); // the held connection sees its socket end
          return sql`select 1`.execute(connection);
        });
        await expect(request).rejects.toBeInstanceOf(DatabaseUnavailableError);

        await outage.up();
        const { rows } = await sql<{ one: number }>`select 1 as one`.execute(relayed);
        expect(Number(rows[0]?.one)).toBe(1);
      } finally {
        await relayed.destroy();
        await outage.down();
      }
    });
  });

if (dialect === "postgres")
  describe("Postgres settings that hold through a pooler in transaction mode", () => {
    // The pool sends no startup parameter (PgBouncer refuses them); the
    // database's own setting, from a migration, gives every server connection
    // the 5 s limit (docs/decisions/0041-pgbouncer.md).
    it("every connection has the database's 5 s statement_timeout", async () => {
      const answers = await Promise.all(
        Array.from({ length: 12 }, () => sql<{ statement_timeout: string }>`show statement_timeout`.execute(db)),
      );
      expect(answers.map(({ rows }) => rows[0]?.statement_timeout)).toEqual(Array(12).fill("5s"));
    });

    if (process.env.TEST_POOLER === "pgbouncer")
      it("goes through PgBouncer, which refuses a startup parameter such as the pool once sent", async () => {
        const client = new pg.Client({ connectionString: url, statement_timeout: 5_000 });
        await expect(client.connect()).rejects.toThrow(/unsupported startup parameter/i);
        await client.end().catch(() => {});
      });
  });
