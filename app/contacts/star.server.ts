import { db } from "#app/db.server";
import { ownerIsByIds } from "./contacts.server";

// The contacts table, the star: the only code that writes starred_at. A star
// is the owner's mark, not part of the contact's fields: setting it changes
// neither `version` (an edit form opened before stays current) nor
// `updated_at` (the "recently changed" order is about the contact itself).

/**
 * Stars (or unstars) the owner's live contact. Sets the state asked for
 * rather than flipping it, so a retry or a second tab agrees with the first.
 * Its name, or null if the owner has no such live contact.
 */
export async function setStar(ownerId: string, id: string, starred: boolean, executor = db): Promise<{ name: string } | null> {
  const row = await executor
    .updateTable("contacts")
    .set((eb) => ({
      // A star keeps its first time while it stays on.
      starred_at: starred ? eb.fn.coalesce("starred_at", eb.val(Date.now())) : null,
    }))
    .where("owner_id", "=", ownerId)
    .where("id", "=", id)
    .where("deleted_at", "is", null)
    .returning("name")
    .executeTakeFirst();
  return row ?? null;
}

/** Stars (or unstars) those of `ids` that are the owner's live contacts (a bulk action's batch); how many changed. */
export async function setStars(ownerId: string, ids: readonly string[], starred: boolean, executor = db): Promise<number> {
  if (ids.length === 0) return 0;
  const result = await executor
    .updateTable("contacts")
    .set({ starred_at: starred ? Date.now() : null })
    .where(ownerIsByIds(ownerId))
    .where("id", "in", [...ids])
    .where("deleted_at", "is", null)
    .where("starred_at", starred ? "is" : "is not", null)
    .executeTakeFirst();
  return Number(result.numUpdatedRows);
}
