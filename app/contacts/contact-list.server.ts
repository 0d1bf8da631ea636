import { sql, type SelectQueryBuilder, type SqlBool } from "kysely";
import type { ContactRow } from "#db/schema";
import { db, dialect } from "#app/db.server";
import { carriesLabel, labelContacts, labelMembersQuery } from "#app/labels/contact-labels.server";
import { ALL_COLUMNS, SUMMARY_COLUMNS, toContact, toSummary, type Contact, type ContactSummary, type SummaryRow } from "./contacts.server";
import { decodeCursor, decodeTextCursor, keysetPage, type Cursor, type KeysetPage } from "./cursor";
import type { Sort } from "./list-params";
import { normalizeQuery, searchFilter, trigramMatch, type SearchFilter } from "./search";

// The contacts table, part 2 of 3: the list, in one of its orders (newest
// first, A to Z by name or company, recently changed first: decision 0035),
// a page at a time (keyset pagination, cursor.ts), and its search, with a
// plan chosen per query (decision 0019). The only code that lists contacts.

export const PAGE_SIZE = 50;

/**
 * Whose contacts a list reads, and which of them: an owner's id (every live
 * contact), or the owner and narrowings (only the starred, only those with a
 * label: a label id the caller has checked is the owner's). Every plan below
 * applies it in the same place (ofOwner), so they agree.
 */
export type ListScope = string | { ownerId: string; starred?: boolean; labelId?: string | null; sort?: Sort };

function scopeOf(scope: ListScope): { ownerId: string; starred: boolean; labelId: string | null; sort: Sort } {
  return typeof scope === "string"
    ? { ownerId: scope, starred: false, labelId: null, sort: "newest" }
    : { ownerId: scope.ownerId, starred: scope.starred ?? false, labelId: scope.labelId ?? null, sort: scope.sort ?? "newest" };
}

/**
 * An order of the list: the column it reads (with the id as the tie-break),
 * which way, and its key's kind. Each has its own partial index of live
 * contacts, (owner_id, column, id) in this order (decision 0035).
 */
interface Order {
  column: "created_at" | "updated_at" | "name_sort" | "company_sort";
  descending: boolean;
  text: boolean;
}

const ORDERS: Record<Sort, Order> = {
  newest: { column: "created_at", descending: true, text: false },
  name: { column: "name_sort", descending: false, text: true },
  company: { column: "company_sort", descending: false, text: true },
  updated: { column: "updated_at", descending: true, text: false },
};

const orderOf = (scope: ListScope) => ORDERS[scopeOf(scope).sort];

/** A row's place in an order: its key and its id. */
type Key = { at: number | string; id: string };

function keyOf(order: Order, row: ListRow): Key {
  return { at: row[order.column], id: row.id };
}

/** The scope without its label: the list a walk reads (and checks each contact of for the label). */
function withoutLabel(scope: ListScope): ListScope {
  return { ...scopeOf(scope), labelId: null };
}

/** A page of the list: its contacts, and the cursors of the pages beside it. */
export interface ContactPage extends Omit<KeysetPage<ContactSummary>, "rows"> {
  contacts: ContactSummary[];
}

/**
 * One page of the owner's contacts, newest first, optionally filtered by a
 * search of name, email and company, ignoring case (search.ts: three or more
 * characters anywhere, one or two at a word start). `cursor` comes from the
 * URL as is: a malformed one reads the first page.
 */
export async function listContacts(
  ownerId: string,
  {
    q,
    cursor: rawCursor,
    starred = false,
    labelId = null,
    sort = "newest",
  }: {
    q?: string | null;
    cursor?: string | null;
    starred?: boolean;
    /** the owner's (getLabel) */
    labelId?: string | null;
    sort?: Sort;
  } = {},
): Promise<ContactPage> {
  const query = normalizeQuery(q ?? null);
  const scope = { ownerId, starred, labelId, sort };
  const order = orderOf(scope);
  // Another order's cursor (a text key in a list by time, say) reads the first page.
  const cursor: Cursor<number | string> | null = order.text ? decodeTextCursor(rawCursor ?? null) : decodeCursor(rawCursor ?? null);
  const rows = await pageRows(scope, query, cursor);
  if (cursor?.direction === "newer" && rows.length === 0) {
    // Everything before has gone (deleted, unstarred, unlabelled): the first page is the right answer.
    return listContacts(ownerId, { q: query, starred, labelId, sort });
  }

  const page = keysetPage(rows, cursor, PAGE_SIZE, (row) => keyOf(order, row));
  return { contacts: page.rows.map(toSummary), older: page.older, newer: page.newer };
}

/** A list row's columns: the summary's and every order's key. */
const LIST_COLUMNS = [...SUMMARY_COLUMNS, "updated_at", "name_sort", "company_sort"] as const;
type ListRow = SummaryRow & Pick<ContactRow, "updated_at" | "name_sort" | "company_sort">;

/** The list row's columns, qualified: some plans join another table. */
const SUMMARY_SELECTION = LIST_COLUMNS.map((column) => `contacts.${column}` as const);

/** A page's cursor: a key in the list's order (a number or a text) and the direction to read in. */
type ListCursor = Cursor<number | string>;

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
async function pageRows(scope: ListScope, query: string, cursor: ListCursor | null): Promise<ListRow[]> {
  const filter = searchFilter(query);
  if (filter) return dialect === "sqlite" ? sqliteSearchRows(scope, filter, cursor) : postgresSearchRows(scope, filter, cursor);
  const { labelId } = scopeOf(scope);
  if (labelId) return labelRows(scope, labelId, cursor);
  return pageQuery(scope, null, cursor).execute();
}

/**
 * A label's page, with the search's plans 1 to 3 over the label's index
 * instead of the search index (decision 0034): a small label (at most
 * gatherLimit contacts) is gathered and sorted; a common one is found by
 * walking the list and checking each contact, at most walkLimit of them,
 * and the rest of the page gathered past where the walk stopped (a label
 * that is common, but not among the newest).
 */
async function labelRows(scope: ListScope, labelId: string, cursor: ListCursor | null): Promise<ListRow[]> {
  const members = await labelMembersQuery(labelId, SEARCH_PLAN.gatherLimit + 1).execute();
  if (members.length <= SEARCH_PLAN.gatherLimit) return labelGatherQuery(scope, labelId, cursor, PAGE_SIZE + 1).execute();
  const run = async (executor: typeof db) => {
    const stop = await walkStop(scope, cursor, executor);
    const walked = await walkQuery(scope, null, cursor, stop, executor).execute();
    if (stop === undefined || walked.length > PAGE_SIZE) return walked;
    const rest = await labelGatherQuery(scope, labelId, beyond(stop, cursor), PAGE_SIZE + 1 - walked.length, executor).execute();
    return [...walked, ...rest];
  };
  // Postgres: one snapshot for the walk, where it stopped and the rest (as for a search).
  return dialect === "sqlite" ? run(db) : db.transaction().setIsolationLevel("repeatable read").execute(run);
}

/** The label plan's gather: up to `limit` of the label's contacts in the scope past the cursor, in page order. */
export function labelGatherQuery(scope: ListScope, labelId: string, cursor: ListCursor | null, limit: number, executor = db) {
  return inPageOrder(
    ofOwner(labelContacts(labelId, executor).select(SUMMARY_SELECTION), withoutLabel(scope), cursor),
    scope,
    cursor,
    limit,
  );
}

async function sqliteSearchRows(scope: ListScope, filter: SearchFilter, cursor: ListCursor | null): Promise<ListRow[]> {
  const found = await candidateQuery(filter, SEARCH_PLAN.gatherLimit + 1).execute();
  if (found.length === 0) return [];
  if (found.length <= SEARCH_PLAN.gatherLimit) {
    return gatherQuery(
      scope,
      filter,
      cursor,
      PAGE_SIZE + 1,
      found.map((row) => row.rowid),
    ).execute();
  }
  // Where the walk stops is a key, found first: a contact added or deleted
  // meanwhile cannot make the walk and the rest overlap or leave a gap.
  const stop = await walkStop(scope, cursor);
  const walked = await walkQuery(scope, filter, cursor, stop).execute();
  if (stop === undefined || walked.length > PAGE_SIZE) return walked;
  const rest = await gatherQuery(scope, filter, beyond(stop, cursor), PAGE_SIZE + 1 - walked.length).execute();
  return [...walked, ...rest];
}

async function postgresSearchRows(scope: ListScope, filter: SearchFilter, cursor: ListCursor | null): Promise<ListRow[]> {
  // One snapshot for the walk, where it stopped and the rest: no overlap and
  // no gap, whatever is added or deleted meanwhile. The walk usually fills
  // the page, so where it stopped is looked up only when it did not.
  return db
    .transaction()
    .setIsolationLevel("repeatable read")
    .execute(async (trx) => {
      const walked = await walkQuery(scope, filter, cursor, undefined, trx).execute();
      if (walked.length > PAGE_SIZE) return walked;
      const stop = await walkStop(scope, cursor, trx);
      if (stop === undefined) return walked;
      await bitmapScansOnly(trx);
      const rest = await gatherQuery(scope, filter, beyond(stop, cursor), PAGE_SIZE + 1 - walked.length, undefined, trx).execute();
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
export function pageQuery(scope: ListScope, query: string | SearchFilter | null, cursor: ListCursor | null) {
  const filter = typeof query === "string" ? searchFilter(query) : query;
  const scoped = ofOwner(db.selectFrom("contacts").select(SUMMARY_SELECTION), scope, cursor);
  return inPageOrder(filter ? matching(scoped, filter) : scoped, scope, cursor, PAGE_SIZE + 1);
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
 * Plan 2: up to PAGE_SIZE + 1 matches (of the search, of the scope's label,
 * or both), walking the list from the cursor. On SQLite no further than
 * `stop` (from walkStop). On Postgres the walk is a subquery with its own
 * LIMIT: the planner cannot push the checks into it, so it reads the list
 * index in order, and only as far as it must.
 */
export function walkQuery(scope: ListScope, filter: SearchFilter | null, cursor: ListCursor | null, stop?: Key, executor = db) {
  if (dialect === "sqlite") {
    return pageQuery(scope, filter, cursor).$if(stop !== undefined, (qb) =>
      qb.where(keyCompared(orderOf(scope), stop!, notPast(orderOf(scope), cursor))),
    );
  }
  const newest = inPageOrder(
    ofOwner(executor.selectFrom("contacts").select([...SUMMARY_SELECTION, "contacts.search"]), withoutLabel(scope), cursor),
    scope,
    cursor,
    SEARCH_PLAN.walkLimit,
  );
  const { labelId } = scopeOf(scope);
  const checked = executor
    .selectFrom(newest.as("contacts"))
    .select(SUMMARY_SELECTION)
    .$if(filter !== null, (qb) => matching(qb, filter!))
    .$if(labelId !== null, (qb) => qb.where(carriesLabel(labelId!)));
  return inPageOrder(checked, scope, cursor, PAGE_SIZE + 1);
}

/**
 * Plans 1 and 3: up to `limit` matches among the index's candidates past the
 * cursor, sorted. On SQLite, the given candidates or else all of FTS5's; a
 * CROSS JOIN makes SQLite read them first, not walk the list index. On
 * Postgres, run it after bitmapScansOnly, so that the GIN index serves it.
 */
export function gatherQuery(
  scope: ListScope,
  filter: SearchFilter,
  cursor: ListCursor | null,
  limit: number,
  candidates?: number[],
  executor = db,
) {
  if (dialect === "sqlite" && candidates) {
    const given = executor
      .selectFrom(sql<{ value: number }>`json_each(${JSON.stringify(candidates)})`.as("candidate"))
      .crossJoin("contacts")
      .where(sql<SqlBool>`contacts.rowid = candidate.value`)
      .select(SUMMARY_SELECTION);
    return inPageOrder(matching(ofOwner(given, scope, cursor), filter), scope, cursor, limit);
  }
  if (dialect === "sqlite") {
    const all = executor
      .selectFrom(sql<{ rowid: number }>`contacts_fts`.as("contacts_fts"))
      .crossJoin("contacts")
      .where(sql<SqlBool>`contacts.rowid = contacts_fts.rowid and contacts_fts match ${trigramMatch(filter.indexed)}`)
      .select(SUMMARY_SELECTION);
    return inPageOrder(matching(ofOwner(all, scope, cursor), filter), scope, cursor, limit);
  }
  // GIN reads every posting of every trigram it is given, so it is given the
  // longest pieces of the query only: an address's "example" is in nearly
  // every row (34 ms with it, 0.3 ms without). The whole pattern then checks
  // each row, written so that the planner does not hand it to the index too.
  const scoped = ofOwner(executor.selectFrom("contacts").select(SUMMARY_SELECTION), scope, cursor)
    .where((eb) => eb.and(filter.narrow.map((piece) => sql<SqlBool>`contacts.search like ${piece} escape '\\'`)))
    .where(sql<SqlBool>`(contacts.search || '') like ${filter.pattern} escape '\\'`);
  return inPageOrder(scoped, scope, cursor, limit);
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

/** The key of the walkLimit-th contact of the list (not only the label's) from the cursor, where plan 2 stops; none if the list ends first. */
async function walkStop(scope: ListScope, cursor: ListCursor | null, executor = db): Promise<Key | undefined> {
  const order = orderOf(scope);
  const keys = ofOwner(
    executor.selectFrom("contacts").select([sql<number | string>`contacts.${sql.ref(order.column)}`.as("at"), "contacts.id"]),
    withoutLabel(scope),
    cursor,
  );
  return inPageOrder(keys, scope, cursor, 1)
    .offset(SEARCH_PLAN.walkLimit - 1)
    .executeTakeFirst();
}

/** A cursor that continues past `stop`, in the direction of `cursor`. */
function beyond(stop: Key, cursor: ListCursor | null): ListCursor {
  return { direction: cursor?.direction ?? "older", at: stop.at, id: stop.id };
}

/** The scope's live contacts (the owner's; starred, with a label, if it says so) past the cursor. */
function ofOwner<DB, TB extends keyof DB, O>(qb: SelectQueryBuilder<DB, TB, O>, scope: ListScope, cursor: ListCursor | null) {
  const { ownerId, starred, labelId } = scopeOf(scope);
  return qb
    .where(sql<SqlBool>`contacts.owner_id = ${ownerId}`)
    .where(sql<SqlBool>`contacts.deleted_at is null`)
    .$if(starred, (qb) => qb.where(sql<SqlBool>`contacts.starred_at is not null`))
    .$if(labelId !== null, (qb) => qb.where(carriesLabel(labelId!)))
    .$if(cursor !== null, (qb) => qb.where(keyCompared(orderOf(scope), cursor!, past(orderOf(scope), cursor))));
}

/** The contacts that match the query (search.ts says how). */
function matching<DB, TB extends keyof DB, O>(qb: SelectQueryBuilder<DB, TB, O>, filter: SearchFilter) {
  return qb.where(sql<SqlBool>`contacts.search like ${filter.pattern} escape '\\'`);
}

/** In the scope's order (backwards when reading "newer" from a cursor), at most `limit`. */
function inPageOrder<DB, TB extends keyof DB, O>(
  qb: SelectQueryBuilder<DB, TB, O>,
  scope: ListScope,
  cursor: ListCursor | null,
  limit: number,
) {
  const order = orderOf(scope);
  const direction = order.descending === (cursor?.direction === "newer") ? "asc" : "desc";
  return qb
    .orderBy(sql`contacts.${sql.ref(order.column)}`, direction)
    .orderBy(sql`contacts.id`, direction)
    .limit(limit);
}

type Comparison = "<" | ">" | "<=" | ">=";

/** The rows past a cursor's key, reading in its direction: after it in the order onward, before it back. */
function past(order: Order, cursor: ListCursor | null): Comparison {
  return order.descending === (cursor?.direction === "newer") ? ">" : "<";
}

/** The rows up to a key, inclusive, reading in the cursor's direction (where a walk stops). */
function notPast(order: Order, cursor: ListCursor | null): Comparison {
  return past(order, cursor) === ">" ? "<=" : ">=";
}

/** (key, id) in the order, compared with a row's. */
function keyCompared(order: Order, key: { at: number | string; id: string }, operator: Comparison) {
  return sql<SqlBool>`(contacts.${sql.ref(order.column)}, contacts.id) ${sql.raw(operator)} (${key.at}, ${key.id})`;
}

/** Contacts an export reads per query. */
const EXPORT_BATCH = 1000;

/**
 * Every live contact of the owner, newest first, whole, or those the list
 * with these filters shows (the search `q`, starred, a label), a batch at a time: an export of any size
 * holds one batch in memory. The walk follows the list index by keyset, so
 * each batch costs the same; a search checks each row on the way (an export
 * is rare, and reads the whole list anyway).
 */
export async function* exportContacts(
  ownerId: string,
  {
    q,
    starred = false,
    labelId = null,
    ids,
  }: { q?: string | null; starred?: boolean; /** the owner's */ labelId?: string | null; /** only these */ ids?: readonly string[] } = {},
): AsyncGenerator<Contact[]> {
  const filter = searchFilter(normalizeQuery(q ?? null));
  const scope: ListScope = { ownerId, starred, labelId };
  let cursor: ListCursor | null = null;
  for (;;) {
    const scoped = ofOwner(db.selectFrom("contacts").select(ALL_COLUMNS.map((column) => `contacts.${column}` as const)), scope, cursor).$if(
      ids !== undefined,
      (qb) => qb.where("contacts.id", "in", ids!.length ? [...ids!] : [""]),
    );
    const rows: Pick<ContactRow, (typeof ALL_COLUMNS)[number]>[] = await inPageOrder(
      filter ? matching(scoped, filter) : scoped,
      scope,
      cursor,
      EXPORT_BATCH,
    ).execute();
    if (rows.length) yield rows.map(toContact);
    if (rows.length < EXPORT_BATCH) return;
    const last = rows[rows.length - 1]!;
    cursor = { direction: "older", at: last.created_at, id: last.id };
  }
}

/** What a bulk action over "every contact matching this list" matches: the list's filters. */
export interface Matching {
  q?: string | null;
  starred?: boolean;
  /** the owner's (getLabel) */
  labelId?: string | null;
}

/**
 * Up to `limit` ids of the owner's live contacts matching the filters, after
 * the contact `after` (a previous batch's last): a bulk action's next
 * batch. A label's are read from the label's index in id order (a walk of
 * the list would check ten contacts for each one it takes, and Postgres may
 * sort the whole label instead); the others along the list index, newest
 * first, checking each row. Either way each batch costs about the same.
 */
export async function matchingIdBatch(
  ownerId: string,
  { q, starred = false, labelId = null }: Matching,
  after: { at: number; id: string } | null,
  limit: number,
  executor = db,
): Promise<{ ids: string[]; last: { at: number; id: string } | null }> {
  const filter = searchFilter(normalizeQuery(q ?? null));
  if (labelId) {
    const members = ofOwner(labelContacts(labelId, executor).select("contact_labels.contact_id as id"), { ownerId, starred }, null)
      .$if(after !== null, (qb) => qb.where("contact_labels.contact_id", ">", after!.id))
      .$if(filter !== null, (qb) => matching(qb, filter!))
      .orderBy("contact_labels.contact_id")
      .limit(limit);
    const ids = (await members.execute()).map((row) => row.id);
    return { ids, last: ids.length ? { at: 0, id: ids[ids.length - 1]! } : null };
  }
  const scope: ListScope = { ownerId, starred, labelId };
  const cursor: ListCursor | null = after ? { direction: "older", ...after } : null;
  const scoped = ofOwner(executor.selectFrom("contacts").select(["contacts.id", "contacts.created_at"]), scope, cursor);
  const rows = await inPageOrder(filter ? matching(scoped, filter) : scoped, scope, cursor, limit).execute();
  const last = rows[rows.length - 1];
  return { ids: rows.map((row) => row.id), last: last ? { at: last.created_at, id: last.id } : null };
}

/** How many of the owner's live contacts match the filters (what "every contact matching" is about to change). */
export async function countMatching(ownerId: string, { q, starred = false, labelId = null }: Matching, executor = db): Promise<number> {
  const filter = searchFilter(normalizeQuery(q ?? null));
  // A label's contacts are counted from its index (a tenth of a second for
  // 100,000), not by checking each of the owner's (two seconds at 1,000,000).
  const scoped = labelId
    ? ofOwner(
        labelContacts(labelId, executor).select((eb) => eb.fn.countAll<number>().as("n")),
        { ownerId, starred },
        null,
      )
    : ofOwner(
        executor.selectFrom("contacts").select((eb) => eb.fn.countAll<number>().as("n")),
        { ownerId, starred },
        null,
      );
  const row = await (filter ? matching(scoped, filter) : scoped).executeTakeFirstOrThrow();
  return Number(row.n);
}
