import type { TestProject } from "vitest/node";
import { createDatabase } from "#db/database.server";
import { migrateToLatest } from "#db/migrate";
import { freshDatabase } from "#tests/fresh-database";
import { startPgBouncer } from "#tests/pgbouncer";

declare module "vitest" {
  export interface ProvidedContext {
    databaseUrl: string;
  }
}

// One database per suite run, migrated once; test files share it and stay
// apart by creating their own users (every query is scoped to its owner).
// The pgbouncer suite runs the Postgres suite's tests through PgBouncer in
// transaction mode: migrations go to the database directly (as
// DATABASE_MIGRATION_URL does in production), the tests through the pooler.
export default async function setup(project: TestProject) {
  const { url, drop } = await freshDatabase(project.config.env.TEST_DIALECT === "postgres" ? "postgres" : "sqlite");
  const db = createDatabase(url);
  await migrateToLatest(db);
  await db.destroy();
  if (project.config.env.TEST_POOLER !== "pgbouncer") {
    project.provide("databaseUrl", url);
    return drop;
  }
  const pooler = await startPgBouncer(url);
  project.provide("databaseUrl", pooler.url(url));
  return async () => {
    await pooler.stop();
    await drop();
  };
}
