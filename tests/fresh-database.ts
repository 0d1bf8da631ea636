import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pg from "pg";

/** Where the Postgres suite creates (and afterwards drops) its own databases. */
export const POSTGRES_ADMIN_URL = process.env.TEST_POSTGRES_URL ?? "postgres://postgres@127.0.0.1:5432/postgres";

/**
 * An empty database of its own, for a suite run (tests/setup) or a test that
 * needs one from scratch (a migration's own test): a temporary SQLite file,
 * or a new Postgres database on the test server. `drop` removes it.
 */
export async function freshDatabase(dialect: "sqlite" | "postgres"): Promise<{ url: string; drop: () => Promise<void> }> {
  if (dialect === "postgres") {
    const name = `cardfile_test_${process.pid}_${randomBytes(4).toString("hex")}`;
    const admin = new pg.Client({ connectionString: POSTGRES_ADMIN_URL });
    await admin.connect();
    await admin.query(`create database ${name}`);
    await admin.end();
    const target = new URL(POSTGRES_ADMIN_URL);
    target.pathname = `/${name}`;
    return {
      url: target.toString(),
      async drop() {
        const client = new pg.Client({ connectionString: POSTGRES_ADMIN_URL });
        await client.connect();
        await client.query(`drop database if exists ${name} with (force)`);
        await client.end();
      },
    };
  }
  const dir = mkdtempSync(join(tmpdir(), "cardfile-test-"));
  return { url: `file:${join(dir, "test.sqlite")}`, drop: async () => rmSync(dir, { recursive: true, force: true }) };
}
