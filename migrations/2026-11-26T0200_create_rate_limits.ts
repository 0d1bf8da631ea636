import type { Kysely } from "kysely";

// Fixed-window counters shared by every app process on this database: one row
// per (limit and subject, window), counted up atomically with an upsert.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable("rate_limits")
    .addColumn("key", "text", (col) => col.notNull())
    .addColumn("window_start", "bigint", (col) => col.notNull())
    .addColumn("count", "integer", (col) => col.notNull())
    .addPrimaryKeyConstraint("rate_limits_pkey", ["key", "window_start"])
    .execute();
  // Purging deletes every window that started before a cutoff: a range on
  // window_start, which the primary key (key first) cannot serve.
  await db.schema.createIndex("rate_limits_window_start_idx").on("rate_limits").column("window_start").execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable("rate_limits").execute();
}
