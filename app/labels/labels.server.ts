import { isUniqueViolation } from "#db/errors";
import { db } from "#app/db.server";
import { isId, newId } from "#app/shared/ids";
import { fold } from "#app/shared/text";

// An account's labels (decision 0034): the only code that knows the labels
// table. Every function takes the owner's id and puts it in every `where`.

export interface Label {
  id: string;
  name: string;
}

export type LabelWriteResult = { ok: true; label: Label } | { ok: false; reason: "duplicate-name" | "not-found" };

// An account has tens of labels, not millions: they are put in order here,
// the same on both databases, with accents and case set aside ("Ölmez"
// between "Oak" and "Pine"), which neither database's order does alike.
const BY_NAME = new Intl.Collator("en", { sensitivity: "base", numeric: true });

/** The owner's labels, A to Z, ignoring case and accents. */
export async function listLabels(ownerId: string, executor = db): Promise<Label[]> {
  const labels = await executor.selectFrom("labels").select(["id", "name"]).where("owner_id", "=", ownerId).execute();
  return labels.sort(byName);
}

/** The order of labels everywhere they are listed: A to Z, ignoring case and accents, then as written. */
export function byName(a: { name: string }, b: { name: string }): number {
  return BY_NAME.compare(a.name, b.name) || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0);
}

/** The owner's label with this id, or null (also for another account's, or a malformed id). */
export async function getLabel(ownerId: string, id: string, executor = db): Promise<Label | null> {
  if (!isId(id)) return null;
  const label = await executor
    .selectFrom("labels")
    .select(["id", "name"])
    .where("owner_id", "=", ownerId)
    .where("id", "=", id)
    .executeTakeFirst();
  return label ?? null;
}

/** A new label for the owner; refused when one of theirs has the same name, ignoring case. */
export async function createLabel(ownerId: string, name: string, executor = db): Promise<LabelWriteResult> {
  const now = Date.now();
  try {
    const label = await executor
      .insertInto("labels")
      .values({ id: newId(), owner_id: ownerId, name, name_key: fold(name), created_at: now, updated_at: now })
      .returning(["id", "name"])
      .executeTakeFirstOrThrow();
    return { ok: true, label };
  } catch (error) {
    // The unique index decides, so two tabs creating one name at once get one label.
    if (isUniqueViolation(error)) return { ok: false, reason: "duplicate-name" };
    throw error;
  }
}

/** Renames the owner's label; refused when another of theirs has that name, ignoring case. */
export async function renameLabel(ownerId: string, id: string, name: string, executor = db): Promise<LabelWriteResult> {
  try {
    const label = await executor
      .updateTable("labels")
      .set({ name, name_key: fold(name), updated_at: Date.now() })
      .where("owner_id", "=", ownerId)
      .where("id", "=", id)
      .returning(["id", "name"])
      .executeTakeFirst();
    return label ? { ok: true, label } : { ok: false, reason: "not-found" };
  } catch (error) {
    if (isUniqueViolation(error)) return { ok: false, reason: "duplicate-name" };
    throw error;
  }
}

/** Deletes the owner's label (its contacts stay). Its name, or null if they have no such label. */
export async function deleteLabel(ownerId: string, id: string, executor = db): Promise<{ name: string } | null> {
  const row = await executor.deleteFrom("labels").where("owner_id", "=", ownerId).where("id", "=", id).returning("name").executeTakeFirst();
  return row ?? null;
}
