// @ts-check
// The bench's `baseline`: Cardfile's pages with no framework. node:http,
// better-sqlite3 or pg (by DATABASE_URL, as Cardfile chooses), the same
// session check and the same SQL as the app, HTML from template strings. It
// is what these pages cost at the least, the practical limit Cardfile is
// measured against (docs/decisions/0021-benchmark.md).
//
// It imports nothing from app/ on purpose: it must stay framework-free, so
// the SQL is copied. Keep it in step with app/contacts/contacts.server.ts
// (listContacts and its search plans, getContact, createContact),
// app/contacts/search.ts (folding, word marks, patterns, trigrams),
// app/contacts/cursor.ts, app/auth/session.server.ts (getUser) and the
// SQLite settings of db/database.server.ts. The bench checks that the
// baseline lists the same contacts as Cardfile in every scenario.
import Database from "better-sqlite3";
import { createHash, randomBytes } from "node:crypto";
import { createServer } from "node:http";
import pg from "pg";

const PAGE_SIZE = 50;
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
  // Same pool size as Cardfile's (db/database.server.ts); bigint as number.
  const pool = new pg.Pool({ connectionString: url, max: 10 });
  pool.on("error", (error) => console.error(`database connection lost: ${error.message}`));
  pg.types.setTypeParser(20, Number);
  /** @type {Map<string, string>} */
  const numbered = new Map();
  /** `?` placeholders become $1, $2, … */
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
    // contacts.server.ts postgresSearchRows: one repeatable-read transaction.
    async snapshot(read) {
      const client = await pool.connect();
      try {
        await client.query("begin isolation level repeatable read");
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
  // Cardfile's settings (db/database.server.ts openSqlite).
  const sqlite = new Database(path);
  sqlite.pragma("journal_mode = WAL");
  sqlite.pragma("foreign_keys = ON");
  sqlite.pragma("busy_timeout = 5000");
  sqlite.pragma("synchronous = NORMAL");
  sqlite.pragma("mmap_size = 1073741824");
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
    snapshot(read) {
      return read(this);
    },
    async close() {
      sqlite.close();
    },
  };
}

const url = process.env.DATABASE_URL ?? "file:./data/cardfile.sqlite";
const postgres = /^postgres(ql)?:\/\//.test(url);
const db = postgres ? openPostgres(url) : openSqlite(url.replace(/^file:/, ""));

// --- the app's rules, copied --------------------------------------------------

/** app/contacts/search.ts foldForSearch */
const fold = (/** @type {string} */ text) => text.normalize("NFC").toLowerCase();

// app/contacts/search.ts: `search` holds the folded fields with WORD_MARK
// before every word start; a query of 3+ characters matches anywhere, a
// shorter one at a word start.
const SUBSTRING_MIN_LENGTH = 3;
const WORD_MARK = "\n\n";
const UNSPACED = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Hangul}\p{Script=Thai}\p{Script=Lao}\p{Script=Khmer}\p{Script=Myanmar}]/u;
const LETTER_OR_DIGIT = /[\p{L}\p{M}\p{N}]/u;

function isWordChar(/** @type {string} */ c) {
  const code = c.charCodeAt(0);
  if (code < 128) return (code >= 48 && code <= 57) || (code >= 97 && code <= 122) || (code >= 65 && code <= 90);
  return LETTER_OR_DIGIT.test(c) && !UNSPACED.test(c);
}

function isSpace(/** @type {string} */ c) {
  const code = c.charCodeAt(0);
  if (code < 128) return code === 32 || (code >= 9 && code <= 13);
  return /\s/u.test(c);
}

/** app/contacts/search.ts markWords */
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

/** app/contacts/search.ts searchText */
const searchText = (/** @type {{ name: string; email: string; company: string | null }} */ f) => markWords(fold([f.name, f.email, f.company ?? ""].join("\n")));

/** app/contacts/search.ts searchFilter */
function searchFilter(/** @type {string} */ query) {
  const folded = fold(query);
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
  return { pattern: like(indexed), indexed, narrow: pieces.length > 0 ? pieces.map(like) : [like(indexed)] };
}

/** app/contacts/search.ts trigramMatch: the trigrams without a mark, unless there are none */
function trigramMatch(/** @type {string} */ text) {
  const chars = [...text];
  /** @type {Set<string>} */
  const pieces = new Set();
  for (let i = 0; i + 3 <= chars.length; i++) pieces.add(chars.slice(i, i + 3).join(""));
  const all = [...pieces];
  const unmarked = all.filter((piece) => !piece.includes("\n"));
  return (unmarked.length > 0 ? unmarked : all).map((piece) => `"${piece.replace(/"/g, '""')}"`).join(" AND ");
}

/** app/contacts/search.ts normalizeQuery */
// eslint-disable-next-line no-control-regex
const normalizeQuery = (/** @type {string | null} */ q) => (q ?? "").replace(/[\u0000-\u001f\u007f]/g, " ").trim().slice(0, 100);

/** app/contacts/cursor.ts */
function decodeCursor(/** @type {string | null} */ value) {
  const match = value ? /^([on])([0-9a-z]{1,11})\.([A-Za-z0-9_-]{22})$/.exec(value) : null;
  if (!match) return null;
  const createdAt = parseInt(/** @type {string} */ (match[2]), 36);
  if (!Number.isSafeInteger(createdAt)) return null;
  return { newer: match[1] === "n", createdAt, id: /** @type {string} */ (match[3]) };
}
const encodeCursor = (/** @type {"o" | "n"} */ d, /** @type {Row} */ row) => `${d}${Number(row.created_at).toString(36)}.${row.id}`;

const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
/** app/components/format.ts formatDate */
function formatDate(/** @type {number} */ ms) {
  const d = new Date(ms);
  const hh = String(d.getUTCHours()).padStart(2, "0");
  const mm = String(d.getUTCMinutes()).padStart(2, "0");
  return `${d.getUTCDate()} ${MONTHS[d.getUTCMonth()]} ${d.getUTCFullYear()}, ${hh}:${mm} UTC`;
}

// --- queries: the SQL Kysely builds for the app ----------------------------------

/** app/auth/session.server.ts getUser */
async function userOf(/** @type {import("node:http").IncomingMessage} */ req) {
  const token = cookie(req, SESSION_COOKIE);
  if (!token || token.length > 100) return null;
  const rows = await db.all(
    'select "users"."id", "users"."email" from "sessions" inner join "users" on "users"."id" = "sessions"."user_id" where "sessions"."token_hash" = ? and "sessions"."expires_at" > ?',
    [createHash("sha256").update(token).digest("hex"), Date.now()],
  );
  return /** @type {{ id: string; email: string } | null} */ (rows[0] ?? null);
}

const SUMMARY = '"contacts"."id", "contacts"."name", "contacts"."email", "contacts"."company", "contacts"."created_at"';
/** contacts.server.ts SEARCH_PLAN */
const GATHER_LIMIT = 2000;
const WALK_LIMIT = 10_000;

/**
 * @typedef {{ newer: boolean; createdAt: number; id: string }} Cursor
 * @typedef {{ pattern: string; indexed: string; narrow: string[] }} Filter
 */

/** contacts.server.ts ofOwner: owner, live, past the cursor; returns [conditions, params]. */
function ofOwner(/** @type {string} */ ownerId, /** @type {Cursor | null} */ cursor) {
  const where = ['"contacts"."owner_id" = ?', '"contacts"."deleted_at" is null'];
  /** @type {unknown[]} */
  const params = [ownerId];
  if (cursor) {
    where.push(`("contacts"."created_at", "contacts"."id") ${cursor.newer ? ">" : "<"} (?, ?)`);
    params.push(cursor.createdAt, cursor.id);
  }
  return { where, params };
}

/** contacts.server.ts inPageOrder */
const inPageOrder = (/** @type {Cursor | null} */ cursor) => {
  const direction = cursor?.newer ? "asc" : "desc";
  return `order by "contacts"."created_at" ${direction}, "contacts"."id" ${direction} limit ?`;
};

const MATCHING = `"contacts"."search" like ? escape '\\'`;

/** contacts.server.ts pageQuery: the plain scan along the list index (plan 2 on SQLite, with `stop`). */
function pageQuery(
  /** @type {Reader} */ reader,
  /** @type {string} */ ownerId,
  /** @type {Filter | null} */ filter,
  /** @type {Cursor | null} */ cursor,
  /** @type {{ created_at: number; id: string } | undefined} */ stop = undefined,
) {
  const { where, params } = ofOwner(ownerId, cursor);
  if (filter) {
    where.push(MATCHING);
    params.push(filter.pattern);
  }
  if (stop) {
    where.push(`("contacts"."created_at", "contacts"."id") ${cursor?.newer ? "<=" : ">="} (?, ?)`);
    params.push(stop.created_at, stop.id);
  }
  return reader.all(`select ${SUMMARY} from "contacts" where ${where.join(" and ")} ${inPageOrder(cursor)}`, [...params, PAGE_SIZE + 1]);
}

/** contacts.server.ts gatherQuery: matches among the index's candidates (given, or all of FTS5's on SQLite), sorted. */
function gatherQuery(
  /** @type {Reader} */ reader,
  /** @type {string} */ ownerId,
  /** @type {Filter} */ filter,
  /** @type {Cursor | null} */ cursor,
  /** @type {number} */ limit,
  /** @type {number[] | undefined} */ candidates = undefined,
) {
  const { where, params } = ofOwner(ownerId, cursor);
  if (postgres) {
    // GIN is given the longest pieces only; the whole pattern checks each row, written so the index does not take it.
    where.push(`(${filter.narrow.map(() => MATCHING).join(" and ")})`, `("contacts"."search" || '') like ? escape '\\'`);
    return reader.all(`select ${SUMMARY} from "contacts" where ${where.join(" and ")} ${inPageOrder(cursor)}`, [
      ...params,
      ...filter.narrow,
      filter.pattern,
      limit,
    ]);
  }
  where.push(MATCHING);
  params.push(filter.pattern);
  if (candidates) {
    return reader.all(
      `select ${SUMMARY} from json_each(?) as "candidate" cross join "contacts" where contacts.rowid = candidate.value and ${where.join(" and ")} ${inPageOrder(cursor)}`,
      [JSON.stringify(candidates), ...params, limit],
    );
  }
  return reader.all(
    `select ${SUMMARY} from contacts_fts as "contacts_fts" cross join "contacts" where contacts.rowid = contacts_fts.rowid and contacts_fts match ? and ${where.join(" and ")} ${inPageOrder(cursor)}`,
    [trigramMatch(filter.indexed), ...params, limit],
  );
}

/** contacts.server.ts walkStop: the key of the WALK_LIMIT-th contact from the cursor. */
async function walkStop(/** @type {Reader} */ reader, /** @type {string} */ ownerId, /** @type {Cursor | null} */ cursor) {
  const { where, params } = ofOwner(ownerId, cursor);
  const rows = await reader.all(
    `select "contacts"."created_at", "contacts"."id" from "contacts" where ${where.join(" and ")} ${inPageOrder(cursor)} offset ?`,
    [...params, 1, WALK_LIMIT - 1],
  );
  return /** @type {{ created_at: number; id: string } | undefined} */ (rows[0]);
}

/** contacts.server.ts beyond: a cursor past `stop`, in the direction of `cursor`. */
const beyond = (/** @type {{ created_at: number; id: string }} */ stop, /** @type {Cursor | null} */ cursor) => ({
  newer: cursor?.newer ?? false,
  createdAt: Number(stop.created_at),
  id: stop.id,
});

/** contacts.server.ts walkQuery on Postgres: the filter outside a LIMITed walk of the list index. */
function postgresWalk(/** @type {Reader} */ reader, /** @type {string} */ ownerId, /** @type {Filter} */ filter, /** @type {Cursor | null} */ cursor) {
  const { where, params } = ofOwner(ownerId, cursor);
  return reader.all(
    `select ${SUMMARY} from (select ${SUMMARY}, "contacts"."search" from "contacts" where ${where.join(" and ")} ${inPageOrder(cursor)}) as "contacts" where ${MATCHING} ${inPageOrder(cursor)}`,
    [...params, WALK_LIMIT, filter.pattern, PAGE_SIZE + 1],
  );
}

/** contacts.server.ts pageRows: the plan chosen per query (decision 0019). */
function pageRows(/** @type {string} */ ownerId, /** @type {string} */ query, /** @type {Cursor | null} */ cursor) {
  const filter = searchFilter(query);
  if (!filter) return pageQuery(db, ownerId, null, cursor);
  return postgres ? postgresSearchRows(ownerId, filter, cursor) : sqliteSearchRows(ownerId, filter, cursor);
}

/** contacts.server.ts sqliteSearchRows */
async function sqliteSearchRows(/** @type {string} */ ownerId, /** @type {Filter} */ filter, /** @type {Cursor | null} */ cursor) {
  const found = await db.all("select rowid from contacts_fts where contacts_fts match ? limit ?", [trigramMatch(filter.indexed), GATHER_LIMIT + 1]);
  if (found.length === 0) return [];
  if (found.length <= GATHER_LIMIT) return gatherQuery(db, ownerId, filter, cursor, PAGE_SIZE + 1, found.map((row) => row.rowid));
  const stop = await walkStop(db, ownerId, cursor);
  const walked = await pageQuery(db, ownerId, filter, cursor, stop);
  if (stop === undefined || walked.length > PAGE_SIZE) return walked;
  return [...walked, ...(await gatherQuery(db, ownerId, filter, beyond(stop, cursor), PAGE_SIZE + 1 - walked.length))];
}

/** contacts.server.ts postgresSearchRows */
function postgresSearchRows(/** @type {string} */ ownerId, /** @type {Filter} */ filter, /** @type {Cursor | null} */ cursor) {
  return db.snapshot(async (trx) => {
    const walked = await postgresWalk(trx, ownerId, filter, cursor);
    if (walked.length > PAGE_SIZE) return walked;
    const stop = await walkStop(trx, ownerId, cursor);
    if (stop === undefined) return walked;
    // contacts.server.ts bitmapScansOnly
    await trx.all("select set_config('enable_indexscan', 'off', true), set_config('enable_seqscan', 'off', true)", []);
    return [...walked, ...(await gatherQuery(trx, ownerId, filter, beyond(stop, cursor), PAGE_SIZE + 1 - walked.length))];
  });
}

/** app/contacts/contacts.server.ts listContacts */
async function listContacts(/** @type {string} */ ownerId, /** @type {string} */ q, /** @type {string | null} */ rawCursor) {
  const query = normalizeQuery(q);
  const cursor = decodeCursor(rawCursor);
  const rows = await pageRows(ownerId, query, cursor);
  if (cursor?.newer && rows.length === 0) return listContacts(ownerId, query, null);
  const hasMore = rows.length > PAGE_SIZE;
  const page = rows.slice(0, PAGE_SIZE);
  if (cursor?.newer) page.reverse();
  const first = page[0];
  const last = page[page.length - 1];
  const hasOlder = cursor?.newer ? true : hasMore;
  const hasNewer = cursor?.newer ? hasMore : cursor !== null;
  return {
    query,
    contacts: page,
    older: hasOlder && last ? encodeCursor("o", last) : null,
    newer: hasNewer && first ? encodeCursor("n", first) : null,
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

/** app/contacts/contacts.server.ts createContact: the insert (without the app's rate limit and submission key) */
async function createContact(/** @type {string} */ ownerId, /** @type {ContactInput} */ input) {
  const id = randomBytes(16).toString("base64url");
  const now = Date.now();
  try {
    await db.run(
      'insert into "contacts" ("id", "owner_id", "name", "email", "email_key", "company", "phone", "notes", "search", "created_at", "updated_at") values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)',
      [
        id,
        ownerId,
        input.name,
        input.email,
        fold(input.email),
        input.company,
        input.phone,
        input.notes,
        searchText(input),
        now,
        now,
      ],
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
  const input = { name: text("name"), email: text("email"), company: optional("company", 100), phone: optional("phone", 20), notes: optional("notes", 500) };
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

const escape = (/** @type {unknown} */ value) =>
  String(value).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

function page(/** @type {string} */ title, /** @type {{ email: string } | null} */ user, /** @type {string} */ body) {
  const nav = user
    ? `<nav aria-label="Account"><span class="who" title="Signed in as">${escape(user.email)}</span><a href="/account">Account</a><form method="post" action="/logout"><button type="submit" class="link-button">Log out</button></form></nav>`
    : "";
  return `<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>${escape(title)}</title><link rel="stylesheet" href="/styles.css"><link rel="icon" href="/favicon.svg" type="image/svg+xml"></head><body><a class="skip-link" href="#main">Skip to content</a><header class="site-header"><a class="brand" href="/">Cardfile</a>${nav}</header><main id="main">${body}</main></body></html>`;
}

function pageHref(/** @type {string} */ q, /** @type {string | null} */ cursor) {
  const params = new URLSearchParams();
  if (q) params.set("q", q);
  if (cursor) params.set("cursor", cursor);
  const search = params.toString();
  return search ? `/contacts?${search}` : "/contacts";
}

function listPage(/** @type {{ email: string }} */ user, /** @type {Awaited<ReturnType<typeof listContacts>>} */ { query: q, contacts, older, newer }) {
  const rows = contacts
    .map(
      (c) =>
        `<li><a class="contact-name" href="/contacts/${c.id}">${escape(c.name)}</a><span class="contact-meta">${escape(c.email)}${c.company ? ` · ${escape(c.company)}` : ""}</span><time datetime="${new Date(Number(c.created_at)).toISOString()}" class="contact-date">${formatDate(Number(c.created_at))}</time></li>`,
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

function field(/** @type {string} */ name, /** @type {string} */ label, /** @type {string} */ type, /** @type {number} */ max, required = false) {
  const attrs = `id="${name}" name="${name}" maxlength="${max}"${required ? " required" : ""}`;
  const input = type === "textarea" ? `<textarea ${attrs} rows="4"></textarea>` : `<input type="${type}" ${attrs} autocomplete="off">`;
  return `<div class="field"><label for="${name}">${label}${required ? "" : '<span class="optional"> (optional)</span>'}</label>${input}<div id="${name}-error" class="field-error" aria-live="polite"></div></div>`;
}

function newPage(/** @type {{ email: string }} */ user) {
  const form = `<form method="post" class="stack"><input type="hidden" name="submissionKey" value="${randomBytes(16).toString("base64url")}">${field("name", "Name", "text", 100, true)}${field("email", "Email", "email", 255, true)}${field("company", "Company", "text", 100)}${field("phone", "Phone", "tel", 20)}${field("notes", "Notes", "textarea", 500)}<div class="actions"><button type="submit" class="primary">Create contact</button></div></form>`;
  return page("New contact · Cardfile", user, `<section class="narrow" aria-labelledby="new-title"><p class="back"><a href="/contacts">← Contacts</a></p><h1 id="new-title">New contact</h1>${form}</section>`);
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
  res.writeHead(status, { "Content-Type": "text/html; charset=utf-8", "Content-Length": Buffer.byteLength(html), "Cache-Control": "private, no-cache" });
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
    return send(res, 200, listPage(user, await listContacts(user.id, url.searchParams.get("q") ?? "", url.searchParams.get("cursor"))));
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
server.listen(port, process.env.HOST ?? "127.0.0.1", () => console.log(`baseline listening on http://${process.env.HOST ?? "127.0.0.1"}:${port}`));
for (const signal of /** @type {const} */ (["SIGTERM", "SIGINT"])) {
  process.on(signal, () => {
    server.close(() => db.close().finally(() => process.exit(0)));
    setTimeout(() => server.closeAllConnections(), 1_000).unref();
  });
}
