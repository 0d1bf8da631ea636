import { SqliteAdapter, sql, type Kysely } from "kysely";

// A contact's email becomes optional (docs/decisions/0029): real address
// books are full of phone-only and company-only contacts. `email` and
// `email_key` may be null; a present address is still unique per account,
// ignoring case, among live contacts.
//
// Postgres drops the NOT NULL constraints in place. SQLite cannot, so the
// table is rebuilt the way SQLite's documentation prescribes (create the new
// table, copy, drop the old one, rename), keeping every rowid: the search
// index (contacts_fts, external content by rowid) stays valid as it is, and
// only its triggers and the table's indexes are made again.

function isSqlite(db: Kysely<any>): boolean {
  return db.getExecutor().adapter instanceof SqliteAdapter;
}

// A frozen copy of the search index's triggers (2026-11-27T0000_indexed_search).
const SQLITE_TRIGGERS = [
  `create trigger contacts_fts_insert after insert on contacts begin
    insert into contacts_fts (rowid, search) values (new.rowid, new.search);
  end`,
  `create trigger contacts_fts_delete after delete on contacts begin
    insert into contacts_fts (contacts_fts, rowid, search) values ('delete', old.rowid, old.search);
  end`,
  `create trigger contacts_fts_update after update of search on contacts when old.search is not new.search begin
    insert into contacts_fts (contacts_fts, rowid, search) values ('delete', old.rowid, old.search);
    insert into contacts_fts (rowid, search) values (new.rowid, new.search);
  end`,
];

const COLUMNS = "id, owner_id, name, email, email_key, company, phone, notes, search, version, created_at, updated_at, deleted_at";

/** The contacts table, with email and email_key NOT NULL as `required` says, rebuilt on SQLite. */
async function rebuildSqliteContacts(db: Kysely<any>, { emailRequired }: { emailRequired: boolean }): Promise<void> {
  const notNull = emailRequired ? " not null" : "";
  await db.transaction().execute(async (trx) => {
    for (const name of ["contacts_fts_insert", "contacts_fts_delete", "contacts_fts_update"]) {
      await sql`drop trigger if exists ${sql.ref(name)}`.execute(trx);
    }
    await sql
      .raw(
        `create table contacts_rebuilt (
          id text primary key,
          owner_id text not null references users (id) on delete cascade,
          name text not null,
          email text${notNull},
          email_key text${notNull},
          company text,
          phone text,
          notes text,
          search text not null,
          version integer default 1 not null,
          created_at bigint not null,
          updated_at bigint not null,
          deleted_at bigint
        )`,
      )
      .execute(trx);
    await sql.raw(`insert into contacts_rebuilt (rowid, ${COLUMNS}) select rowid, ${COLUMNS} from contacts`).execute(trx);
    await sql`drop table contacts`.execute(trx);
    await sql`alter table contacts_rebuilt rename to contacts`.execute(trx);
    await createIndexes(trx, { emailRequired });
    for (const trigger of SQLITE_TRIGGERS) await sql.raw(trigger).execute(trx);
  });
}

/** The contacts table's indexes as of 2026-11-26T0500_soft_delete_contacts, the email one with or without its new condition. */
async function createIndexes(db: Kysely<any>, { emailRequired }: { emailRequired: boolean }): Promise<void> {
  await db.schema
    .createIndex("contacts_owner_email_key_idx")
    .on("contacts")
    .columns(["owner_id", "email_key"])
    .unique()
    // Only live contacts with an address hold one; nulls never collide.
    .where(emailRequired ? sql<boolean>`deleted_at is null` : sql<boolean>`deleted_at is null and email_key is not null`)
    .execute();
  await db.schema
    .createIndex("contacts_owner_created_idx")
    .on("contacts")
    .expression(sql`owner_id, created_at desc, id desc`)
    .where(sql.ref("deleted_at"), "is", null)
    .execute();
  await db.schema.createIndex("contacts_deleted_at_idx").on("contacts").column("deleted_at").where("deleted_at", "is not", null).execute();
}

export async function up(db: Kysely<any>): Promise<void> {
  if (isSqlite(db)) return rebuildSqliteContacts(db, { emailRequired: false });
  await db.schema
    .alterTable("contacts")
    .alterColumn("email", (col) => col.dropNotNull())
    .execute();
  await db.schema
    .alterTable("contacts")
    .alterColumn("email_key", (col) => col.dropNotNull())
    .execute();
  await db.schema.dropIndex("contacts_owner_email_key_idx").execute();
  await db.schema
    .createIndex("contacts_owner_email_key_idx")
    .on("contacts")
    .columns(["owner_id", "email_key"])
    .unique()
    .where(sql<boolean>`deleted_at is null and email_key is not null`)
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  // Contacts without an address cannot go back: they are removed.
  await db.deleteFrom("contacts").where("email_key", "is", null).execute();
  if (isSqlite(db)) return rebuildSqliteContacts(db, { emailRequired: true });
  await db.schema.dropIndex("contacts_owner_email_key_idx").execute();
  await db.schema
    .createIndex("contacts_owner_email_key_idx")
    .on("contacts")
    .columns(["owner_id", "email_key"])
    .unique()
    .where(sql.ref("deleted_at"), "is", null)
    .execute();
  await db.schema
    .alterTable("contacts")
    .alterColumn("email", (col) => col.setNotNull())
    .execute();
  await db.schema
    .alterTable("contacts")
    .alterColumn("email_key", (col) => col.setNotNull())
    .execute();
}
