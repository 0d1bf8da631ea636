import { sql, type SelectQueryBuilder, type SqlBool } from "kysely";
import type { Database } from "#db/schema";
import { db } from "#app/db.server";
import { ownerIsByIds } from "#app/contacts/contacts.server";
import { isId, newId } from "#app/shared/ids";
import { fold } from "#app/shared/text";
import { byName, type Label } from "./labels.server";

// Which contacts carry which label (decision 0034): the only code that knows
// the contact_labels table. Every function takes the owner's id: a label is
// attached only if it is the owner's (the insert reads it from their labels),
// and only the owner's labels are read back. The caller checks the contact
// is the owner's (it has just read or written it in the same transaction).

/**
 * Gives the owner's contact exactly the labels `labelIds` (the edit form's
 * checkboxes). False, and nothing changed, if any of them is not one of the
 * owner's labels: the caller answers 404 and its transaction rolls back.
 */
export async function setContactLabels(ownerId: string, contactId: string, labelIds: readonly string[], executor = db): Promise<boolean> {
  const wanted = [...new Set(labelIds)];
  if (!(await ownsLabels(ownerId, wanted, executor))) return false;
  await executor
    .deleteFrom("contact_labels")
    .where("contact_id", "=", contactId)
    .$if(wanted.length > 0, (qb) => qb.where("label_id", "not in", wanted))
    .execute();
  await attachLabels(
    wanted.map((labelId) => ({ contactId, labelId })),
    executor,
  );
  return true;
}

/**
 * Applies an edit form's change to the owner's contact's labels: adds those
 * checked that were not (`after` minus `before`), takes off those unchecked
 * that were, and leaves any other alone, such as a label a bulk action put
 * on meanwhile (the form did not know it, so it did not take it off).
 * False, and nothing changed, if any is not one of the owner's labels.
 */
export async function changeContactLabels(
  ownerId: string,
  contactId: string,
  before: readonly string[],
  after: readonly string[],
  executor = db,
): Promise<boolean> {
  const added = after.filter((id) => !before.includes(id));
  const removed = before.filter((id) => !after.includes(id));
  if (!(await ownsLabels(ownerId, [...added, ...removed], executor))) return false;
  if (removed.length)
    await executor.deleteFrom("contact_labels").where("contact_id", "=", contactId).where("label_id", "in", removed).execute();
  await attachLabels(
    added.map((labelId) => ({ contactId, labelId })),
    executor,
  );
  return true;
}

/** Every id in `labelIds` is one of the owner's labels. */
export async function ownsLabels(ownerId: string, labelIds: readonly string[], executor = db): Promise<boolean> {
  const wanted = [...new Set(labelIds)];
  if (wanted.length === 0) return true;
  if (!wanted.every(isId)) return false;
  const found = await executor
    .selectFrom("labels")
    .select((eb) => eb.fn.countAll<number>().as("count"))
    .where("owner_id", "=", ownerId)
    .where("id", "in", wanted)
    .executeTakeFirstOrThrow();
  return Number(found.count) === wanted.length;
}

/** The labels of the owner's contact, A to Z. */
export async function labelsOfContact(ownerId: string, contactId: string, executor = db): Promise<Label[]> {
  return (await labelsOfContacts(ownerId, [contactId], executor)).get(contactId) ?? [];
}

/** The labels of each of these contacts of the owner's (a page of the list), A to Z; a contact without any is absent. */
export async function labelsOfContacts(ownerId: string, contactIds: readonly string[], executor = db): Promise<Map<string, Label[]>> {
  const byContact = new Map<string, Label[]>();
  if (contactIds.length === 0) return byContact;
  // The pairs by their primary key first (a CROSS JOIN keeps SQLite in this
  // order): from the owner's labels it would read every label's index for
  // each contact, 21 ms against 2 ms for an export's batch of 1,000.
  const rows = await executor
    .selectFrom("contact_labels")
    .crossJoin("labels")
    .select(["contact_labels.contact_id", "labels.id", "labels.name"])
    .where(sql<SqlBool>`labels.id = contact_labels.label_id`)
    .where("labels.owner_id", "=", ownerId)
    .where("contact_labels.contact_id", "in", [...contactIds])
    .execute();
  for (const row of rows.sort((a, b) => byName(a, b))) {
    const labels = byContact.get(row.contact_id) ?? [];
    labels.push({ id: row.id, name: row.name });
    byContact.set(row.contact_id, labels);
  }
  return byContact;
}

/**
 * How many live contacts (not in the trash) carry each of the owner's
 * labels; a label on none is absent. One pass over the label index and the
 * contacts it names.
 */
export async function labelCounts(ownerId: string, executor = db): Promise<Map<string, number>> {
  const rows = await executor
    .selectFrom("labels")
    .innerJoin("contact_labels", "contact_labels.label_id", "labels.id")
    .innerJoin("contacts", "contacts.id", "contact_labels.contact_id")
    .select(["labels.id", (eb) => eb.fn.countAll<number>().as("count")])
    .where("labels.owner_id", "=", ownerId)
    .where("contacts.deleted_at", "is", null)
    .groupBy("labels.id")
    .execute();
  return new Map(rows.map((row) => [row.id, Number(row.count)]));
}

/**
 * The owner's labels with these names (as a file names them), created where
 * they have none with that name ignoring case: each name's folded key and its
 * label's id. Two imports creating one name at once get one label (the unique
 * index, and DO NOTHING on the loser).
 */
export async function labelsNamed(ownerId: string, names: readonly string[], executor = db): Promise<Map<string, string>> {
  const byKey = new Map<string, string>();
  for (const name of names) if (!byKey.has(fold(name))) byKey.set(fold(name), name);
  if (byKey.size === 0) return new Map();
  const now = Date.now();
  const found = new Map<string, string>();
  const wanted = [...byKey];
  // A thousand names a statement: a file may name any number of labels.
  for (let start = 0; start < wanted.length; start += 1000) {
    const chunk = wanted.slice(start, start + 1000);
    await executor
      .insertInto("labels")
      .values(chunk.map(([key, name]) => ({ id: newId(), owner_id: ownerId, name, name_key: key, created_at: now, updated_at: now })))
      .onConflict((oc) => oc.columns(["owner_id", "name_key"]).doNothing())
      .execute();
    const rows = await executor
      .selectFrom("labels")
      .select(["id", "name_key"])
      .where("owner_id", "=", ownerId)
      .where(
        "name_key",
        "in",
        chunk.map(([key]) => key),
      )
      .execute();
    for (const row of rows) found.set(row.name_key, row.id);
  }
  return found;
}

/** Attaches label ids to contact ids, pairs the caller has checked are the owner's (an import's new contacts and labelsNamed's ids; a form's checked labels); none is nothing to do. */
export async function attachLabels(pairs: readonly { contactId: string; labelId: string }[], executor = db): Promise<void> {
  // Two columns a pair: far below either database's limit on bind parameters per statement.
  for (let start = 0; start < pairs.length; start += 10_000) {
    await executor
      .insertInto("contact_labels")
      .values(pairs.slice(start, start + 10_000).map(({ contactId, labelId }) => ({ contact_id: contactId, label_id: labelId })))
      .onConflict((oc) => oc.doNothing())
      .execute();
  }
}

/** A condition for a query of contacts: the contact carries the label. */
export function carriesLabel(labelId: string) {
  return sql<SqlBool>`exists (select 1 from contact_labels where contact_labels.contact_id = contacts.id and contact_labels.label_id = ${labelId})`;
}

/**
 * Up to `limit` of the label's contacts' ids, any order, trashed ones too
 * (from the label's index alone): the list's label plan asks for one more
 * than it will gather to learn whether the label is small.
 */
export function labelMembersQuery(labelId: string, limit: number, executor = db) {
  return executor.selectFrom("contact_labels").select("contact_id").where("label_id", "=", labelId).limit(limit);
}

/**
 * The label's contacts, read from the label's index first (a CROSS JOIN
 * tells SQLite to), for the list to narrow and sort: the label plan's gather.
 */
export function labelContacts(labelId: string, executor = db) {
  return executor
    .selectFrom("contact_labels")
    .crossJoin("contacts")
    .where(sql<SqlBool>`contacts.id = contact_labels.contact_id`)
    .where("contact_labels.label_id", "=", labelId);
}

/**
 * Puts the owner's label on those of `contactIds` that are the owner's live
 * contacts and do not have it yet (a bulk action's batch; the caller has
 * checked the label is the owner's). The ids of the contacts that got it.
 */
export async function addLabelToContacts(
  ownerId: string,
  labelId: string,
  contactIds: readonly string[],
  executor = db,
): Promise<string[]> {
  if (contactIds.length === 0) return [];
  const rows = await executor
    .insertInto("contact_labels")
    .columns(["contact_id", "label_id"])
    .expression((eb) => liveOf(eb.selectFrom("contacts"), ownerId, contactIds).select(["contacts.id", eb.val(labelId).as("label_id")]))
    .onConflict((oc) => oc.doNothing())
    .returning("contact_id")
    .execute();
  return rows.map((row) => row.contact_id);
}

/** Those of `contactIds` that are the owner's live contacts (a bulk action's batch). */
function liveOf<O>(qb: SelectQueryBuilder<Database, "contacts", O>, ownerId: string, contactIds: readonly string[]) {
  return qb
    .where(ownerIsByIds(ownerId))
    .where("contacts.id", "in", [...contactIds])
    .where("contacts.deleted_at", "is", null);
}

/** Takes the label off those of `contactIds` that are the owner's live contacts; the ids of those that had it. */
export async function removeLabelFromContacts(
  ownerId: string,
  labelId: string,
  contactIds: readonly string[],
  executor = db,
): Promise<string[]> {
  if (contactIds.length === 0) return [];
  const rows = await executor
    .deleteFrom("contact_labels")
    .where("label_id", "=", labelId)
    .where("contact_id", "in", (eb) => liveOf(eb.selectFrom("contacts"), ownerId, contactIds).select("contacts.id"))
    .returning("contact_id")
    .execute();
  return rows.map((row) => row.contact_id);
}
