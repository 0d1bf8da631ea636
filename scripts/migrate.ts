import { migrateToLatest } from "#db/migrate";

// `npm run db:migrate` (and `npm start`): applies every pending migration to
// DATABASE_MIGRATION_URL (default DATABASE_URL) and prints each one. Behind a
// pooler in transaction mode, DATABASE_URL names the pooler and
// DATABASE_MIGRATION_URL the database itself (docs/decisions/0041-pgbouncer.md).
// The configuration is read on import (app/config.server.ts): a wrong value
// stops here with its message.
const { config, migrationUrl } = await import("#app/config.server");
const { createDatabase } = await import("#db/database.server");
const db = createDatabase(migrationUrl(config));
try {
  const applied = await migrateToLatest(db);
  console.log(applied.length ? applied.join("\n") : "migrations: up to date");
} catch (error) {
  console.error("migration failed:", error);
  process.exitCode = 1;
} finally {
  await db.destroy();
}
