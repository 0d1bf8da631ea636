import { sql } from "kysely";
import { db, inTransaction } from "../../db/database.server";
import { isUniqueViolation } from "../../db/errors";
import type { ContactRow } from "../../db/schema";
import { emailKey } from "~/auth/users.server";
import { newId } from "~/http/ids.server";
import type { ContactInput } from "./contact-schema";
import { decodeCursor, encodeCursor, type Cursor } from "./cursor";
import { containsPattern, normalizeQuery, searchText } from "./search";

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
 * case-insensitive substring of name, email or company. `cursor` comes from
 * the URL as is: a malformed one reads the first page.
 */
export async function listContacts(
  ownerId: string,
  { q, cursor: rawCursor }: { q?: string | null; cursor?: string | null } = {},
): Promise<ContactPage> {
  const query = normalizeQuery(q ?? null);
  const cursor = decodeCursor(rawCursor ?? null);
  const rows = await pageQuery(ownerId, query, cursor).execute();
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

/** The query behind one page (exported so a test can check its plan). */
export function pageQuery(ownerId: string, query: string, cursor: Cursor | null) {
  const newer = cursor?.direction === "newer";
  return db
    .selectFrom("contacts")
    .select(SUMMARY_COLUMNS)
    .where("owner_id", "=", ownerId)
    .where("deleted_at", "is", null)
    .$if(query !== "", (qb) => qb.where(sql<boolean>`search like ${containsPattern(query)} escape '\\'`))
    .$if(cursor !== null, (qb) =>
      qb.where(({ eb, refTuple, tuple }) =>
        eb(refTuple("created_at", "id"), newer ? ">" : "<", tuple(cursor!.createdAt, cursor!.id)),
      ),
    )
    .orderBy("created_at", newer ? "asc" : "desc")
    .orderBy("id", newer ? "asc" : "desc")
    .limit(PAGE_SIZE + 1);
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
