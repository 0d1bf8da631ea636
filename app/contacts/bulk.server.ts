import { setImmediate as nextTurn } from "node:timers/promises";
import { db } from "#app/db.server";
import { addLabelToContacts, removeLabelFromContacts } from "#app/labels/contact-labels.server";
import { countMatching, matchingIdBatch, type Matching } from "./contact-list.server";
import { setStars } from "./star.server";
import { deletedAtCounts, deleteContacts, restoreDeletedAtBatch } from "./trash.server";

// Bulk actions on the list (decision 0036): star, unstar, add or remove a
// label, delete, on the contacts checked on a page or on every contact
// matching the list. A change is applied a batch at a time, each batch in
// one transaction (all of it or none), with a turn of the event loop
// between batches: SQLite has one writer, and a hundred thousand contacts
// in one transaction would hold it, and every request, for seconds.

/** What a bulk action does to each contact. A delete's batches share one time, which its Undo names. */
export type BulkChange =
  | { kind: "star" }
  | { kind: "unstar" }
  | { kind: "add-label"; labelId: string }
  | { kind: "remove-label"; labelId: string }
  | { kind: "delete"; at: number };

/** Contacts per batch: a transaction of a few milliseconds to a few tens. */
export const BULK_BATCH = 1000;

/**
 * Applies the change to those of `ids` that are the owner's live contacts,
 * in `executor` (the caller's transaction): how many changed. A label's
 * change writes only the pairs: an edit form opened before applies its own
 * change to the labels, not its whole set, so it keeps this one (decision
 * 0036). The caller has checked the label is the owner's.
 */
export async function applyToBatch(ownerId: string, change: BulkChange, ids: readonly string[], executor = db): Promise<number> {
  switch (change.kind) {
    case "star":
    case "unstar":
      return setStars(ownerId, ids, change.kind === "star", executor);
    case "add-label":
      return (await addLabelToContacts(ownerId, change.labelId, ids, executor)).length;
    case "remove-label":
      return (await removeLabelFromContacts(ownerId, change.labelId, ids, executor)).length;
    case "delete":
      return deleteContacts(ownerId, ids, change.at, executor);
  }
}

/**
 * The first batch of "every contact matching": its ids, applied in
 * `executor` (the write's transaction, which also claims the submission
 * key), and where the rest starts.
 */
export async function applyToFirstMatching(ownerId: string, change: BulkChange, matching: Matching, executor = db) {
  const batch = await matchingIdBatch(ownerId, matching, null, BULK_BATCH, executor);
  const changed = await applyToBatch(ownerId, change, batch.ids, executor);
  return { changed, rest: batch.ids.length < BULK_BATCH ? null : batch.last };
}

/**
 * The rest of "every contact matching", after `from` (the first batch's
 * last), a batch per transaction: how many changed.
 */
export async function applyToRestMatching(
  ownerId: string,
  change: BulkChange,
  matching: Matching,
  from: { at: number; id: string },
): Promise<number> {
  let changed = 0;
  let after: { at: number; id: string } | null = from;
  while (after) {
    await nextTurn();
    const start: { at: number; id: string } = after;
    after = await db.transaction().execute(async (trx) => {
      const batch = await matchingIdBatch(ownerId, matching, start, BULK_BATCH, trx);
      changed += await applyToBatch(ownerId, change, batch.ids, trx);
      return batch.ids.length < BULK_BATCH ? null : batch.last;
    });
  }
  return changed;
}

/** Which contacts a bulk action is about: those checked on the page, or every one matching the list. */
export type BulkSelection = { ids: readonly string[] } | { matching: Matching };

/**
 * Runs a bulk action in `executor` (the write's transaction): the checked
 * contacts whole, or the first batch of every contact matching. How many it
 * is about, and what is left to run once the transaction has committed
 * (the other batches, each in a transaction of its own), if anything.
 */
export async function runBulk(
  ownerId: string,
  change: BulkChange,
  selection: BulkSelection,
  executor = db,
): Promise<{ count: number; rest: (() => Promise<void>) | null }> {
  if ("ids" in selection) return { count: await applyToBatch(ownerId, change, selection.ids, executor), rest: null };
  const count = await countMatching(ownerId, selection.matching, executor);
  const first = await applyToFirstMatching(ownerId, change, selection.matching, executor);
  const from = first.rest;
  return { count, rest: from ? async () => void (await applyToRestMatching(ownerId, change, selection.matching, from)) : null };
}

/**
 * The Undo of a bulk delete at `at`, in `executor` (the write's
 * transaction): how many come back and how many cannot (a live contact
 * holds their email now), the first batch restored, and the rest to run
 * once it has committed, a batch per transaction.
 */
export async function undoBulkDelete(ownerId: string, at: number, executor = db) {
  const { total, blocked } = await deletedAtCounts(ownerId, at, executor);
  const next = total === 0 ? null : await restoreDeletedAtBatch(ownerId, at, "", executor);
  const rest =
    next === null
      ? null
      : async () => {
          for (let after: string | null = next; after !== null;) {
            await nextTurn();
            const from: string = after;
            after = await db.transaction().execute((trx) => restoreDeletedAtBatch(ownerId, at, from, trx));
          }
        };
  return { total, blocked, rest };
}
