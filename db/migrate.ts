import { readdir } from "node:fs/promises";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { Migrator, type Kysely, type Migration, type MigrationProvider } from "kysely";

const migrationFolder = path.join(path.dirname(fileURLToPath(import.meta.url)), "../migrations");

/**
 * Every migrations/*.ts file, by name. Like Kysely's FileMigrationProvider,
 * but the import happens here, so it goes through whatever loads this file
 * (tsx for the CLI, Vite in tests) and TypeScript migrations just work.
 */
const provider: MigrationProvider = {
  async getMigrations() {
    const files = (await readdir(migrationFolder)).filter((f) => /\.ts$/.test(f) && !f.endsWith(".d.ts"));
    const migrations: Record<string, Migration> = {};
    for (const file of files) {
      migrations[file.replace(/\.ts$/, "")] = await import(/* @vite-ignore */ pathToFileURL(path.join(migrationFolder, file)).href);
    }
    return migrations;
  },
};

/** Applies every pending migration in migrations/, in file-name order. */
export async function migrateToLatest(db: Kysely<any>): Promise<string[]> {
  const migrator = new Migrator({ db, provider });
  const { error, results } = await migrator.migrateToLatest();
  if (error) throw error;
  return (results ?? []).map((r) => `${r.migrationName}: ${r.status}`);
}

/** Applies the migrations up to and including `name` (tests that check a migration on the data before it). */
export async function migrateTo(db: Kysely<any>, name: string): Promise<void> {
  const { error } = await new Migrator({ db, provider }).migrateTo(name);
  if (error) throw error;
}
