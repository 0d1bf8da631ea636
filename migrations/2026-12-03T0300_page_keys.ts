import type { Kysely } from "kysely";

// A form's submission key that stays the same from one rendering of its page
// to the next until it is used (the list's bulk form): the list page is then
// the same bytes while nothing changed, and keeps its ETag and its 304s
// (decision 0024), where a fresh key each time would make every visit new.
// One row per user and form, written when its key is used; no row: the
// key derived from the user and the form. See docs/decisions/0036-bulk-actions.md.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable("page_keys")
    .addColumn("user_id", "text", (col) => col.notNull().references("users.id").onDelete("cascade"))
    .addColumn("form", "text", (col) => col.notNull())
    .addColumn("key", "text", (col) => col.notNull())
    .addPrimaryKeyConstraint("page_keys_pkey", ["user_id", "form"])
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable("page_keys").execute();
}
