import { promises as fs } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { FileMigrationProvider, Migrator, type Kysely } from "kysely";

const migrationFolder = path.join(path.dirname(fileURLToPath(import.meta.url)), "../migrations");

/** Applies every pending migration in migrations/, in file-name order. */
export async function migrateToLatest(db: Kysely<any>): Promise<string[]> {
  const migrator = new Migrator({
    db,
    provider: new FileMigrationProvider({ fs, path, migrationFolder }),
  });
  const { error, results } = await migrator.migrateToLatest();
  if (error) throw error;
  return (results ?? []).map((r) => `${r.migrationName}: ${r.status}`);
}

// `npm run db:migrate` (and `npm start`) run this file directly.
if (process.argv[1] && fileURLToPath(import.meta.url) === path.resolve(process.argv[1])) {
  const { db } = await import("./database.server");
  try {
    const applied = await migrateToLatest(db);
    console.log(applied.length ? applied.join("\n") : "migrations: up to date");
  } catch (error) {
    console.error("migration failed:", error);
    process.exitCode = 1;
  } finally {
    await db.destroy();
  }
}
