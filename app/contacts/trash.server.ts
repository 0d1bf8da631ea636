import { sql, type ExpressionBuilder } from "kysely";
import type { Database } from "#db/schema";
import { inTransaction } from "#db/database.server";
import { isUniqueViolation } from "#db/errors";
import { db } from "#app/db.server";
import { ALL_COLUMNS, ownerIsByIds, toContact, type Contact } from "./contacts.server";
import { decodeCursor, keysetPage, type Cursor, type KeysetPage } from "./cursor";

// The contacts table, part 3 of 3: deleting (softly: the row is marked and
// hidden everywhere), the Undo, the trash (what was deleted in the last 30
// days, to restore or delete for good), and the purge of what was deleted
// long ago (decisions 0015 and 0032). The only code that writes deleted_at.

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

/**
 * Deletes (softly) those of `ids` that are the owner's live contacts, every
 * one marked with the same time `at`: the bulk delete's batches share it,
 * and its Undo (restoreDeletedAt) names it. How many were deleted.
 */
export async function deleteContacts(ownerId: string, ids: readonly string[], at: number, executor = db): Promise<number> {
  if (ids.length === 0) return 0;
  const result = await executor
    .updateTable("contacts")
    .set({ deleted_at: at })
    .where(ownerIsByIds(ownerId))
    .where("id", "in", [...ids])
    .where("deleted_at", "is", null)
    .executeTakeFirst();
  return Number(result.numUpdatedRows);
}

/**
 * Deletes (softly, all marked `at`) the owner's live contacts named, each
 * only while it is still at the version given (a merge's others: the
 * version its form was opened with). True if every one was; false if any
 * had changed or gone, and then the caller rolls its transaction back.
 * The version is in the UPDATE's WHERE, so a concurrent save cannot slip
 * in between a check and the delete.
 */
export async function deleteContactsAtVersions(
  ownerId: string,
  contacts: readonly { id: string; version: number }[],
  at: number,
  executor = db,
): Promise<boolean> {
  if (contacts.length === 0) return true;
  const result = await executor
    .updateTable("contacts")
    .set({ deleted_at: at })
    .where(ownerIsByIds(ownerId))
    .where(
      "id",
      "in",
      contacts.map((contact) => contact.id),
    )
    .where("deleted_at", "is", null)
    .where((eb) => eb.or(contacts.map(({ id, version }) => eb.and([eb("id", "=", id), eb("version", "=", version)]))))
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === contacts.length;
}

/** Contacts restoreDeletedAtBatch restores per call (a transaction of its own). */
const RESTORE_BATCH = 1000;

/** A live contact of the owner holds this contact's email (so it cannot come back from the trash). */
const emailTaken = ({ exists, selectFrom }: ExpressionBuilder<Database, "contacts">) =>
  exists(
    selectFrom("contacts as live")
      .select("live.id")
      .whereRef("live.owner_id", "=", "contacts.owner_id")
      .whereRef("live.email_key", "=", "contacts.email_key")
      .where("live.deleted_at", "is", null),
  );

/**
 * What the Undo of a bulk delete at `at` will do: how many of the owner's
 * contacts that delete marked are still in the trash (within the Undo
 * window), and how many of them cannot come back (a live contact holds
 * their email now).
 */
export async function deletedAtCounts(
  ownerId: string,
  at: number,
  executor = db,
  now = Date.now(),
): Promise<{ total: number; blocked: number }> {
  if (at <= now - UNDO_WINDOW_MS) return { total: 0, blocked: 0 };
  const row = await executor
    .selectFrom("contacts")
    .select((eb) => [
      eb.fn.countAll<number>().as("total"),
      eb.fn.sum<number>(eb.case().when(emailTaken(eb)).then(1).else(0).end()).as("blocked"),
    ])
    .where("owner_id", "=", ownerId)
    .where("deleted_at", "=", at)
    .executeTakeFirstOrThrow();
  return { total: Number(row.total), blocked: Number(row.blocked ?? 0) };
}

/**
 * The Undo of a bulk delete, one batch: restores up to RESTORE_BATCH of the
 * owner's contacts deleted at `at` (within the Undo window), in id order
 * after `after`, except those whose email a live contact holds now (they
 * stay in the trash). Where the next batch starts, or null when done.
 */
export async function restoreDeletedAtBatch(
  ownerId: string,
  at: number,
  after: string,
  executor = db,
  now = Date.now(),
): Promise<string | null> {
  if (at <= now - UNDO_WINDOW_MS) return null;
  const batch = await executor
    .selectFrom("contacts")
    .select("id")
    .where("owner_id", "=", ownerId)
    .where("deleted_at", "=", at)
    .where("id", ">", after)
    .orderBy("id")
    .limit(RESTORE_BATCH)
    .execute();
  if (batch.length === 0) return null;
  const ids = batch.map((row) => row.id);
  await executor
    .updateTable("contacts")
    .set({ deleted_at: null })
    .where(ownerIsByIds(ownerId))
    .where("id", "in", ids)
    .where("deleted_at", "=", at)
    .where((eb) => eb.not(emailTaken(eb)))
    .execute();
  return ids.length < RESTORE_BATCH ? null : ids[ids.length - 1]!;
}

/** How long after a delete its Undo works (checked against deleted_at, not the flash cookie). */
export const UNDO_WINDOW_MS = 10 * 60 * 1000;
/** What an Undo of many (a bulk delete, a merge) says when it is too late, or done already. */
export const UNDO_EXPIRED_MESSAGE = `Couldn't undo: more than ${UNDO_WINDOW_MS / 60_000} minutes have passed, or it was undone already.`;
/** How long a deleted contact is kept before purgeDeletedContacts removes it for good. */
export const PURGE_AFTER_MS = 30 * 24 * 60 * 60 * 1000;

export type RestoreResult =
  | { ok: true; contact: Contact }
  | { ok: false; reason: "not-found" }
  | { ok: false; reason: "expired"; name: string }
  /** `takenBy`: the live contact that holds the email now (null if it went again meanwhile) */
  | { ok: false; reason: "email-taken"; name: string; email: string; takenBy: string | null };

/**
 * Undoes the delete of the owner's contact, within `within` of it (the
 * Undo's UNDO_WINDOW_MS, or the trash's PURGE_AFTER_MS) and only while no
 * live contact of the owner holds its email. A contact that is already live
 * counts as restored, so a repeated Undo gets the same answer. Anything else
 * changes nothing and says why.
 */
export async function restoreContact(
  ownerId: string,
  id: string,
  executor = db,
  now = Date.now(),
  within = UNDO_WINDOW_MS,
): Promise<RestoreResult> {
  return inTransaction(executor, async (trx) => {
    // A savepoint, so that a unique violation (below) leaves the caller's
    // transaction usable: on Postgres a failed statement aborts it otherwise.
    await sql`savepoint restore_contact`.execute(trx);
    try {
      const row = await trx
        .updateTable("contacts")
        .set({ deleted_at: null })
        .where("owner_id", "=", ownerId)
        .where("id", "=", id)
        .where("deleted_at", ">", now - within)
        // Checked in the statement itself, so the usual case never trips the unique index.
        .where((eb) => eb.not(emailTaken(eb)))
        .returning(ALL_COLUMNS)
        .executeTakeFirst();
      await sql`release savepoint restore_contact`.execute(trx);
      if (row) return { ok: true, contact: toContact(row) };
    } catch (error) {
      // A live contact with this email committed between the check and the
      // write (Postgres, read committed): the partial unique index refused.
      // Asked again, whyNotRestored sees who holds it now.
      if (!isUniqueViolation(error)) throw error;
      await sql`rollback to savepoint restore_contact`.execute(trx);
    }
    return whyNotRestored(trx, ownerId, id, now - within);
  });
}

async function whyNotRestored(executor: typeof db, ownerId: string, id: string, since: number): Promise<RestoreResult> {
  const row = await executor
    .selectFrom("contacts")
    .select([...ALL_COLUMNS, "email_key", "deleted_at"])
    .where("owner_id", "=", ownerId)
    .where("id", "=", id)
    .executeTakeFirst();
  if (!row) return { ok: false, reason: "not-found" };
  if (row.deleted_at === null) return { ok: true, contact: toContact(row) };
  if (row.deleted_at <= since) return { ok: false, reason: "expired", name: row.name };
  // Not expired, not restored: only its address can be in the way, and it has one.
  if (row.email === null || row.email_key === null) throw new Error(`contact ${id} could not be restored, and nothing explains why`);
  const holder = await executor
    .selectFrom("contacts")
    .select("name")
    .where("owner_id", "=", ownerId)
    .where("email_key", "=", row.email_key)
    .where("deleted_at", "is", null)
    .executeTakeFirst();
  return { ok: false, reason: "email-taken", name: row.name, email: row.email, takenBy: holder?.name ?? null };
}

// ---- the trash

/** Contacts a page of the trash shows. */
export const TRASH_PAGE_SIZE = 50;

/** A contact in the trash, as its page lists it. */
export interface TrashedContact {
  id: string;
  name: string;
  email: string | null;
  company: string | null;
  deletedAt: string;
  /** when the purge removes it for good */
  purgeAt: string;
}

/** A page of the trash: its contacts, the cursors beside it (older: deleted earlier), and the whole trash's count. */
export interface TrashPage extends Omit<KeysetPage<TrashedContact>, "rows"> {
  contacts: TrashedContact[];
  /** every contact in the trash, on every page */
  total: number;
  /** the latest deletion in the trash (epoch ms), or null when it is empty: "Empty trash" removes up to it */
  latest: number | null;
}

/** The owner's contacts in the trash: deleted, and not yet PURGE_AFTER_MS ago (the purge may not have run yet). */
function inTrash(executor: typeof db, ownerId: string, now: number) {
  return executor
    .selectFrom("contacts")
    .where("owner_id", "=", ownerId)
    .where("deleted_at", "is not", null)
    .where("deleted_at", ">", now - PURGE_AFTER_MS);
}

/**
 * A page of the owner's trash, latest deletion first, by keyset over
 * (deleted_at, id) on contacts_owner_trash_idx. `cursor` comes from the URL
 * as is: a malformed one reads the first page.
 */
export async function listTrash(ownerId: string, { cursor: raw }: { cursor?: string | null } = {}, now = Date.now()): Promise<TrashPage> {
  const cursor = decodeCursor(raw ?? null);
  const rows = await trashPageQuery(ownerId, cursor, now).execute();
  if (cursor?.direction === "newer" && rows.length === 0) return listTrash(ownerId, {}, now);
  const page = keysetPage(rows, cursor, TRASH_PAGE_SIZE, (row) => ({ at: row.deleted_at!, id: row.id }));
  return {
    contacts: page.rows.map((row) => ({
      id: row.id,
      name: row.name,
      email: row.email,
      company: row.company,
      deletedAt: new Date(row.deleted_at!).toISOString(),
      purgeAt: new Date(row.deleted_at! + PURGE_AFTER_MS).toISOString(),
    })),
    older: page.older,
    newer: page.newer,
    ...(await trashSummary(ownerId, now)),
  };
}

/** How many contacts the owner's trash holds, and its latest deletion (null when it is empty). */
export async function trashSummary(ownerId: string, now = Date.now()): Promise<Pick<TrashPage, "total" | "latest">> {
  const summary = await inTrash(db, ownerId, now)
    .select((eb) => [eb.fn.countAll<number | string>().as("total"), eb.fn.max("deleted_at").as("latest")])
    .executeTakeFirstOrThrow();
  return { total: Number(summary.total), latest: summary.latest === null ? null : Number(summary.latest) };
}

/** The rows behind a page of the trash: up to TRASH_PAGE_SIZE + 1 from the cursor, in its direction (exported for the index test). */
export function trashPageQuery(ownerId: string, cursor: Cursor | null, now = Date.now()) {
  const direction = cursor?.direction === "newer" ? "asc" : "desc";
  return inTrash(db, ownerId, now)
    .select(["id", "name", "email", "company", "deleted_at"])
    .$if(cursor !== null, (qb) => qb.where(trashKeyCompared(cursor!)))
    .orderBy("deleted_at", direction)
    .orderBy("id", direction)
    .limit(TRASH_PAGE_SIZE + 1);
}

/** (deleted_at, id) past the cursor, in its direction. */
function trashKeyCompared(cursor: Cursor) {
  return sql<boolean>`(deleted_at, id) ${sql.raw(cursor.direction === "newer" ? ">" : "<")} (${cursor.at}, ${cursor.id})`;
}

/** The owner's contact in the trash with this id, or null (also for a live one, or another account's). */
export async function getTrashedContact(ownerId: string, id: string, now = Date.now()): Promise<{ id: string; name: string } | null> {
  const row = await inTrash(db, ownerId, now).select(["id", "name"]).where("id", "=", id).executeTakeFirst();
  return row ?? null;
}

/** Removes the owner's contact from the trash for good. Its name, or null if it was not in the trash. */
export async function deleteForever(ownerId: string, id: string, executor = db): Promise<{ name: string } | null> {
  const row = await executor
    .deleteFrom("contacts")
    .where("owner_id", "=", ownerId)
    .where("id", "=", id)
    .where("deleted_at", "is not", null)
    .returning("name")
    .executeTakeFirst();
  return row ?? null;
}

/**
 * Empties the owner's trash for good, up to the deletion at `upTo` (the
 * latest one the confirmation showed): a contact deleted in another tab
 * since is not swept away unseen. How many went.
 */
export async function emptyTrash(ownerId: string, { upTo }: { upTo: number }, executor = db): Promise<number> {
  const result = await executor
    .deleteFrom("contacts")
    .where("owner_id", "=", ownerId)
    .where("deleted_at", "is not", null)
    .where("deleted_at", "<=", upTo)
    .executeTakeFirst();
  return Number(result.numDeletedRows);
}

// ---- the purge

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
