import { sql, type SelectQueryBuilder, type SqlBool } from "kysely";
import { inTransaction } from "#db/database.server";
import { db, dialect } from "#app/db.server";
import { isUniqueViolation } from "#db/errors";
import type { ContactRow } from "#db/schema";
import { emailKey } from "#app/shared/text";
import { newId } from "#app/shared/ids";
import type { ContactInput } from "./contact-schema";
import { decodeCursor, encodeCursor, type Cursor } from "./cursor";
import { normalizeQuery, searchFilter, searchText, trigramMatch, type SearchFilter } from "./search";

// The only module that knows the contacts table. Every function takes the
// owner's id and puts it in every `where`: a route that forgot a check still
// could not reach another account's contacts.

export const PAGE_SIZE = 50;

/** A contact as the app sees it: dates as ISO strings, safe to send to the browser. */
export interface Contact {
  id: string;
  name: string;
  email: string;
  company: string | null;
  phone: string | null;
  notes: string | null;
  version: number;
  createdAt: string;
  updatedAt: string;
}

export type ContactSummary = Pick<Contact, "id" | "name" | "email" | "company" | "createdAt">;

const SUMMARY_COLUMNS = ["id", "name", "email", "company", "created_at"] as const;
const ALL_COLUMNS = [...SUMMARY_COLUMNS, "phone", "notes", "version", "updated_at"] as const;

function toSummary(row: Pick<ContactRow, (typeof SUMMARY_COLUMNS)[number]>): ContactSummary {
  return { id: row.id, name: row.name, email: row.email, company: row.company, createdAt: new Date(row.created_at).toISOString() };
}

function toContact(row: Pick<ContactRow, (typeof ALL_COLUMNS)[number]>): Contact {
  return {
    ...toSummary(row),
    phone: row.phone,
    notes: row.notes,
    version: row.version,
    updatedAt: new Date(row.updated_at).toISOString(),
  };
}

export interface ContactPage {
  contacts: ContactSummary[];
  /** cursor for the "Older" link, or null on the last page */
  older: string | null;
  /** cursor for the "Newer" link, or null on the first page */
  newer: string | null;
}

/**
 * One page of the owner's contacts, newest first, optionally filtered by a
 * search of name, email and company, ignoring case (search.ts: three or more
 * characters anywhere, one or two at a word start). `cursor` comes from the
 * URL as is: a malformed one reads the first page.
 */
export async function listContacts(
  ownerId: string,
  { q, cursor: rawCursor }: { q?: string | null; cursor?: string | null } = {},
): Promise<ContactPage> {
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
    contacts: page.map(toSummary),
    older: hasOlder && last ? encodeCursor({ direction: "older", createdAt: last.created_at, id: last.id }) : null,
    newer: hasNewer && first ? encodeCursor({ direction: "newer", createdAt: first.created_at, id: first.id }) : null,
  };
}

type SummaryRow = Pick<ContactRow, (typeof SUMMARY_COLUMNS)[number]>;

/** The summary columns, qualified: some plans join another table. */
const SUMMARY_SELECTION = ["contacts.id", "contacts.name", "contacts.email", "contacts.company", "contacts.created_at"] as const;

/**
 * Where the plans below switch (tests lower them to reach every plan with
 * little data). The numbers are measured: see decision 0019.
 */
export const SEARCH_PLAN = {
  /** Plan 1 fetches and sorts at most this many candidates from the index (SQLite). */
  gatherLimit: 2000,
  /** Plan 2 reads at most this many contacts of the list. */
  walkLimit: 10_000,
};

/**
 * The rows behind one page: up to PAGE_SIZE + 1 (one more says there are
 * more), in the cursor's direction. A search chooses its plan per query,
 * because no single plan is fast for every term (decision 0019):
 *
 * 1. Rare term: ask the search index for its candidates, fetch them, check
 *    them, sort them. (Walking the list would read every contact.)
 * 2. Common term: walk the list from the cursor, check each contact, stop at
 *    a full page. (Sorting every candidate would cost more.) At most
 *    SEARCH_PLAN.walkLimit contacts, then:
 * 3. the rest of the page comes from the index's candidates past where the
 *    walk stopped, sorted: a term that is common, but not among the newest.
 *
 * SQLite tries plan 1 first: FTS5 streams candidates, so asking for up to
 * gatherLimit + 1 of them costs about a millisecond, and decides. Postgres
 * starts with plan 2: a GIN scan reads every posting of every trigram before
 * it returns a row, tens of milliseconds for a common term. Every plan
 * applies the plain scan's conditions (pageQuery) to every row it reads, so
 * it returns exactly what the plain scan would.
 */
async function pageRows(ownerId: string, query: string, cursor: Cursor | null): Promise<SummaryRow[]> {
  const filter = searchFilter(query);
  if (!filter) return pageQuery(ownerId, query, cursor).execute();
  return dialect === "sqlite" ? sqliteSearchRows(ownerId, filter, cursor) : postgresSearchRows(ownerId, filter, cursor);
}

async function sqliteSearchRows(ownerId: string, filter: SearchFilter, cursor: Cursor | null): Promise<SummaryRow[]> {
  const found = await candidateQuery(filter, SEARCH_PLAN.gatherLimit + 1).execute();
  if (found.length === 0) return [];
  if (found.length <= SEARCH_PLAN.gatherLimit) {
    return gatherQuery(ownerId, filter, cursor, PAGE_SIZE + 1, found.map((row) => row.rowid)).execute();
  }
  // Where the walk stops is a key, found first: a contact added or deleted
  // meanwhile cannot make the walk and the rest overlap or leave a gap.
  const stop = await walkStop(ownerId, cursor);
  const walked = await walkQuery(ownerId, filter, cursor, stop).execute();
  if (stop === undefined || walked.length > PAGE_SIZE) return walked;
  const rest = await gatherQuery(ownerId, filter, beyond(stop, cursor), PAGE_SIZE + 1 - walked.length).execute();
  return [...walked, ...rest];
}

async function postgresSearchRows(ownerId: string, filter: SearchFilter, cursor: Cursor | null): Promise<SummaryRow[]> {
  // One snapshot for the walk, where it stopped and the rest: no overlap and
  // no gap, whatever is added or deleted meanwhile. The walk usually fills
  // the page, so where it stopped is looked up only when it did not.
  return db
    .transaction()
    .setIsolationLevel("repeatable read")
    .execute(async (trx) => {
      const walked = await walkQuery(ownerId, filter, cursor, undefined, trx).execute();
      if (walked.length > PAGE_SIZE) return walked;
      const stop = await walkStop(ownerId, cursor, trx);
      if (stop === undefined) return walked;
      await bitmapScansOnly(trx);
      const rest = await gatherQuery(ownerId, filter, beyond(stop, cursor), PAGE_SIZE + 1 - walked.length, undefined, trx).execute();
      return [...walked, ...rest];
    });
}

/**
 * The plain scan behind one page: walk the owner's live contacts along the
 * list index from the cursor, check each against the query, stop after
 * PAGE_SIZE + 1. The list, plan 2 on SQLite, and the reference that every
 * plan must agree with. Exported, like the other plans' queries, so that
 * tests can check their plans.
 */
export function pageQuery(ownerId: string, query: string | SearchFilter | null, cursor: Cursor | null) {
  const filter = typeof query === "string" ? searchFilter(query) : query;
  const scoped = ofOwner(db.selectFrom("contacts").select(SUMMARY_SELECTION), ownerId, cursor);
  return inPageOrder(filter ? matching(scoped, filter) : scoped, cursor, PAGE_SIZE + 1);
}

/**
 * SQLite's search index: up to `limit` rowids whose `search` holds every
 * trigram of the query, of any owner, deleted ones too; a superset of the
 * matches (detail=none cannot tell whether the trigrams are adjacent).
 */
export function candidateQuery(filter: SearchFilter, limit: number) {
  return db
    .selectFrom(sql<{ rowid: number }>`contacts_fts`.as("contacts_fts"))
    .select(sql<number>`rowid`.as("rowid"))
    .where(sql<SqlBool>`contacts_fts match ${trigramMatch(filter.indexed)}`)
    .limit(limit);
}

/**
 * Plan 2: up to PAGE_SIZE + 1 matches, walking the list from the cursor. On
 * SQLite no further than `stop` (from walkStop). On Postgres the walk is a
 * subquery with its own LIMIT: the planner cannot push the filter into it,
 * so it reads the list index in order, and only as far as it must.
 */
export function walkQuery(ownerId: string, filter: SearchFilter, cursor: Cursor | null, stop?: { created_at: number; id: string }, executor = db) {
  if (dialect === "sqlite") {
    return pageQuery(ownerId, filter, cursor).$if(stop !== undefined, (qb) =>
      qb.where(keyCompared(stop!, cursor?.direction === "newer" ? "<=" : ">=")),
    );
  }
  const newest = inPageOrder(
    ofOwner(executor.selectFrom("contacts").select([...SUMMARY_SELECTION, "contacts.search"]), ownerId, cursor),
    cursor,
    SEARCH_PLAN.walkLimit,
  );
  return inPageOrder(matching(executor.selectFrom(newest.as("contacts")).select(SUMMARY_SELECTION), filter), cursor, PAGE_SIZE + 1);
}

/**
 * Plans 1 and 3: up to `limit` matches among the index's candidates past the
 * cursor, sorted. On SQLite, the given candidates or else all of FTS5's; a
 * CROSS JOIN makes SQLite read them first, not walk the list index. On
 * Postgres, run it after bitmapScansOnly, so that the GIN index serves it.
 */
export function gatherQuery(ownerId: string, filter: SearchFilter, cursor: Cursor | null, limit: number, candidates?: number[], executor = db) {
  if (dialect === "sqlite" && candidates) {
    const given = executor
      .selectFrom(sql<{ value: number }>`json_each(${JSON.stringify(candidates)})`.as("candidate"))
      .crossJoin("contacts")
      .where(sql<SqlBool>`contacts.rowid = candidate.value`)
      .select(SUMMARY_SELECTION);
    return inPageOrder(matching(ofOwner(given, ownerId, cursor), filter), cursor, limit);
  }
  if (dialect === "sqlite") {
    const all = executor
      .selectFrom(sql<{ rowid: number }>`contacts_fts`.as("contacts_fts"))
      .crossJoin("contacts")
      .where(sql<SqlBool>`contacts.rowid = contacts_fts.rowid and contacts_fts match ${trigramMatch(filter.indexed)}`)
      .select(SUMMARY_SELECTION);
    return inPageOrder(matching(ofOwner(all, ownerId, cursor), filter), cursor, limit);
  }
  // GIN reads every posting of every trigram it is given, so it is given the
  // longest pieces of the query only: an address's "example" is in nearly
  // every row (34 ms with it, 0.3 ms without). The whole pattern then checks
  // each row, written so that the planner does not hand it to the index too.
  const scoped = ofOwner(executor.selectFrom("contacts").select(SUMMARY_SELECTION), ownerId, cursor)
    .where((eb) => eb.and(filter.narrow.map((piece) => sql<SqlBool>`contacts.search like ${piece} escape '\\'`)))
    .where(sql<SqlBool>`(contacts.search || '') like ${filter.pattern} escape '\\'`);
  return inPageOrder(scoped, cursor, limit);
}

/**
 * For the rest of Postgres transaction `trx`: bitmap scans only, i.e. the GIN
 * index (or, for a small account, its own index). Left alone, the planner's
 * estimates for a term found only in old rows send it walking the list
 * through every newer contact: 500 ms at 1,000,000 (decision 0019).
 */
export async function bitmapScansOnly(trx: typeof db): Promise<void> {
  await sql`select set_config('enable_indexscan', 'off', true), set_config('enable_seqscan', 'off', true)`.execute(trx);
}

/** The key of the walkLimit-th contact from the cursor, where plan 2 stops; none if the list ends first. */
function walkStop(ownerId: string, cursor: Cursor | null, executor = db) {
  const keys = ofOwner(executor.selectFrom("contacts").select(["contacts.created_at", "contacts.id"]), ownerId, cursor);
  return inPageOrder(keys, cursor, 1).offset(SEARCH_PLAN.walkLimit - 1).executeTakeFirst();
}

/** A cursor that continues past `stop`, in the direction of `cursor`. */
function beyond(stop: { created_at: number; id: string }, cursor: Cursor | null): Cursor {
  return { direction: cursor?.direction ?? "older", createdAt: stop.created_at, id: stop.id };
}

/** The owner's live contacts past the cursor. */
function ofOwner<DB, TB extends keyof DB, O>(qb: SelectQueryBuilder<DB, TB, O>, ownerId: string, cursor: Cursor | null) {
  return qb
    .where(sql<SqlBool>`contacts.owner_id = ${ownerId}`)
    .where(sql<SqlBool>`contacts.deleted_at is null`)
    .$if(cursor !== null, (qb) => qb.where(keyCompared({ created_at: cursor!.createdAt, id: cursor!.id }, cursor!.direction === "newer" ? ">" : "<")));
}

/** The contacts that match the query (search.ts says how). */
function matching<DB, TB extends keyof DB, O>(qb: SelectQueryBuilder<DB, TB, O>, filter: SearchFilter) {
  return qb.where(sql<SqlBool>`contacts.search like ${filter.pattern} escape '\\'`);
}

/** Newest first (oldest first when reading "newer" from a cursor), at most `limit`. */
function inPageOrder<DB, TB extends keyof DB, O>(qb: SelectQueryBuilder<DB, TB, O>, cursor: Cursor | null, limit: number) {
  const direction = cursor?.direction === "newer" ? "asc" : "desc";
  return qb.orderBy(sql`contacts.created_at`, direction).orderBy(sql`contacts.id`, direction).limit(limit);
}

/** (created_at, id), the list's order, compared with a row's. */
function keyCompared(key: { created_at: number; id: string }, operator: "<" | ">" | "<=" | ">=") {
  return sql<SqlBool>`(contacts.created_at, contacts.id) ${sql.raw(operator)} (${key.created_at}, ${key.id})`;
}

/** The owner's contact with this id, or null (also for another account's). */
export async function getContact(ownerId: string, id: string, executor = db): Promise<Contact | null> {
  const row = await executor
    .selectFrom("contacts")
    .select(ALL_COLUMNS)
    .where("owner_id", "=", ownerId)
    .where("id", "=", id)
    .where("deleted_at", "is", null)
    .executeTakeFirst();
  return row ? toContact(row) : null;
}

export type WriteResult = { ok: true; contact: Contact } | { ok: false; reason: "duplicate-email" | "not-found" };

export type UpdateResult = WriteResult | { ok: false; reason: "conflict"; current: Contact };

function columnsFor(input: ContactInput) {
  return {
    name: input.name,
    email: input.email,
    email_key: emailKey(input.email),
    company: input.company,
    phone: input.phone,
    notes: input.notes,
    search: searchText(input),
  };
}

export async function createContact(ownerId: string, input: ContactInput, executor = db): Promise<WriteResult> {
  const now = Date.now();
  try {
    const row = await inTransaction(executor, (trx) =>
      trx
        .insertInto("contacts")
        .values({ id: newId(), owner_id: ownerId, ...columnsFor(input), created_at: now, updated_at: now })
        .returning(ALL_COLUMNS)
        .executeTakeFirstOrThrow(),
    );
    return { ok: true, contact: toContact(row) };
  } catch (error) {
    if (isUniqueViolation(error)) return { ok: false, reason: "duplicate-email" };
    throw error;
  }
}

/**
 * Saves `input` over the owner's contact if it is still at `expectedVersion`
 * (the version the edit form was opened at), and bumps the version. The check
 * is in the UPDATE's WHERE, so two concurrent saves of one version cannot both
 * win. A stale version gets the contact as it is now, to show the user.
 */
export async function updateContact(
  ownerId: string,
  id: string,
  input: ContactInput,
  expectedVersion: number,
  executor = db,
): Promise<UpdateResult> {
  try {
    return await inTransaction(executor, async (trx) => {
      const row = await trx
        .updateTable("contacts")
        .set((eb) => ({ ...columnsFor(input), version: eb("version", "+", 1), updated_at: Date.now() }))
        .where("owner_id", "=", ownerId)
        .where("id", "=", id)
        .where("deleted_at", "is", null)
        .where("version", "=", expectedVersion)
        .returning(ALL_COLUMNS)
        .executeTakeFirst();
      if (row) return { ok: true, contact: toContact(row) };
      const current = await getContact(ownerId, id, trx);
      return current ? { ok: false, reason: "conflict", current } : { ok: false, reason: "not-found" };
    });
  } catch (error) {
    if (isUniqueViolation(error)) return { ok: false, reason: "duplicate-email" };
    throw error;
  }
}

/**
 * Deletes the owner's contact, softly: it is marked (deleted_at) and hidden
 * everywhere, restorable for UNDO_WINDOW_MS, purged after PURGE_AFTER_MS.
 * Its name for the message, or null if there was no live one.
 */
export async function deleteContact(ownerId: string, id: string, executor = db): Promise<{ name: string } | null> {
  const row = await inTransaction(executor, (trx) =>
    trx
      .updateTable("contacts")
      .set({ deleted_at: Date.now() })
      .where("owner_id", "=", ownerId)
      .where("id", "=", id)
      .where("deleted_at", "is", null)
      .returning("name")
      .executeTakeFirst(),
  );
  return row ?? null;
}

/** How long after a delete its Undo works (checked against deleted_at, not the flash cookie). */
export const UNDO_WINDOW_MS = 10 * 60 * 1000;
/** How long a deleted contact is kept before purgeDeletedContacts removes it for good. */
export const PURGE_AFTER_MS = 30 * 24 * 60 * 60 * 1000;

export type RestoreResult =
  | { ok: true; contact: Contact }
  | { ok: false; reason: "not-found" }
  | { ok: false; reason: "expired"; name: string }
  /** `takenBy`: the live contact that holds the email now (null if it went again meanwhile) */
  | { ok: false; reason: "email-taken"; name: string; email: string; takenBy: string | null };

/**
 * Undoes the delete of the owner's contact, within UNDO_WINDOW_MS of it and
 * only while no live contact of the owner holds its email. A contact that is
 * already live counts as restored, so a repeated Undo gets the same answer.
 * Anything else changes nothing and says why.
 */
export async function restoreContact(ownerId: string, id: string, executor = db, now = Date.now()): Promise<RestoreResult> {
  try {
    const row = await inTransaction(executor, (trx) =>
      trx
        .updateTable("contacts")
        .set({ deleted_at: null })
        .where("owner_id", "=", ownerId)
        .where("id", "=", id)
        .where("deleted_at", ">", now - UNDO_WINDOW_MS)
        // Checked in the statement itself, so the usual case never trips the
        // unique index (a violation would abort a caller's Postgres transaction).
        .where(({ exists, not, selectFrom }) =>
          not(
            exists(
              selectFrom("contacts as live")
                .select("live.id")
                .whereRef("live.owner_id", "=", "contacts.owner_id")
                .whereRef("live.email_key", "=", "contacts.email_key")
                .where("live.deleted_at", "is", null),
            ),
          ),
        )
        .returning(ALL_COLUMNS)
        .executeTakeFirst(),
    );
    if (row) return { ok: true, contact: toContact(row) };
  } catch (error) {
    // A live contact with this email committed between the check and the
    // write: the partial unique index refused. Inside a caller's transaction
    // that transaction is spoilt (Postgres), so the caller must see the error.
    if (!isUniqueViolation(error) || executor.isTransaction) throw error;
    return whyNotRestored(db, ownerId, id, now);
  }
  return whyNotRestored(executor, ownerId, id, now);
}

async function whyNotRestored(executor: typeof db, ownerId: string, id: string, now: number): Promise<RestoreResult> {
  const row = await executor
    .selectFrom("contacts")
    .select([...ALL_COLUMNS, "email_key", "deleted_at"])
    .where("owner_id", "=", ownerId)
    .where("id", "=", id)
    .executeTakeFirst();
  if (!row) return { ok: false, reason: "not-found" };
  if (row.deleted_at === null) return { ok: true, contact: toContact(row) };
  if (row.deleted_at <= now - UNDO_WINDOW_MS) return { ok: false, reason: "expired", name: row.name };
  const holder = await executor
    .selectFrom("contacts")
    .select("name")
    .where("owner_id", "=", ownerId)
    .where("email_key", "=", row.email_key)
    .where("deleted_at", "is", null)
    .executeTakeFirst();
  return { ok: false, reason: "email-taken", name: row.name, email: row.email, takenBy: holder?.name ?? null };
}

const PURGE_BATCH = 1000;

/**
 * Removes for good up to `limit` contacts deleted at least PURGE_AFTER_MS
 * before `now`, oldest first, and says how many went: a periodic job calls it
 * again while it returns `limit`, so no transaction holds the database long.
 * The one function here that spans accounts (it is maintenance, like the
 * session purge); `ownerId` narrows it to one account.
 */
export async function purgeDeletedContacts(
  now = Date.now(),
  { ownerId, limit = PURGE_BATCH }: { ownerId?: string; limit?: number } = {},
): Promise<number> {
  const cutoff = now - PURGE_AFTER_MS;
  const result = await db.transaction().execute((trx) =>
    trx
      .deleteFrom("contacts")
      // DELETE … LIMIT is not portable; a LIMITed subquery is. Served by contacts_deleted_at_idx.
      .where("id", "in", (eb) =>
        eb
          .selectFrom("contacts")
          .select("id")
          .where("deleted_at", "<=", cutoff)
          .$if(ownerId !== undefined, (qb) => qb.where("owner_id", "=", ownerId!))
          .orderBy("deleted_at")
          .limit(limit),
      )
      .where("deleted_at", "<=", cutoff)
      .executeTakeFirst(),
  );
  return Number(result.numDeletedRows);
}
