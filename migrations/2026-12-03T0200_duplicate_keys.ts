import { sql, SqliteAdapter, type Kysely } from "kysely";

// Likely duplicates (issue 13): each contact's phone as its digits without
// formatting or a leading country code, and its email as its provider reads
// it (Gmail ignores dots and +tags), stored and indexed per account, so that
// /contacts/duplicates finds contacts sharing one with an index, as it does
// those sharing a folded name (name_sort's index). See
// docs/decisions/0037-duplicates-and-merge.md.

// Frozen copies of app/contacts/duplicate-keys.ts as of this migration.
function phoneKey(phone: string | null): string | null {
  if (phone === null) return null;
  const digits = phone.replace(/\D/g, "");
  return digits.length < 6 ? null : digits.slice(-9);
}

const DOTS_AND_TAGS = new Set(["gmail.com", "googlemail.com"]);
const TAGS = new Set(["outlook.com", "hotmail.com", "live.com", "icloud.com", "me.com", "fastmail.com", "proton.me", "protonmail.com"]);

function emailDedupeKey(email: string | null): string | null {
  if (email === null) return null;
  const at = email.lastIndexOf("@");
  if (at < 1) return null;
  let local = email.slice(0, at).normalize("NFC").toLowerCase();
  let domain = email
    .slice(at + 1)
    .normalize("NFC")
    .toLowerCase();
  if (!DOTS_AND_TAGS.has(domain) && !TAGS.has(domain)) return null;
  local = local.replace(/\+.*$/, "");
  if (DOTS_AND_TAGS.has(domain)) {
    local = local.replace(/\./g, "");
    domain = "gmail.com";
  }
  return local ? `${local}@${domain}` : null;
}

const BATCH = 5000;

export async function up(db: Kysely<any>): Promise<void> {
  const sqlite = db.getExecutor().adapter instanceof SqliteAdapter;
  const binary = sqlite ? sql`` : sql`collate "C"`;
  await sql`alter table contacts add column phone_key text ${binary}`.execute(db);
  await sql`alter table contacts add column email_dedupe_key text ${binary}`.execute(db);

  let after = "";
  for (;;) {
    const rows: { id: string; phone: string | null; email: string | null }[] = await db
      .selectFrom("contacts")
      .select(["id", "phone", "email"])
      .where("id", ">", after)
      .orderBy("id")
      .limit(BATCH)
      .execute();
    if (rows.length === 0) break;
    const keys = rows
      .map((row) => ({ id: row.id, p: phoneKey(row.phone), e: emailDedupeKey(row.email) }))
      .filter((key) => key.p !== null || key.e !== null);
    if (keys.length && sqlite) {
      await sql`update contacts set phone_key = k.value ->> 'p', email_dedupe_key = k.value ->> 'e'
        from json_each(${JSON.stringify(keys)}) as k where contacts.id = k.value ->> 'id'`.execute(db);
    } else if (keys.length) {
      await sql`update contacts set phone_key = k.p, email_dedupe_key = k.e
        from json_to_recordset(${JSON.stringify(keys)}::json) as k(id text, p text, e text) where contacts.id = k.id`.execute(db);
    }
    after = rows[rows.length - 1]!.id;
  }

  await db.schema
    .createIndex("contacts_owner_phone_key_idx")
    .on("contacts")
    .expression(sql`owner_id, phone_key, id`)
    .where(sql<boolean>`deleted_at is null and phone_key is not null`)
    .execute();
  await db.schema
    .createIndex("contacts_owner_email_dedupe_idx")
    .on("contacts")
    .expression(sql`owner_id, email_dedupe_key, id`)
    .where(sql<boolean>`deleted_at is null and email_dedupe_key is not null`)
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex("contacts_owner_email_dedupe_idx").execute();
  await db.schema.dropIndex("contacts_owner_phone_key_idx").execute();
  await db.schema.alterTable("contacts").dropColumn("email_dedupe_key").execute();
  await db.schema.alterTable("contacts").dropColumn("phone_key").execute();
}
