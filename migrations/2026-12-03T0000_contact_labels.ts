import type { Kysely } from "kysely";

// Which contacts carry which label (issue 13): one row per pair. Deleting a
// label or purging a contact deletes its pairs (cascade); moving a contact to
// the trash keeps them, so a restored contact comes back with its labels.
// The primary key finds a contact's labels; the label-first index finds a
// label's contacts (the list's ?label= filter and the counts on /labels).
// See docs/decisions/0034-labels.md.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable("contact_labels")
    .addColumn("contact_id", "text", (col) => col.notNull().references("contacts.id").onDelete("cascade"))
    .addColumn("label_id", "text", (col) => col.notNull().references("labels.id").onDelete("cascade"))
    .addPrimaryKeyConstraint("contact_labels_pkey", ["contact_id", "label_id"])
    .execute();
  await db.schema.createIndex("contact_labels_label_idx").on("contact_labels").columns(["label_id", "contact_id"]).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable("contact_labels").execute();
}
