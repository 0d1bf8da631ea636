// @ts-check
// The bench's `baseline`: Cardfile's pages with no framework. node:http,
// better-sqlite3 or pg (by DATABASE_URL, as Cardfile chooses), the same
// session check and the same SQL as the app, HTML from template strings. It
// is what these pages cost at the least, the practical limit Cardfile is
// measured against (docs/decisions/0021-benchmark.md).
//
// It imports nothing from app/ on purpose: it must stay framework-free, so
// the rules and the SQL are copied. The SQL is the text Kysely builds for the
// app, character for character, with the same parameters in the same order,
// and every search runs the same plan as the app's for the same query. Keep
// it in step with:
// - app/contacts/contacts.server.ts: PAGE_SIZE, SEARCH_PLAN, listContacts,
//   pageRows, sqliteSearchRows, postgresSearchRows, pageQuery,
//   candidateQuery, walkQuery, gatherQuery, bitmapScansOnly, walkStop,
//   beyond, ofOwner, matching, inPageOrder, keyCompared, getContact,
//   createContact;
// - app/contacts/search.ts: foldForSearch, searchText, normalizeQuery,
//   SUBSTRING_MIN_LENGTH, markWords (with isWordChar and isSpace),
//   searchFilter, trigrams, trigramMatch;
// - app/contacts/cursor.ts: encodeCursor, decodeCursor;
// - app/auth/session.server.ts: lookUpUser (getUser);
// - db/database.server.ts: openSqlite's settings, createDatabase's pool and
//   Kysely's Postgres transaction (start transaction isolation level …);
// - app/routes/contacts._index.tsx, contacts.$contactId._index.tsx and
//   app/root.tsx for the HTML, roughly.
// The bench checks that the baseline lists the same contacts as Cardfile in
// every scenario.
import Database from "better-sqlite3";
import { createHash, randomBytes } from "node:crypto";
import { createServer } from "node:http";
import pg from "pg";

const BODY_LIMIT_BYTES = 64 * 1024;
const SESSION_COOKIE = "cardfile_session";
const ID = /^[A-Za-z0-9_-]{22}$/;

/**
 * @typedef {Record<string, any>} Row
 * @typedef {{ all(sql: string, params: unknown[]): Promise<Row[]> }} Reader
 * @typedef {Reader & {
 *   run(sql: string, params: unknown[]): Promise<void>;
 *   snapshot<T>(read: (reader: Reader) => Promise<T>): Promise<T>;
 *   close(): Promise<void>;
 * }} Client
 */

/** @param {string} url @returns {Client} */
function openPostgres(url) {
  // Cardfile's pool (db/database.server.ts createDatabase); bigint as number.
  const pool = new pg.Pool({
    connectionString: url,
    max: 10,
    connectionTimeoutMillis: 1_000,
    statement_timeout: 5_000,
    query_timeout: 6_000,
    idleTimeoutMillis: 30_000,
  });
  pool.on("error", (error) => console.error(`database connection lost: ${error.message}`));
  pg.types.setTypeParser(20, Number);
  /** @type {Map<string, string>} */
  const numbered = new Map();
  /** `?` placeholders become $1, $2, … (no `?` appears in the SQL otherwise) */
  const toPg = (/** @type {string} */ sql) => {
    let text = numbered.get(sql);
    if (text === undefined) {
      let n = 0;
      text = sql.replace(/\?/g, () => `$${++n}`);
      numbered.set(sql, text);
    }
    return text;
  };
  return {
    async all(sql, params) {
      return (await pool.query(toPg(sql), params)).rows;
    },
    async run(sql, params) {
      await pool.query(toPg(sql), params);
    },
    // contacts.server.ts postgresSearchRows: one repeatable-read transaction,
    // begun as Kysely begins it (db.transaction().setIsolationLevel(…)).
    async snapshot(read) {
      const client = await pool.connect();
      try {
        await client.query("start transaction isolation level repeatable read");
        const result = await read({ all: async (sql, params) => (await client.query(toPg(sql), params)).rows });
        await client.query("commit");
        return result;
      } catch (error) {
        await client.query("rollback").catch(() => {});
        throw error;
      } finally {
        client.release();
      }
    },
    close: () => pool.end(),
  };
}

/** @param {string} path @returns {Client} */
function openSqlite(path) {
  // Cardfile's settings (db/database.server.ts openSqlite), and its prepared statements kept by text.
  const sqlite = new Database(path);
  sqlite.pragma("journal_mode = WAL");
  sqlite.pragma("foreign_keys = ON");
  sqlite.pragma("busy_timeout = 5000");
  sqlite.pragma("synchronous = NORMAL");
  /** @type {Map<string, Database.Statement>} */
  const statements = new Map();
  const prepare = (/** @type {string} */ sql) => {
    let statement = statements.get(sql);
    if (!statement) statements.set(sql, (statement = sqlite.prepare(sql)));
    return statement;
  };
  return {
    async all(sql, params) {
      return /** @type {Row[]} */ (prepare(sql).all(...params));
    },
    async run(sql, params) {
      prepare(sql).run(...params);
    },
    // One connection, one query at a time: SQLite's plans need no transaction.
    snapshot(read) {
      return read(this);
    },
    async close() {
      sqlite.close();
    },
  };
}

const url = process.env.DATABASE_URL ?? "file:./data/cardfile.sqlite";
/** db/database.server.ts dialectOf */
const dialect = /^postgres(ql)?:\/\//.test(url) ? "postgres" : "sqlite";
const db = dialect === "postgres" ? openPostgres(url) : openSqlite(url.replace(/^file:/, ""));

// --- app/contacts/search.ts, copied ---------------------------------------------

/** foldForSearch: NFC, then lower case. */
const foldForSearch = (/** @type {string} */ text) => text.normalize("NFC").toLowerCase();

/** searchText: the folded fields, one per line, word starts marked. */
const searchText = (/** @type {{ name: string; email: string; company: string | null }} */ fields) =>
  markWords(foldForSearch([fields.name, fields.email, fields.company ?? ""].join("\n")));

/** normalizeQuery: no control characters, trimmed, bounded. */
const normalizeQuery = (/** @type {string | null} */ q) =>
  (q ?? "")
    // eslint-disable-next-line no-control-regex -- the pattern is there to find control characters
    .replace(/[\u0000-\u001f\u007f-\u009f]/g, " ")
    .trim()
    .slice(0, 100);

/** Folded queries shorter than this many characters (code points) match at word starts only. */
const SUBSTRING_MIN_LENGTH = 3;
/** Marks a word start in `search`. */
const WORD_MARK = "\n\n";
const UNSPACED =
  /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Hangul}\p{Script=Thai}\p{Script=Lao}\p{Script=Khmer}\p{Script=Myanmar}]/u;
const LETTER_OR_DIGIT = /[\p{L}\p{M}\p{N}]/u;

/** isWordChar: a letter, mark or digit of a spaced script. */
function isWordChar(/** @type {string} */ c) {
  const code = c.charCodeAt(0);
  if (code < 128) return (code >= 48 && code <= 57) || (code >= 97 && code <= 122) || (code >= 65 && code <= 90);
  return LETTER_OR_DIGIT.test(c) && !UNSPACED.test(c);
}

/** isSpace */
function isSpace(/** @type {string} */ c) {
  const code = c.charCodeAt(0);
  if (code < 128) return code === 32 || (code >= 9 && code <= 13);
  return /\s/u.test(c);
}

/** markWords: `text` with WORD_MARK before every word start. */
function markWords(/** @type {string} */ text) {
  let marked = "";
  let previousIsWordChar = false;
  for (const c of text) {
    const wordChar = isWordChar(c);
    if (!isSpace(c) && (!wordChar || !previousIsWordChar)) marked += WORD_MARK;
    marked += c;
    previousIsWordChar = wordChar;
  }
  return marked;
}

/**
 * @typedef {{ short: boolean; pattern: string; indexed: string; narrow: string[] }} SearchFilter
 */

/**
 * searchFilter: how a normalized query matches `search` (a LIKE pattern; 1–2
 * characters only after a word mark), or null for none.
 * @returns {SearchFilter | null}
 */
function searchFilter(/** @type {string} */ query) {
  const folded = foldForSearch(query);
  if (folded === "") return null;
  const inner = markWords(folded).replace(/^\n\n/, "");
  const short = [...folded].length < SUBSTRING_MIN_LENGTH;
  const indexed = short ? WORD_MARK + inner : inner;
  const like = (/** @type {string} */ text) => `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
  // For Postgres's GIN index: the two longest pieces between marks (3+ characters).
  const pieces = indexed
    .split(WORD_MARK)
    .filter((piece) => [...piece].length >= 3)
    .sort((a, b) => [...b].length - [...a].length)
    .slice(0, 2);
  return { short, pattern: like(indexed), indexed, narrow: pieces.length > 0 ? pieces.map(like) : [like(indexed)] };
}

/** trigrams: the distinct three-character pieces (code points) of `text`. */
function trigrams(/** @type {string} */ text) {
  const chars = [...text];
  /** @type {Set<string>} */
  const pieces = new Set();
  for (let i = 0; i + 3 <= chars.length; i++) pieces.add(chars.slice(i, i + 3).join(""));
  return [...pieces];
}

/** trigramMatch: an FTS5 query for every trigram of `text`, those with a mark left out unless none remain. */
function trigramMatch(/** @type {string} */ text) {
  const all = trigrams(text);
  const unmarked = all.filter((piece) => !piece.includes("\n"));
  return (unmarked.length > 0 ? unmarked : all).map((piece) => `"${piece.replace(/"/g, '""')}"`).join(" AND ");
}

// --- app/contacts/cursor.ts, copied ---------------------------------------------

/** @typedef {{ direction: "older" | "newer"; createdAt: number; id: string }} Cursor */

/** encodeCursor */
function encodeCursor(/** @type {Cursor} */ cursor) {
  const d = cursor.direction === "older" ? "o" : "n";
  return `${d}${cursor.createdAt.toString(36)}.${cursor.id}`;
}

/** decodeCursor: the cursor, or null when it is missing or malformed. @returns {Cursor | null} */
function decodeCursor(/** @type {string | null} */ value) {
  const match = value ? /^([on])([0-9a-z]{1,11})\.([A-Za-z0-9_-]{22})$/.exec(value) : null;
  if (!match) return null;
  const createdAt = parseInt(/** @type {string} */ (match[2]), 36);
  if (!Number.isSafeInteger(createdAt)) return null;
  return { direction: match[1] === "o" ? "older" : "newer", createdAt, id: /** @type {string} */ (match[3]) };
}

const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
/** app/components/format.ts formatDate */
function formatDate(/** @type {number} */ ms) {
  const d = new Date(ms);
  const hh = String(d.getUTCHours()).padStart(2, "0");
  const mm = String(d.getUTCMinutes()).padStart(2, "0");
  return `${d.getUTCDate()} ${MONTHS[d.getUTCMonth()]} ${d.getUTCFullYear()}, ${hh}:${mm} UTC`;
}

// --- queries: the SQL Kysely builds for the app, text for text --------------------

/** app/auth/session.server.ts lookUpUser */
async function userOf(/** @type {import("node:http").IncomingMessage} */ req) {
  const token = cookie(req, SESSION_COOKIE);
  if (!token || token.length > 100) return null;
  const rows = await db.all(
    'select "users"."id", "users"."email" from "sessions" inner join "users" on "users"."id" = "sessions"."user_id" where "sessions"."token_hash" = ? and "sessions"."expires_at" > ?',
    [createHash("sha256").update(token).digest("hex"), Date.now()],
  );
  return /** @type {{ id: string; email: string } | null} */ (rows[0] ?? null);
}

/** contacts.server.ts PAGE_SIZE */
const PAGE_SIZE = 50;

/** contacts.server.ts SEARCH_PLAN: where the plans switch (decision 0019). */
const SEARCH_PLAN = {
  /** Plan 1 fetches and sorts at most this many candidates from the index (SQLite). */
  gatherLimit: 2000,
  /** Plan 2 reads at most this many contacts of the list. */
  walkLimit: 10_000,
};

/**
 * A piece of SQL and its parameters, in order.
 * @typedef {{ sql: string; params: unknown[] }} Sql
 * @typedef {{ created_at: number; id: string }} Key
 */

/** @returns {Sql} */
const sql = (/** @type {string} */ text, /** @type {unknown[]} */ ...params) => ({ sql: text, params });

/** The pieces joined by `separator`, their parameters in order. @returns {Sql} */
const join = (/** @type {Sql[]} */ pieces, separator = " ") => ({
  sql: pieces.map((piece) => piece.sql).join(separator),
  params: pieces.flatMap((piece) => piece.params),
});

/** `select columns from from where conditions order`, as Kysely writes it. */
const select = (/** @type {string} */ columns, /** @type {Sql} */ from, /** @type {Sql[]} */ conditions, /** @type {Sql} */ order) =>
  join([sql(`select ${columns} from`), from, sql("where"), join(conditions, " and "), order]);

/** Runs `query` with `reader` (the pool, or the snapshot's transaction). */
const run = (/** @type {Reader} */ reader, /** @type {Sql} */ query) => reader.all(query.sql, query.params);

/** contacts.server.ts SUMMARY_SELECTION: the summary columns, qualified. */
const SUMMARY_SELECTION = '"contacts"."id", "contacts"."name", "contacts"."email", "contacts"."company", "contacts"."created_at"';
const CONTACTS = sql('"contacts"');

/** contacts.server.ts keyCompared: (created_at, id), the list's order, compared with a row's. */
const keyCompared = (/** @type {Key} */ key, /** @type {"<" | ">" | "<=" | ">="} */ operator) =>
  sql(`(contacts.created_at, contacts.id) ${operator} (?, ?)`, key.created_at, key.id);

/** contacts.server.ts ofOwner: the owner's live contacts past the cursor. */
function ofOwner(/** @type {string} */ ownerId, /** @type {Cursor | null} */ cursor) {
  const conditions = [sql("contacts.owner_id = ?", ownerId), sql("contacts.deleted_at is null")];
  if (cursor) conditions.push(keyCompared({ created_at: cursor.createdAt, id: cursor.id }, cursor.direction === "newer" ? ">" : "<"));
  return conditions;
}

/** contacts.server.ts matching: the contacts that match the query. */
const matching = (/** @type {SearchFilter} */ filter) => sql("contacts.search like ? escape '\\'", filter.pattern);

/** contacts.server.ts inPageOrder: newest first (oldest first reading "newer"), at most `limit`. */
function inPageOrder(/** @type {Cursor | null} */ cursor, /** @type {number} */ limit) {
  const direction = cursor?.direction === "newer" ? "asc" : "desc";
  return sql(`order by contacts.created_at ${direction}, contacts.id ${direction} limit ?`, limit);
}

/** contacts.server.ts pageQuery: the plain scan along the list index; the list, and plan 2 on SQLite. */
function pageQuery(/** @type {string} */ ownerId, /** @type {SearchFilter | null} */ filter, /** @type {Cursor | null} */ cursor) {
  const conditions = ofOwner(ownerId, cursor);
  if (filter) conditions.push(matching(filter));
  return { conditions, order: inPageOrder(cursor, PAGE_SIZE + 1) };
}
const pageSql = (/** @type {ReturnType<typeof pageQuery>} */ { conditions, order }) =>
  select(SUMMARY_SELECTION, CONTACTS, conditions, order);

/** contacts.server.ts candidateQuery: up to `limit` FTS5 rowids holding every trigram of the query (SQLite). */
const candidateQuery = (/** @type {SearchFilter} */ filter, /** @type {number} */ limit) =>
  sql(
    'select rowid as "rowid" from contacts_fts as "contacts_fts" where contacts_fts match ? limit ?',
    trigramMatch(filter.indexed),
    limit,
  );

/**
 * contacts.server.ts walkQuery: plan 2, up to PAGE_SIZE + 1 matches walking
 * the list from the cursor; on SQLite no further than `stop`, on Postgres a
 * subquery with its own LIMIT (SEARCH_PLAN.walkLimit).
 */
function walkQuery(
  /** @type {string} */ ownerId,
  /** @type {SearchFilter} */ filter,
  /** @type {Cursor | null} */ cursor,
  /** @type {Key | undefined} */ stop = undefined,
) {
  if (dialect === "sqlite") {
    const page = pageQuery(ownerId, filter, cursor);
    if (stop !== undefined) page.conditions.push(keyCompared(stop, cursor?.direction === "newer" ? "<=" : ">="));
    return pageSql(page);
  }
  const newest = select(
    `${SUMMARY_SELECTION}, "contacts"."search"`,
    CONTACTS,
    ofOwner(ownerId, cursor),
    inPageOrder(cursor, SEARCH_PLAN.walkLimit),
  );
  return select(
    SUMMARY_SELECTION,
    sql(`(${newest.sql}) as "contacts"`, ...newest.params),
    [matching(filter)],
    inPageOrder(cursor, PAGE_SIZE + 1),
  );
}

/**
 * contacts.server.ts gatherQuery: plans 1 and 3, up to `limit` matches among
 * the index's candidates past the cursor, sorted. SQLite: the given rowids,
 * or else all of FTS5's, read first (CROSS JOIN). Postgres: after
 * bitmapScansOnly; GIN gets the `narrow` pieces, the whole pattern checks.
 */
function gatherQuery(
  /** @type {string} */ ownerId,
  /** @type {SearchFilter} */ filter,
  /** @type {Cursor | null} */ cursor,
  /** @type {number} */ limit,
  /** @type {number[] | undefined} */ candidates = undefined,
) {
  if (dialect === "sqlite" && candidates) {
    const given = sql('json_each(?) as "candidate" cross join "contacts"', JSON.stringify(candidates));
    return select(
      SUMMARY_SELECTION,
      given,
      [sql("contacts.rowid = candidate.value"), ...ofOwner(ownerId, cursor), matching(filter)],
      inPageOrder(cursor, limit),
    );
  }
  if (dialect === "sqlite") {
    const all = sql('contacts_fts as "contacts_fts" cross join "contacts"');
    const joined = sql("contacts.rowid = contacts_fts.rowid and contacts_fts match ?", trigramMatch(filter.indexed));
    return select(SUMMARY_SELECTION, all, [joined, ...ofOwner(ownerId, cursor), matching(filter)], inPageOrder(cursor, limit));
  }
  // Kysely's eb.and(): one condition as it is, more in parentheses.
  const pieces = filter.narrow.map((piece) => sql("contacts.search like ? escape '\\'", piece));
  const narrow = pieces.length === 1 ? /** @type {Sql} */ (pieces[0]) : join([sql("("), join(pieces, " and "), sql(")")], "");
  const whole = sql("(contacts.search || '') like ? escape '\\'", filter.pattern);
  return select(SUMMARY_SELECTION, CONTACTS, [...ofOwner(ownerId, cursor), narrow, whole], inPageOrder(cursor, limit));
}

/** contacts.server.ts bitmapScansOnly: for the rest of the transaction, bitmap scans only (the GIN index). */
const bitmapScansOnly = (/** @type {Reader} */ trx) =>
  trx.all("select set_config('enable_indexscan', 'off', true), set_config('enable_seqscan', 'off', true)", []);

/** contacts.server.ts walkStop: the key of the walkLimit-th contact from the cursor; none if the list ends first. */
async function walkStop(/** @type {Reader} */ reader, /** @type {string} */ ownerId, /** @type {Cursor | null} */ cursor) {
  const order = join([inPageOrder(cursor, 1), sql("offset ?", SEARCH_PLAN.walkLimit - 1)]);
  const rows = await run(reader, select('"contacts"."created_at", "contacts"."id"', CONTACTS, ofOwner(ownerId, cursor), order));
  return /** @type {Key | undefined} */ (rows[0]);
}

/** contacts.server.ts beyond: a cursor that continues past `stop`, in the direction of `cursor`. @returns {Cursor} */
const beyond = (/** @type {Key} */ stop, /** @type {Cursor | null} */ cursor) => ({
  direction: cursor?.direction ?? "older",
  createdAt: stop.created_at,
  id: stop.id,
});

/** contacts.server.ts pageRows: up to PAGE_SIZE + 1 rows in the cursor's direction, a search's plan chosen per query. */
function pageRows(/** @type {string} */ ownerId, /** @type {string} */ query, /** @type {Cursor | null} */ cursor) {
  const filter = searchFilter(query);
  if (!filter) return run(db, pageSql(pageQuery(ownerId, null, cursor)));
  return dialect === "sqlite" ? sqliteSearchRows(ownerId, filter, cursor) : postgresSearchRows(ownerId, filter, cursor);
}

/** contacts.server.ts sqliteSearchRows: FTS5 asked first; few candidates: plan 1; many: plan 2, then plan 3. @returns {Promise<Row[]>} */
async function sqliteSearchRows(/** @type {string} */ ownerId, /** @type {SearchFilter} */ filter, /** @type {Cursor | null} */ cursor) {
  const found = await run(db, candidateQuery(filter, SEARCH_PLAN.gatherLimit + 1));
  if (found.length === 0) return [];
  if (found.length <= SEARCH_PLAN.gatherLimit) {
    return run(
      db,
      gatherQuery(
        ownerId,
        filter,
        cursor,
        PAGE_SIZE + 1,
        found.map((/** @type {Row} */ row) => row.rowid),
      ),
    );
  }
  const stop = await walkStop(db, ownerId, cursor);
  const walked = await run(db, walkQuery(ownerId, filter, cursor, stop));
  if (stop === undefined || walked.length > PAGE_SIZE) return walked;
  const rest = await run(db, gatherQuery(ownerId, filter, beyond(stop, cursor), PAGE_SIZE + 1 - walked.length));
  return [...walked, ...rest];
}

/** contacts.server.ts postgresSearchRows: plan 2 first, then plan 3 with bitmap scans only, in one snapshot. @returns {Promise<Row[]>} */
function postgresSearchRows(/** @type {string} */ ownerId, /** @type {SearchFilter} */ filter, /** @type {Cursor | null} */ cursor) {
  return db.snapshot(async (trx) => {
    const walked = await run(trx, walkQuery(ownerId, filter, cursor));
    if (walked.length > PAGE_SIZE) return walked;
    const stop = await walkStop(trx, ownerId, cursor);
    if (stop === undefined) return walked;
    await bitmapScansOnly(trx);
    const rest = await run(trx, gatherQuery(ownerId, filter, beyond(stop, cursor), PAGE_SIZE + 1 - walked.length));
    return [...walked, ...rest];
  });
}

/**
 * contacts.server.ts listContacts: one page of the owner's contacts, newest
 * first, optionally searched; a malformed cursor reads the first page.
 * @returns {Promise<{ contacts: Row[]; older: string | null; newer: string | null }>}
 */
async function listContacts(
  /** @type {string} */ ownerId,
  /** @type {{ q?: string | null; cursor?: string | null }} */ { q, cursor: rawCursor } = {},
) {
  const query = normalizeQuery(q ?? null);
  const cursor = decodeCursor(rawCursor ?? null);
  const rows = await pageRows(ownerId, query, cursor);
  if (cursor?.direction === "newer" && rows.length === 0) {
    // Everything newer has gone (deleted): the first page is the right answer.
    return listContacts(ownerId, { q: query });
  }
  const hasMore = rows.length > PAGE_SIZE;
  const page = rows.slice(0, PAGE_SIZE);
  if (cursor?.direction === "newer") page.reverse();
  const first = page[0];
  const last = page[page.length - 1];
  const hasOlder = cursor?.direction === "newer" ? true : hasMore;
  const hasNewer = cursor?.direction === "newer" ? hasMore : cursor !== null;
  return {
    contacts: page,
    older: hasOlder && last ? encodeCursor({ direction: "older", createdAt: last.created_at, id: last.id }) : null,
    newer: hasNewer && first ? encodeCursor({ direction: "newer", createdAt: first.created_at, id: first.id }) : null,
  };
}

/** app/contacts/contacts.server.ts getContact */
async function getContact(/** @type {string} */ ownerId, /** @type {string} */ id) {
  const rows = await db.all(
    'select "id", "name", "email", "company", "created_at", "phone", "notes", "version", "updated_at" from "contacts" where "owner_id" = ? and "id" = ? and "deleted_at" is null',
    [ownerId, id],
  );
  return rows[0] ?? null;
}

/** app/auth/users.server.ts emailKey */
const emailKey = (/** @type {string} */ email) => email.normalize("NFC").toLowerCase();

/** app/contacts/contacts.server.ts createContact: the insert (without the app's rate limit and submission key) */
async function createContact(/** @type {string} */ ownerId, /** @type {ContactInput} */ input) {
  const id = randomBytes(16).toString("base64url");
  const now = Date.now();
  try {
    await db.run(
      'insert into "contacts" ("id", "owner_id", "name", "email", "email_key", "company", "phone", "notes", "search", "created_at", "updated_at") values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)',
      [id, ownerId, input.name, input.email, emailKey(input.email), input.company, input.phone, input.notes, searchText(input), now, now],
    );
  } catch (error) {
    const code = /** @type {{ code?: unknown }} */ (error).code;
    if (code === "SQLITE_CONSTRAINT_UNIQUE" || code === "23505") return null;
    throw error;
  }
  return id;
}

/**
 * @typedef {{ name: string; email: string; company: string | null; phone: string | null; notes: string | null }} ContactInput
 */

/** The essentials of app/contacts/contact-schema.ts, by hand. */
function parseContact(/** @type {URLSearchParams} */ form) {
  const text = (/** @type {string} */ name) => (form.get(name) ?? "").trim().normalize("NFC");
  const optional = (/** @type {string} */ name, /** @type {number} */ max) => {
    const v = text(name);
    return v.length > max ? undefined : v || null;
  };
  const input = {
    name: text("name"),
    email: text("email"),
    company: optional("company", 100),
    phone: optional("phone", 20),
    notes: optional("notes", 500),
  };
  const ok =
    input.name.length >= 1 &&
    input.name.length <= 100 &&
    input.email.length <= 255 &&
    /^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(input.email) &&
    input.company !== undefined &&
    input.phone !== undefined &&
    input.notes !== undefined;
  return ok ? /** @type {ContactInput} */ (input) : null;
}

// --- HTML ---------------------------------------------------------------------

const escape = (/** @type {unknown} */ value) => String(value).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

function page(/** @type {string} */ title, /** @type {{ email: string } | null} */ user, /** @type {string} */ body) {
  const nav = user
    ? `<nav aria-label="Account"><span class="who" title="Signed in as">${escape(user.email)}</span><a href="/account">Account</a><form method="post" action="/logout"><button type="submit" class="link-button">Log out</button></form></nav>`
    : "";
  return `<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><meta name="description" content="Cardfile, a small contacts CRM: names, emails, companies, phones and notes, searchable, on any network."><title>${escape(title)}</title><link rel="stylesheet" href="/styles.css"><link rel="icon" href="/favicon.svg" type="image/svg+xml"></head><body><a class="skip-link" href="#main">Skip to content</a><header class="site-header"><a class="brand" href="/">Cardfile</a>${nav}</header><main id="main">${body}</main></body></html>`;
}

function pageHref(/** @type {string} */ q, /** @type {string | null} */ cursor) {
  const params = new URLSearchParams();
  if (q) params.set("q", q);
  if (cursor) params.set("cursor", cursor);
  const search = params.toString();
  return search ? `/contacts?${search}` : "/contacts";
}

/**
 * app/routes/contacts._index.tsx: `q` as its loader shows it (trimmed),
 * `here` the page's own path and query (where a row's Delete returns to).
 */
function listPage(
  /** @type {{ email: string }} */ user,
  /** @type {string} */ q,
  /** @type {string} */ here,
  /** @type {Awaited<ReturnType<typeof listContacts>>} */ { contacts, older, newer },
) {
  const returnTo = new URLSearchParams({ returnTo: here }).toString();
  const rows = contacts
    .map(
      (c) =>
        `<li><a href="/contacts/${c.id}">${escape(c.name)}</a><span>${escape(c.email)}${c.company ? ` · ${escape(c.company)}` : ""}</span><time datetime="${new Date(Number(c.created_at)).toISOString()}">${formatDate(Number(c.created_at))}</time><a href="/contacts/${c.id}/delete?${escape(returnTo)}" aria-label="Delete ${escape(c.name)}">Delete</a></li>`,
    )
    .join("");
  const list =
    contacts.length === 0
      ? q
        ? `<p class="empty">No contacts match “${escape(q)}”. <a href="/contacts">Show all contacts</a></p>`
        : `<p class="empty">You have no contacts yet. <a href="/contacts/new">Create your first contact</a></p>`
      : `<ol class="contact-list" aria-label="${q ? `Contacts matching “${escape(q)}”` : "Contacts, newest first"}">${rows}</ol>`;
  const pager =
    newer || older
      ? `<nav class="pager" aria-label="Pages">${newer ? `<a href="${escape(pageHref(q, newer))}" rel="prev">← Newer</a>` : "<span></span>"}${older ? `<a href="${escape(pageHref(q, older))}" rel="next">Older →</a>` : ""}</nav>`
      : "";
  const body = `<section aria-labelledby="contacts-title"><div class="page-head"><h1 id="contacts-title">Contacts</h1><a class="button primary" href="/contacts/new">New contact</a></div><form method="get" action="/contacts" role="search" class="search"><label for="q">Search contacts</label><div class="search-row"><input id="q" name="q" type="search" value="${escape(q)}" placeholder="Name, email or company" maxlength="100"><button type="submit">Search</button></div></form>${list}${pager}</section>`;
  return page(q ? `“${q}” · Contacts · Cardfile` : "Contacts · Cardfile", user, body);
}

function field(
  /** @type {string} */ name,
  /** @type {string} */ label,
  /** @type {string} */ type,
  /** @type {number} */ max,
  required = false,
) {
  const attrs = `id="${name}" name="${name}" maxlength="${max}"${required ? " required" : ""}`;
  const input = type === "textarea" ? `<textarea ${attrs} rows="4"></textarea>` : `<input type="${type}" ${attrs} autocomplete="off">`;
  return `<div class="field"><label for="${name}">${label}${required ? "" : '<span class="optional"> (optional)</span>'}</label>${input}<div id="${name}-error" class="field-error" aria-live="polite"></div></div>`;
}

function newPage(/** @type {{ email: string }} */ user) {
  const form = `<form method="post" class="stack"><input type="hidden" name="submissionKey" value="${randomBytes(16).toString("base64url")}">${field("name", "Name", "text", 100, true)}${field("email", "Email", "email", 255, true)}${field("company", "Company", "text", 100)}${field("phone", "Phone", "tel", 20)}${field("notes", "Notes", "textarea", 500)}<div class="actions"><button type="submit" class="primary">Create contact</button></div></form>`;
  return page(
    "New contact · Cardfile",
    user,
    `<section class="narrow" aria-labelledby="new-title"><p class="back"><a href="/contacts">← Contacts</a></p><h1 id="new-title">New contact</h1>${form}</section>`,
  );
}

function detailPage(/** @type {{ email: string }} */ user, /** @type {Row} */ c) {
  const none = '<span class="none">—</span>';
  const created = Number(c.created_at);
  const updated = Number(c.updated_at);
  const body = `<article class="narrow" aria-labelledby="contact-title"><p class="back"><a href="/contacts">← Contacts</a></p><h1 id="contact-title">${escape(c.name)}</h1><dl class="details"><dt>Email</dt><dd><a href="mailto:${escape(c.email)}">${escape(c.email)}</a></dd><dt>Company</dt><dd>${c.company ? escape(c.company) : none}</dd><dt>Phone</dt><dd>${c.phone ? `<a href="tel:${escape(c.phone)}">${escape(c.phone)}</a>` : none}</dd><dt>Notes</dt><dd class="notes">${c.notes ? escape(c.notes) : none}</dd><dt>Added</dt><dd><time datetime="${new Date(created).toISOString()}">${formatDate(created)}</time></dd><dt>Last changed</dt><dd><time datetime="${new Date(updated).toISOString()}">${formatDate(updated)}</time></dd></dl><div class="actions"><a class="button primary" href="/contacts/${c.id}/edit">Edit</a><a class="button danger" href="/contacts/${c.id}/delete">Delete</a></div></article>`;
  return page(`${c.name} · Cardfile`, user, body);
}

// --- HTTP ---------------------------------------------------------------------

function cookie(/** @type {import("node:http").IncomingMessage} */ req, /** @type {string} */ name) {
  for (const part of (req.headers.cookie ?? "").split(";")) {
    const eq = part.indexOf("=");
    if (eq > 0 && part.slice(0, eq).trim() === name) {
      try {
        return decodeURIComponent(part.slice(eq + 1).trim());
      } catch {
        return null;
      }
    }
  }
  return null;
}

/** @param {import("node:http").ServerResponse} res @param {number} status @param {string} html */
function send(res, status, html) {
  res.writeHead(status, {
    "Content-Type": "text/html; charset=utf-8",
    "Content-Length": Buffer.byteLength(html),
    "Cache-Control": "private, no-cache",
  });
  res.end(html);
}

/** @param {import("node:http").ServerResponse} res @param {string} location */
function seeOther(res, location) {
  res.writeHead(303, { Location: location, "Content-Length": 0 });
  res.end();
}

/** @param {import("node:http").IncomingMessage} req @returns {Promise<string | null>} */
function readBody(req) {
  return new Promise((resolve, reject) => {
    /** @type {Buffer[]} */
    const chunks = [];
    let size = 0;
    req.on("data", (/** @type {Buffer} */ chunk) => {
      size += chunk.length;
      if (size > BODY_LIMIT_BYTES) {
        resolve(null);
        req.destroy();
      } else chunks.push(chunk);
    });
    req.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
    req.on("error", reject);
  });
}

/** @param {import("node:http").IncomingMessage} req @param {import("node:http").ServerResponse} res */
async function handle(req, res) {
  const url = new URL(req.url ?? "/", "http://localhost");
  const path = url.pathname;
  if (!path.startsWith("/contacts")) return send(res, 404, page("Not found · Cardfile", null, "<h1>Not found</h1>"));
  const user = await userOf(req);
  if (!user) return seeOther(res, `/login?${new URLSearchParams({ redirectTo: path + url.search })}`);

  if (path === "/contacts" && req.method === "GET") {
    // The route's loader: q trimmed for the page, listContacts normalizes it for the query.
    const q = url.searchParams.get("q")?.trim() ?? "";
    const list = await listContacts(user.id, { q, cursor: url.searchParams.get("cursor") });
    return send(res, 200, listPage(user, q, path + url.search, list));
  }
  if (path === "/contacts/new") {
    if (req.method === "GET") return send(res, 200, newPage(user));
    if (req.method === "POST") {
      if (!(req.headers["content-type"] ?? "").startsWith("application/x-www-form-urlencoded")) {
        return send(res, 415, page("Request refused · Cardfile", user, "<h1>Send a form</h1>"));
      }
      const body = await readBody(req);
      if (body === null) return send(res, 413, page("Request refused · Cardfile", user, "<h1>Too big</h1>"));
      const input = parseContact(new URLSearchParams(body));
      if (!input) return send(res, 400, newPage(user));
      const id = await createContact(user.id, input);
      if (!id) return send(res, 409, newPage(user));
      return seeOther(res, `/contacts/${id}`);
    }
  }
  const match = /^\/contacts\/([^/]+)$/.exec(path);
  if (match && req.method === "GET") {
    const id = /** @type {string} */ (match[1]);
    const contact = ID.test(id) ? await getContact(user.id, id) : null;
    if (!contact) return send(res, 404, page("Contact not found · Cardfile", user, "<h1>Not found</h1>"));
    return send(res, 200, detailPage(user, contact));
  }
  return send(res, 404, page("Not found · Cardfile", user, "<h1>Not found</h1>"));
}

const server = createServer((req, res) => {
  handle(req, res).catch((error) => {
    console.error(`${req.method} ${req.url} failed:`, error);
    if (!res.headersSent) send(res, 500, page("Something went wrong · Cardfile", null, "<h1>Something went wrong</h1>"));
    else res.destroy();
  });
});
const port = Number(process.env.PORT ?? 3001);
server.listen(port, process.env.HOST ?? "127.0.0.1", () =>
  console.log(`baseline listening on http://${process.env.HOST ?? "127.0.0.1"}:${port}`),
);
for (const signal of /** @type {const} */ (["SIGTERM", "SIGINT"])) {
  process.on(signal, () => {
    server.close(() => db.close().finally(() => process.exit(0)));
    setTimeout(() => server.closeAllConnections(), 1_000).unref();
  });
}
