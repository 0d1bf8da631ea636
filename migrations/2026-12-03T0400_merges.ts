import type { Kysely } from "kysely";

// A merge of duplicates (issue 13), kept while it can be undone: which
// contact was kept and what it was before (its fields, labels and star, as
// JSON), the version the merge gave it (the Undo applies only while it is
// still at it), and the contacts it moved to the trash with the time they
// share. The maintenance job removes a merge once its Undo has expired;
// purging the kept contact removes it too. See
// docs/decisions/0037-duplicates-and-merge.md.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable("merges")
    .addColumn("id", "text", (col) => col.primaryKey())
    .addColumn("owner_id", "text", (col) => col.notNull().references("users.id").onDelete("cascade"))
    .addColumn("kept_id", "text", (col) => col.notNull().references("contacts.id").onDelete("cascade"))
    .addColumn("kept_version", "integer", (col) => col.notNull())
    .addColumn("before", "text", (col) => col.notNull())
    .addColumn("trashed_ids", "text", (col) => col.notNull())
    .addColumn("created_at", "bigint", (col) => col.notNull())
    .execute();
  await db.schema.createIndex("merges_created_at_idx").on("merges").column("created_at").execute();
  await db.schema.createIndex("merges_kept_idx").on("merges").column("kept_id").execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable("merges").execute();
}
