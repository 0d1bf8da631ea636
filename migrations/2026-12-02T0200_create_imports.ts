import { SqliteAdapter, sql, type Kysely } from "kysely";

// Imports of CSV and vCard files (docs/decisions/0029). The uploaded file is
// kept in the database, in chunks, like every other state: any process on the
// database can run or resume the import, and nothing is on one machine's disk.

function isSqlite(db: Kysely<any>): boolean {
  return db.getExecutor().adapter instanceof SqliteAdapter;
}

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable("imports")
    .addColumn("id", "text", (col) => col.primaryKey())
    .addColumn("owner_id", "text", (col) => col.notNull().references("users.id").onDelete("cascade"))
    // uploading (chunks arriving), review, queued, running, done, failed
    .addColumn("state", "text", (col) => col.notNull())
    .addColumn("file_name", "text", (col) => col.notNull())
    .addColumn("size", "bigint", (col) => col.notNull())
    .addColumn("format", "text")
    .addColumn("encoding", "text")
    .addColumn("delimiter", "text")
    // JSON: the column names, and each column's target (or null)
    .addColumn("columns", "text", (col) => col.notNull().defaultTo("[]"))
    .addColumn("mapping", "text", (col) => col.notNull().defaultTo("[]"))
    // skip or update the contacts whose email the account already has
    .addColumn("on_duplicate", "text", (col) => col.notNull().defaultTo("skip"))
    // how far the import has got: records read (a resumed run skips them) and the bytes they came from
    .addColumn("records_done", "integer", (col) => col.notNull().defaultTo(0))
    .addColumn("bytes_done", "bigint", (col) => col.notNull().defaultTo(0))
    .addColumn("created_count", "integer", (col) => col.notNull().defaultTo(0))
    .addColumn("updated_count", "integer", (col) => col.notNull().defaultTo(0))
    .addColumn("skipped_count", "integer", (col) => col.notNull().defaultTo(0))
    .addColumn("rejected_count", "integer", (col) => col.notNull().defaultTo(0))
    .addColumn("error", "text")
    .addColumn("created_at", "bigint", (col) => col.notNull())
    .addColumn("updated_at", "bigint", (col) => col.notNull())
    .addColumn("finished_at", "bigint")
    .execute();
  await db.schema.createIndex("imports_owner_created_idx").on("imports").columns(["owner_id", "created_at"]).execute();
  // The purge: finished imports, and uploads that never finished, oldest first.
  await db.schema.createIndex("imports_updated_idx").on("imports").column("updated_at").execute();

  await db.schema
    .createTable("import_chunks")
    .addColumn("import_id", "text", (col) => col.notNull().references("imports.id").onDelete("cascade"))
    .addColumn("seq", "integer", (col) => col.notNull())
    .addColumn("data", isSqlite(db) ? "blob" : "bytea", (col) => col.notNull())
    .addPrimaryKeyConstraint("import_chunks_pk", ["import_id", "seq"])
    .execute();

  await db.schema
    .createTable("import_rejects")
    .addColumn("import_id", "text", (col) => col.notNull().references("imports.id").onDelete("cascade"))
    // the record's number in the file (a CSV row's line, a card's position)
    .addColumn("record", "integer", (col) => col.notNull())
    .addColumn("reason", "text", (col) => col.notNull())
    // JSON: the record's values by column, as read
    .addColumn("values", "text", (col) => col.notNull())
    .addPrimaryKeyConstraint("import_rejects_pk", ["import_id", "record"])
    .execute();

  // An import matches contacts without an email by name (and phone): only
  // those are in this index, so it costs the others nothing.
  await db.schema
    .createIndex("contacts_owner_no_email_name_idx")
    .on("contacts")
    .columns(["owner_id", "name"])
    .where(sql<boolean>`email_key is null and deleted_at is null`)
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex("contacts_owner_no_email_name_idx").execute();
  await db.schema.dropTable("import_rejects").execute();
  await db.schema.dropTable("import_chunks").execute();
  await db.schema.dropTable("imports").execute();
}
