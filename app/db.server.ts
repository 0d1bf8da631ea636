import { data } from "@remix-run/node";
import { createDatabase, dialectOf, type DatabaseUnavailableError, type Dialect } from "#db/database.server";
import { config } from "#app/config.server";

// The app's one database instance, made from its configuration. Only domain
// modules (app/<domain>/*.server.ts) import it; routes reach the database
// through them.

/**
 * A database that cannot be reached is a 503 with a fixed message (the
 * cause goes to the log), not a 500: Remix renders a thrown data() with its
 * status, and entry.server.tsx adds Retry-After to every 503.
 */
function serviceUnavailable(error: DatabaseUnavailableError) {
  console.error(error.message);
  return data("Cardfile's database is unavailable. Try again in a few seconds.", { status: 503, statusText: "Service Unavailable" });
}

export const dialect: Dialect = dialectOf(config.DATABASE_URL);

export const db = createDatabase(config.DATABASE_URL, { onUnavailable: serviceUnavailable });
