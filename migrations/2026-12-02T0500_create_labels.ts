import type { Kysely } from "kysely";

// An account's labels (issue 13): a name of 1 to 50 characters, unique per
// account ignoring case (name_key, folded like emails: NFC, lower case).
// Which contacts carry which label comes with the labels' assignment.
// See docs/decisions/0034-labels.md.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable("labels")
    .addColumn("id", "text", (col) => col.primaryKey())
    .addColumn("owner_id", "text", (col) => col.notNull().references("users.id").onDelete("cascade"))
    .addColumn("name", "text", (col) => col.notNull())
    .addColumn("name_key", "text", (col) => col.notNull())
    .addColumn("created_at", "bigint", (col) => col.notNull())
    .addColumn("updated_at", "bigint", (col) => col.notNull())
    .execute();
  // Unique per account ignoring case; also the index that finds an account's labels.
  await db.schema.createIndex("labels_owner_name_key_idx").on("labels").columns(["owner_id", "name_key"]).unique().execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable("labels").execute();
}
