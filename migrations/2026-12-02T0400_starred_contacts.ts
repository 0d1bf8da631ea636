import { sql, type Kysely } from "kysely";

// A contact can be starred (issue 13): starred_at is when (epoch ms), null
// when it is not. A time rather than a boolean: the same type on SQLite and
// Postgres, and a star's age for free. /contacts?starred=1 reads the starred
// contacts newest first from an index of them alone, so its page 1,000 costs
// what page 1 does however few of the account's contacts are starred.
// See docs/decisions/0033-starred.md.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable("contacts").addColumn("starred_at", "bigint").execute();
  await db.schema
    .createIndex("contacts_owner_starred_idx")
    .on("contacts")
    .expression(sql`owner_id, created_at desc, id desc`)
    .where(sql<boolean>`deleted_at is null and starred_at is not null`)
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex("contacts_owner_starred_idx").execute();
  await db.schema.alterTable("contacts").dropColumn("starred_at").execute();
}
