import { sql, type Kysely } from "kysely";

// Deleting a contact marks it (deleted_at, epoch milliseconds) so that it can
// be undone for a while; a periodic job removes marked rows for good after 30
// days. See docs/decisions/0015-soft-delete-and-undo.md.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable("contacts").addColumn("deleted_at", "bigint").execute();
  // Only live contacts hold an address: a deleted one's email can be reused,
  // and restoring it fails on this index if a live contact has taken it since.
  // Same name, now partial.
  await db.schema.dropIndex("contacts_owner_email_key_idx").execute();
  await db.schema
    .createIndex("contacts_owner_email_key_idx")
    .on("contacts")
    .columns(["owner_id", "email_key"])
    .unique()
    .where(sql.ref("deleted_at"), "is", null)
    .execute();
  // The list reads live contacts only: the same keyset index, partial, so
  // deleted rows cost the list nothing (and Postgres does not prefer the
  // partial email index plus a sort).
  await db.schema.dropIndex("contacts_owner_created_idx").execute();
  await db.schema
    .createIndex("contacts_owner_created_idx")
    .on("contacts")
    .expression(sql`owner_id, created_at desc, id desc`)
    .where(sql.ref("deleted_at"), "is", null)
    .execute();
  // The purge finds rows deleted before a cutoff, oldest first; only deleted
  // rows are in this index, so it stays small.
  await db.schema.createIndex("contacts_deleted_at_idx").on("contacts").column("deleted_at").where("deleted_at", "is not", null).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  // Before this migration a deleted contact was gone: finish those deletes,
  // or they would come back (and could break the full unique index).
  await db.deleteFrom("contacts").where("deleted_at", "is not", null).execute();
  await db.schema.dropIndex("contacts_deleted_at_idx").execute();
  await db.schema.dropIndex("contacts_owner_created_idx").execute();
  await db.schema.dropIndex("contacts_owner_email_key_idx").execute();
  await db.schema.alterTable("contacts").dropColumn("deleted_at").execute();
  await db.schema.createIndex("contacts_owner_email_key_idx").on("contacts").columns(["owner_id", "email_key"]).unique().execute();
  await db.schema
    .createIndex("contacts_owner_created_idx")
    .on("contacts")
    .expression(sql`owner_id, created_at desc, id desc`)
    .execute();
}
