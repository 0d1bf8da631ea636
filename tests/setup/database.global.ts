import type { TestProject } from "vitest/node";
import { createDatabase } from "#db/database.server";
import { migrateToLatest } from "#db/migrate";
import { freshDatabase } from "#tests/fresh-database";

declare module "vitest" {
  export interface ProvidedContext {
    databaseUrl: string;
  }
}

// One database per suite run, migrated once; test files share it and stay
// apart by creating their own users (every query is scoped to its owner).
export default async function setup(project: TestProject) {
  const { url, drop } = await freshDatabase(project.config.env.TEST_DIALECT === "postgres" ? "postgres" : "sqlite");
  const db = createDatabase(url);
  await migrateToLatest(db);
  await db.destroy();
  project.provide("databaseUrl", url);
  return drop;
}
