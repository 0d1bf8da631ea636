import { migrateToLatest } from "#db/migrate";

// `npm run db:migrate` (and `npm start`): applies every pending migration to
// DATABASE_URL and prints each one. The configuration is read on import
// (app/config.server.ts): a wrong value stops here with its message.
const { db } = await import("#app/db.server");
try {
  const applied = await migrateToLatest(db);
  console.log(applied.length ? applied.join("\n") : "migrations: up to date");
} catch (error) {
  console.error("migration failed:", error);
  process.exitCode = 1;
} finally {
  await db.destroy();
}
