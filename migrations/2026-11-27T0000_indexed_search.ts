import { SqliteAdapter, sql, type Kysely } from "kysely";

// Search served by an index (docs/decisions/0019-indexed-search.md): SQLite
// FTS5 with the trigram tokenizer, Postgres pg_trgm with a GIN index, both
// over `contacts.search`. So that a one- or two-character query, which
// matches where a word starts, is long enough for a trigram index, `search`
// now carries two newlines before every word start; this migration marks the
// rows already there (the app's searchText marks every row it writes).

// ---- a frozen copy of markWords in app/contacts/search.ts (migrations never
// import app code; app/contacts/search.test.ts checks the two agree)

const UNSPACED =
  /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Hangul}\p{Script=Thai}\p{Script=Lao}\p{Script=Khmer}\p{Script=Myanmar}]/u;
const LETTER_OR_DIGIT = /[\p{L}\p{M}\p{N}]/u;

function isWordChar(c: string): boolean {
  const code = c.charCodeAt(0);
  if (code < 128) return (code >= 48 && code <= 57) || (code >= 97 && code <= 122) || (code >= 65 && code <= 90);
  return LETTER_OR_DIGIT.test(c) && !UNSPACED.test(c);
}

function isSpace(c: string): boolean {
  const code = c.charCodeAt(0);
  if (code < 128) return code === 32 || (code >= 9 && code <= 13);
  return /\s/u.test(c);
}

export function markWords(text: string): string {
  let marked = "";
  let previousIsWordChar = false;
  for (const c of text) {
    const wordChar = isWordChar(c);
    if (!isSpace(c) && (!wordChar || !previousIsWordChar)) marked += "\n\n";
    marked += c;
    previousIsWordChar = wordChar;
  }
  return marked;
}

// ----

// The FTS index follows the table through triggers, inside the transaction of
// every write. It holds deleted contacts too (search reads live ones only): a
// soft delete and its undo change nothing in it; the purge removes rows.
// app/contacts/search-index.server.ts (bulkLoad) drops and recreates these
// same triggers: keep the two copies alike (db/indexes.db.test.ts compares
// them with what the database holds).
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

function isSqlite(db: Kysely<any>): boolean {
  return db.getExecutor().adapter instanceof SqliteAdapter;
}

/** Rewrites `search` of every contact, a thousand at a time. */
async function rewriteSearch(db: Kysely<any>, rewrite: (search: string) => string): Promise<void> {
  let after = "";
  for (;;) {
    const rows: { id: string; search: string }[] = await db
      .selectFrom("contacts")
      .select(["id", "search"])
      .where("id", ">", after)
      .orderBy("id")
      .limit(1000)
      .execute();
    for (const row of rows) {
      await db
        .updateTable("contacts")
        .set({ search: rewrite(row.search) })
        .where("id", "=", row.id)
        .execute();
    }
    if (rows.length < 1000) return;
    after = rows[rows.length - 1]!.id;
  }
}

export async function up(db: Kysely<any>): Promise<void> {
  await rewriteSearch(db, markWords);
  if (isSqlite(db)) {
    // External content (the contacts table, by rowid): the index holds no
    // copy of the text. `detail=none` keeps it small but cannot tell whether
    // trigrams are adjacent, so the app checks every candidate with LIKE;
    // `columnsize=0`: no document lengths, which only ranking would use.
    // case_sensitive 1: the text is folded already, by the application.
    await sql`create virtual table contacts_fts using fts5(
      search,
      content = 'contacts',
      tokenize = 'trigram case_sensitive 1',
      detail = 'none',
      columnsize = 0
    )`.execute(db);
    await sql`insert into contacts_fts (contacts_fts) values ('rebuild')`.execute(db);
    for (const trigger of SQLITE_TRIGGERS) await sql.raw(trigger).execute(db);
  } else {
    // Trusted since Postgres 13: the database's owner may create it.
    await sql`create extension if not exists pg_trgm`.execute(db);
    // Partial, like the list index: search reads live contacts only.
    await db.schema
      .createIndex("contacts_search_trgm_idx")
      .on("contacts")
      .using("gin")
      .expression(sql`search gin_trgm_ops`)
      .where(sql.ref("deleted_at"), "is", null)
      .execute();
  }
}

export async function down(db: Kysely<any>): Promise<void> {
  if (isSqlite(db)) {
    for (const name of ["contacts_fts_insert", "contacts_fts_delete", "contacts_fts_update"]) {
      await sql`drop trigger if exists ${sql.ref(name)}`.execute(db);
    }
    await sql`drop table if exists contacts_fts`.execute(db);
  } else {
    // pg_trgm stays: something else in the database may use it.
    await db.schema.dropIndex("contacts_search_trgm_idx").ifExists().execute();
  }
  // Every mark is two newlines; a field's own newline is followed by a mark.
  await rewriteSearch(db, (search) => search.replace(/\n\n/g, ""));
}
