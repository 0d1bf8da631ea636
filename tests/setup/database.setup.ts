import { afterAll, inject } from "vitest";

// Runs before each test file's imports: point the app's one Kysely instance
// at the database this suite created, and close it when the file is done.
process.env.DATABASE_URL = inject("databaseUrl");

afterAll(async () => {
  const { db } = await import("#app/db.server");
  await db.destroy();
});
