import { sql, type Kysely } from "kysely";

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable("contacts")
    .addColumn("id", "text", (col) => col.primaryKey())
    .addColumn("owner_id", "text", (col) => col.notNull().references("users.id").onDelete("cascade"))
    .addColumn("name", "text", (col) => col.notNull())
    .addColumn("email", "text", (col) => col.notNull())
    .addColumn("email_key", "text", (col) => col.notNull())
    .addColumn("company", "text")
    .addColumn("phone", "text")
    .addColumn("notes", "text")
    .addColumn("search", "text", (col) => col.notNull())
    .addColumn("version", "integer", (col) => col.notNull().defaultTo(1))
    .addColumn("created_at", "bigint", (col) => col.notNull())
    .addColumn("updated_at", "bigint", (col) => col.notNull())
    .execute();
  // One account cannot hold the same address twice, ignoring case: email_key
  // is the address folded by the application, identically for both databases.
  await db.schema.createIndex("contacts_owner_email_key_idx").on("contacts").columns(["owner_id", "email_key"]).unique().execute();
  // The list: newest first, keyset-paginated on (created_at, id).
  await db.schema
    .createIndex("contacts_owner_created_idx")
    .on("contacts")
    .expression(sql`owner_id, created_at desc, id desc`)
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable("contacts").execute();
}
