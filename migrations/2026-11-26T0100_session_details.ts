import type { Kysely } from "kysely";

// The account page lists a user's sessions with the browser each came from,
// and expired sessions are deleted in bounded batches, oldest first.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable("sessions").addColumn("user_agent", "text").execute();
  await db.schema.createIndex("sessions_expires_at_idx").on("sessions").column("expires_at").execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex("sessions_expires_at_idx").execute();
  await db.schema.alterTable("sessions").dropColumn("user_agent").execute();
}
