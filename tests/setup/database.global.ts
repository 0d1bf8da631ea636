import { randomBytes } from "node:crypto";
import { rmSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pg from "pg";
import type { TestProject } from "vitest/node";
import { createDatabase } from "#db/database.server";
import { migrateToLatest } from "#db/migrate";

declare module "vitest" {
  export interface ProvidedContext {
    databaseUrl: string;
  }
}

/** Where the Postgres suite creates (and afterwards drops) its own database. */
export const POSTGRES_ADMIN_URL = process.env.TEST_POSTGRES_URL ?? "postgres://postgres@127.0.0.1:5432/postgres";

// One database per suite run, migrated once; test files share it and stay
// apart by creating their own users (every query is scoped to its owner).
export default async function setup(project: TestProject) {
  const dialect = project.config.env.TEST_DIALECT;
  let url: string;
  let cleanup: () => Promise<void>;

  if (dialect === "postgres") {
    const name = `cardfile_test_${process.pid}_${randomBytes(4).toString("hex")}`;
    const admin = new pg.Client({ connectionString: POSTGRES_ADMIN_URL });
    await admin.connect();
    await admin.query(`create database ${name}`);
    await admin.end();
    const target = new URL(POSTGRES_ADMIN_URL);
    target.pathname = `/${name}`;
    url = target.toString();
    cleanup = async () => {
      const client = new pg.Client({ connectionString: POSTGRES_ADMIN_URL });
      await client.connect();
      await client.query(`drop database if exists ${name} with (force)`);
      await client.end();
    };
  } else {
    const dir = mkdtempSync(join(tmpdir(), "cardfile-test-"));
    url = `file:${join(dir, "test.sqlite")}`;
    cleanup = async () => rmSync(dir, { recursive: true, force: true });
  }

  const db = createDatabase(url);
  await migrateToLatest(db);
  await db.destroy();
  project.provide("databaseUrl", url);
  return cleanup;
}
