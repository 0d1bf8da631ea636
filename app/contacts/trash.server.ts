import { sql } from "kysely";
import { inTransaction } from "#db/database.server";
import { isUniqueViolation } from "#db/errors";
import { db } from "#app/db.server";
import { ALL_COLUMNS, toContact, type Contact } from "./contacts.server";

// The contacts table, part 3 of 3: deleting (softly: the row is marked and
// hidden everywhere), the Undo, and the purge of what was deleted long ago
// (decision 0015). The only code that writes deleted_at.

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
        .where("deleted_at", ">", now - UNDO_WINDOW_MS)
        // Checked in the statement itself, so the usual case never trips the unique index.
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
    return whyNotRestored(trx, ownerId, id, now);
  });
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
