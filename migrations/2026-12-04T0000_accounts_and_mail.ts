import type { Kysely } from "kysely";

// Accounts people can keep (issue 14, docs/decisions/0038-accounts-and-mail.md).
//
// outbox: a message waiting to be sent, written in the transaction of the
// change that causes it, with a "mail" job that sends it; the row goes once
// the mail server has taken it (its body may hold a live link).
//
// account_tokens: the one-time links sent by email (a password reset, a new
// address to confirm), stored as the SHA-256 of the token only, with when
// they expire, when they were used, and which submission asked for them and
// which used them (a repeat of either gets the first answer).
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable("outbox")
    .addColumn("id", "text", (col) => col.primaryKey())
    .addColumn("user_id", "text", (col) => col.notNull().references("users.id").onDelete("cascade"))
    .addColumn("to_address", "text", (col) => col.notNull())
    .addColumn("subject", "text", (col) => col.notNull())
    .addColumn("text_body", "text", (col) => col.notNull())
    .addColumn("html_body", "text", (col) => col.notNull())
    .addColumn("created_at", "bigint", (col) => col.notNull())
    .execute();
  await db.schema.createIndex("outbox_user_idx").on("outbox").column("user_id").execute();

  await db.schema
    .createTable("account_tokens")
    .addColumn("id", "text", (col) => col.primaryKey())
    .addColumn("user_id", "text", (col) => col.notNull().references("users.id").onDelete("cascade"))
    .addColumn("purpose", "text", (col) => col.notNull())
    .addColumn("token_hash", "text", (col) => col.notNull().unique())
    .addColumn("new_email", "text")
    .addColumn("created_at", "bigint", (col) => col.notNull())
    .addColumn("expires_at", "bigint", (col) => col.notNull())
    .addColumn("used_at", "bigint")
    .addColumn("requested_with", "text")
    .addColumn("used_with", "text")
    .execute();
  await db.schema.createIndex("account_tokens_user_idx").on("account_tokens").columns(["user_id", "purpose"]).execute();
  await db.schema.createIndex("account_tokens_expires_idx").on("account_tokens").column("expires_at").execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable("account_tokens").execute();
  await db.schema.dropTable("outbox").execute();
}
