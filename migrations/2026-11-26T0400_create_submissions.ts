import type { Kysely } from "kysely";

// One-time submission keys: the first result of each (user, key), recorded in
// the same transaction as the write it describes.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable("submissions")
    .addColumn("user_id", "text", (col) => col.notNull().references("users.id").onDelete("cascade"))
    .addColumn("key", "text", (col) => col.notNull())
    .addColumn("form", "text", (col) => col.notNull())
    .addColumn("status", "integer", (col) => col.notNull())
    .addColumn("location", "text", (col) => col.notNull())
    .addColumn("set_cookie", "text")
    .addColumn("created_at", "bigint", (col) => col.notNull())
    .addPrimaryKeyConstraint("submissions_pkey", ["user_id", "key"])
    .execute();
  // Purging keys older than 24 hours.
  await db.schema.createIndex("submissions_created_at_idx").on("submissions").column("created_at").execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable("submissions").execute();
}
