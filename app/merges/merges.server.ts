import type { Transaction } from "kysely";
import type { Database } from "#db/schema";
import { db } from "#app/db.server";
import { CONTACT_FIELD_NAMES, type ContactFields } from "#app/contacts/contact-fields";
import { getContact, getContacts, updateContact, type Contact } from "#app/contacts/contacts.server";
import { setStar } from "#app/contacts/star.server";
import { deleteContactsAtVersions, restoreContact, UNDO_WINDOW_MS } from "#app/contacts/trash.server";
import { attachLabels, labelsOfContacts, setContactLabels } from "#app/labels/contact-labels.server";
import { byName, listLabels, type Label } from "#app/labels/labels.server";
import { newId } from "#app/shared/ids";
import { byMostRecent, mergePlan, resolveMerge, type MergeChoices, type MergeMember, type MergeView } from "./merge-plan";

// Merging duplicates (decision 0037): the only code that knows the merges
// table. A merge keeps the group's most recently changed contact, gives it
// the chosen values, every member's labels and a star if any had one, and
// moves the others to the trash, all in the caller's transaction (the
// write's, with its submission key), and only while every member is at the
// version the page showed. What the kept contact was before is stored, so
// that the merge can be undone for UNDO_WINDOW_MS, as a delete can.

/** The owner's live contacts `ids` with their labels, most recently changed first; null if any is missing (deleted, merged, another account's). */
export async function mergeGroup(ownerId: string, ids: readonly string[], executor = db): Promise<MergeMember[] | null> {
  const wanted = [...new Set(ids)];
  const contacts = await getContacts(ownerId, wanted, executor);
  if (contacts.length !== wanted.length) return null;
  const labels = await labelsOfContacts(ownerId, wanted, executor);
  return contacts.map((contact) => ({ ...contact, labels: labels.get(contact.id) ?? [] })).sort(byMostRecent);
}

/** The group's labels, every member's once, A to Z: what the kept contact will carry. */
export function unionOfLabels(members: readonly MergeMember[]): Label[] {
  const byId = new Map(members.flatMap((member) => member.labels.map((label) => [label.id, label] as const)));
  return [...byId.values()].sort(byName);
}

/** What the merge page shows of the group (merge-form.tsx). */
export function mergeView(members: MergeMember[]): MergeView {
  return { members, plan: mergePlan(members), labels: unionOfLabels(members), starred: members.some((member) => member.starred) };
}

/** What the kept contact was before the merge: what its Undo puts back. */
interface Before {
  fields: ContactFields;
  labelIds: string[];
  starred: boolean;
}

export type MergeResult =
  | { ok: true; kept: Contact; trashed: number; mergeId: string }
  /** a member is not a live contact of the owner's any more */
  | { ok: false; reason: "gone" }
  /** a member changed since the page was shown: the group as it is now, and who changed */
  | { ok: false; reason: "conflict"; members: MergeMember[]; changed: string[] }
  /** a choice the group cannot satisfy (combined notes too long, a member that is not in it) */
  | { ok: false; reason: "invalid"; field: keyof ContactFields; message: string };

/**
 * Merges the owner's contacts `expected` (each at the version the merge page
 * showed) with these choices, in `trx`. Anything but `ok` has written
 * nothing the caller should keep: it rolls its transaction back.
 */
export async function mergeContacts(
  ownerId: string,
  expected: readonly { id: string; version: number }[],
  choices: MergeChoices,
  trx: Transaction<Database>,
): Promise<MergeResult> {
  const members = await mergeGroup(
    ownerId,
    expected.map((member) => member.id),
    trx,
  );
  if (!members) return { ok: false, reason: "gone" };
  const versions = new Map(expected.map((member) => [member.id, member.version]));
  const conflict = (group: MergeMember[]): MergeResult => ({
    ok: false,
    reason: "conflict",
    members: group,
    changed: group.filter((member) => versions.get(member.id) !== member.version).map((member) => member.name),
  });
  if (members.some((member) => versions.get(member.id) !== member.version)) return conflict(members);
  const resolved = resolveMerge(members, choices);
  if (!resolved.ok) return { ok: false, reason: "invalid", field: resolved.field, message: resolved.message };

  const [kept, ...others] = members as [MergeMember, ...MergeMember[]];
  const at = Date.now();
  // The others first: the kept contact may take one of their addresses, which must leave the live contacts before.
  // Both writes check the version in their WHERE: a save that committed since the read above makes this a conflict.
  const trashed = await deleteContactsAtVersions(ownerId, others, at, trx);
  const updated = trashed ? await updateContact(ownerId, kept.id, resolved.fields, kept.version, trx) : null;
  if (!updated?.ok) {
    if (updated?.reason === "duplicate-email") throw new Error(`merge into ${kept.id}: its new address was taken meanwhile`);
    const now = await mergeGroup(
      ownerId,
      members.map((member) => member.id),
      trx,
    );
    return now ? conflict(now) : { ok: false, reason: "gone" };
  }
  const keptLabels = new Set(kept.labels.map((label) => label.id));
  await attachLabels(
    unionOfLabels(others)
      .filter((label) => !keptLabels.has(label.id))
      .map((label) => ({ contactId: kept.id, labelId: label.id })),
    trx,
  );
  if (!kept.starred && others.some((member) => member.starred)) await setStar(ownerId, kept.id, true, trx);

  const before: Before = { fields: fieldsOf(kept), labelIds: [...keptLabels], starred: kept.starred };
  const mergeId = newId();
  await trx
    .insertInto("merges")
    .values({
      id: mergeId,
      owner_id: ownerId,
      kept_id: kept.id,
      kept_version: updated.contact.version,
      before: JSON.stringify(before),
      trashed_ids: JSON.stringify(others.map((member) => member.id)),
      created_at: at,
    })
    .execute();
  return { ok: true, kept: updated.contact, trashed: others.length, mergeId };
}

function fieldsOf(contact: Contact): ContactFields {
  return Object.fromEntries(CONTACT_FIELD_NAMES.map((name) => [name, contact[name]])) as ContactFields;
}

export type UndoMergeResult =
  | { ok: true; kept: { id: string; name: string }; restored: number; blocked: string[] }
  /** too late (UNDO_WINDOW_MS), undone already, or not the owner's */
  | { ok: false; reason: "expired" }
  /** the kept contact was changed (or deleted) since the merge: undoing it would lose that */
  | { ok: false; reason: "changed"; name: string }
  /** the kept contact's old address belongs to another contact now */
  | { ok: false; reason: "email-taken"; name: string; email: string };

/**
 * Undoes the owner's merge, in `trx`: the kept contact gets back its
 * fields, labels and star, and the others come back from the trash (but
 * one whose address another contact holds now: it stays there, and is
 * named). Only while the kept contact is as the merge left it. Anything
 * but `ok` has written nothing the caller should keep.
 */
export async function undoMerge(ownerId: string, mergeId: string, trx: Transaction<Database>, now = Date.now()): Promise<UndoMergeResult> {
  const merge = await trx
    .selectFrom("merges")
    .selectAll()
    .where("id", "=", mergeId)
    .where("owner_id", "=", ownerId)
    .where("created_at", ">", now - UNDO_WINDOW_MS)
    .executeTakeFirst();
  if (!merge) return { ok: false, reason: "expired" };
  const before = JSON.parse(merge.before) as Before;
  const kept = await getContact(ownerId, merge.kept_id, trx);
  if (!kept || kept.version !== merge.kept_version) return { ok: false, reason: "changed", name: kept?.name ?? before.fields.name };

  const reverted = await updateContact(ownerId, kept.id, before.fields, merge.kept_version, trx);
  if (!reverted.ok) {
    if (reverted.reason === "duplicate-email")
      return { ok: false, reason: "email-taken", name: before.fields.name, email: before.fields.email! };
    return { ok: false, reason: "changed", name: kept.name };
  }
  // Its labels as they were, but those deleted since.
  const labels = new Set((await listLabels(ownerId, trx)).map((label) => label.id));
  await setContactLabels(
    ownerId,
    kept.id,
    before.labelIds.filter((id) => labels.has(id)),
    trx,
  );
  if (!before.starred && kept.starred) await setStar(ownerId, kept.id, false, trx);

  let restored = 0;
  const blocked: string[] = [];
  for (const id of JSON.parse(merge.trashed_ids) as string[]) {
    const result = await restoreContact(ownerId, id, trx, now, UNDO_WINDOW_MS);
    if (result.ok) restored += 1;
    else if (result.reason === "email-taken") blocked.push(result.name);
    // Deleted for good since: nothing to bring back.
  }
  await trx.deleteFrom("merges").where("id", "=", merge.id).execute();
  return { ok: true, kept: { id: kept.id, name: reverted.contact.name }, restored, blocked };
}

/** Removes the merges whose Undo has expired (the maintenance job); how many went. */
export async function purgeMerges(now = Date.now()): Promise<number> {
  const result = await db
    .deleteFrom("merges")
    .where("created_at", "<=", now - UNDO_WINDOW_MS)
    .executeTakeFirst();
  return Number(result.numDeletedRows);
}
