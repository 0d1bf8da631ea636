import { sql, type Kysely } from "kysely";

// The trash (/contacts/trash) lists an account's deleted contacts, latest
// deletion first, by keyset over (deleted_at, id): an index of deleted rows
// only, per owner, so it stays small and costs live contacts nothing. The
// purge keeps contacts_deleted_at_idx (every account's, oldest first).
// See docs/decisions/0032-trash.md.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createIndex("contacts_owner_trash_idx")
    .on("contacts")
    .expression(sql`owner_id, deleted_at desc, id desc`)
    .where(sql.ref("deleted_at"), "is not", null)
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex("contacts_owner_trash_idx").execute();
}
