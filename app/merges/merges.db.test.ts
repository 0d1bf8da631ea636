import { describe, expect, it } from "vitest";
import { db } from "#app/db.server";
import { getContact, updateContact, type Contact } from "#app/contacts/contacts.server";
import { setStar } from "#app/contacts/star.server";
import { UNDO_WINDOW_MS } from "#app/contacts/trash.server";
import { labelsOfContact, setContactLabels } from "#app/labels/contact-labels.server";
import { deleteLabel } from "#app/labels/labels.server";
import { contactInput, createTestContact, createTestLabel, createTestUser } from "#tests/factories";
import { COMBINED, type MergeChoices } from "./merge-plan";
import { mergeContacts, mergeGroup, purgeMerges, undoMerge } from "./merges.server";

// Merging duplicates (decision 0037) on both databases: the kept contact is
// the most recently changed, with the chosen values, every label and any
// star; the others go to the trash at one time; a stale member is a
// conflict that changes nothing; the Undo puts everything back, and only
// while the kept contact is as the merge left it.

/** Refusals roll back, as the route's transaction does. */
class Refused extends Error {
  constructor(readonly result: unknown) {
    super("refused");
  }
}

async function inRollbackOnRefusal<T extends { ok: boolean }>(run: (trx: Parameters<typeof mergeContacts>[3]) => Promise<T>): Promise<T> {
  try {
    return await db.transaction().execute(async (trx) => {
      const result = await run(trx);
      if (!result.ok) throw new Refused(result);
      return result;
    });
  } catch (error) {
    if (error instanceof Refused) return error.result as T;
    throw error;
  }
}

const merge = (ownerId: string, members: readonly Pick<Contact, "id" | "version">[], choices: MergeChoices = {}) =>
  inRollbackOnRefusal((trx) => mergeContacts(ownerId, members, choices, trx));

const undo = (ownerId: string, mergeId: string, now?: number) => inRollbackOnRefusal((trx) => undoMerge(ownerId, mergeId, trx, now));

/** Sets when a contact was last changed (the group's order and defaults read it). */
async function changedAt(contact: Contact, at: number) {
  await db.updateTable("contacts").set({ updated_at: at }).where("id", "=", contact.id).execute();
}

const row = (id: string) => db.selectFrom("contacts").selectAll().where("id", "=", id).executeTakeFirstOrThrow();

async function duplicates(ownerId: string) {
  const older = await createTestContact(ownerId, { name: "Ada Lovelace", company: "Engines", phone: null, notes: "Met at the RS." });
  const newer = await createTestContact(ownerId, { name: "Ada Lovelace", company: null, phone: "+44 20 7946 0000", notes: "Likes maths." });
  await changedAt(older, 1_000_000);
  await changedAt(newer, 2_000_000);
  return { older, newer };
}

describe(`merging duplicates (${process.env.TEST_DIALECT})`, () => {
  it("keeps the most recently changed with the chosen values, every label and a star, and trashes the others at one time", async () => {
    const owner = await createTestUser();
    const { older, newer } = await duplicates(owner.id);
    const third = await createTestContact(owner.id, { name: "A. Lovelace", phone: "020 7946 0000" });
    await changedAt(third, 500_000);
    const [family, work] = [await createTestLabel(owner.id, "Family"), await createTestLabel(owner.id, "Work")];
    await setContactLabels(owner.id, older.id, [family.id, work.id]);
    await setContactLabels(owner.id, newer.id, [work.id]);
    await setStar(owner.id, third.id, true);

    const group = await mergeGroup(owner.id, [third.id, older.id, newer.id]);
    expect(group!.map((m) => m.id)).toEqual([newer.id, older.id, third.id]);

    // The older one's address, the third's name; company and phone by default; notes combined.
    const result = await merge(owner.id, group!, { email: older.id, name: third.id });
    expect(result).toMatchObject({ ok: true, trashed: 2 });
    if (!result.ok) return;
    const kept = (await getContact(owner.id, newer.id))!;
    expect(kept).toMatchObject({
      name: "A. Lovelace",
      email: older.email,
      company: "Engines",
      phone: "+44 20 7946 0000",
      notes: "Likes maths.\n\nMet at the RS.",
      starred: true,
      version: newer.version + 1,
    });
    expect((await labelsOfContact(owner.id, newer.id)).map((l) => l.name)).toEqual(["Family", "Work"]);
    // The others are in the trash, deleted at one time, with their labels (a restore brings them back whole).
    const [a, b] = [await row(older.id), await row(third.id)];
    expect(a.deleted_at).not.toBeNull();
    expect(a.deleted_at).toBe(b.deleted_at);
    expect((await labelsOfContact(owner.id, older.id)).map((l) => l.name)).toEqual(["Family", "Work"]);
    // The kept contact's search and sort keys follow its new values.
    expect((await row(newer.id)).search).toContain("engines");
  });

  it("is a conflict, and changes nothing, when a member changed since the page; a missing member is gone", async () => {
    const owner = await createTestUser();
    const stranger = await createTestUser();
    const { older, newer } = await duplicates(owner.id);
    const seen = (await mergeGroup(owner.id, [older.id, newer.id]))!;
    await updateContact(owner.id, older.id, contactInput({ name: "Ada L.", email: older.email }), older.version);

    const stale = await merge(owner.id, seen);
    expect(stale).toMatchObject({ ok: false, reason: "conflict", changed: ["Ada L."] });
    expect((await getContact(owner.id, newer.id))!.version).toBe(newer.version);
    expect(await getContact(owner.id, older.id)).not.toBeNull();
    expect(await db.selectFrom("merges").select("id").where("owner_id", "=", owner.id).execute()).toEqual([]);

    const theirs = await createTestContact(stranger.id);
    expect(await merge(owner.id, [newer, { id: theirs.id, version: 1 }])).toEqual({ ok: false, reason: "gone" });
    expect(await merge(stranger.id, [newer, theirs])).toEqual({ ok: false, reason: "gone" });
    expect(await getContact(stranger.id, theirs.id)).not.toBeNull();
  });

  it("refuses combined notes too long for the field, and changes nothing", async () => {
    const owner = await createTestUser();
    const { older, newer } = await duplicates(owner.id);
    await updateContact(owner.id, older.id, contactInput({ name: "Ada Lovelace", email: older.email, notes: "a".repeat(495) }), 1);
    await changedAt(older, 1_000_000);
    const group = (await mergeGroup(owner.id, [older.id, newer.id]))!;
    expect(await merge(owner.id, group, { notes: COMBINED })).toMatchObject({ ok: false, reason: "invalid", field: "notes" });
    expect(await getContact(owner.id, older.id)).not.toBeNull();
  });

  it("undoes: the kept contact as it was (fields, labels, star), the others back; once", async () => {
    const owner = await createTestUser();
    const { older, newer } = await duplicates(owner.id);
    const family = await createTestLabel(owner.id, "Family");
    const gone = await createTestLabel(owner.id, "Gone soon");
    await setContactLabels(owner.id, newer.id, [gone.id]);
    await setContactLabels(owner.id, older.id, [family.id]);
    await setStar(owner.id, older.id, true);
    const before = (await getContact(owner.id, newer.id))!;

    const merged = await merge(owner.id, (await mergeGroup(owner.id, [older.id, newer.id]))!, { email: older.id });
    if (!merged.ok) throw new Error("merge refused");
    // A label of the kept one's is deleted meanwhile: the Undo puts back the others.
    await deleteLabel(owner.id, gone.id);

    const undone = await undo(owner.id, merged.mergeId);
    expect(undone).toEqual({ ok: true, kept: { id: newer.id, name: "Ada Lovelace" }, restored: 1, blocked: [] });
    const kept = (await getContact(owner.id, newer.id))!;
    expect({ ...kept, version: 0, updatedAt: "" }).toEqual({ ...before, version: 0, updatedAt: "" });
    expect(kept.version).toBe(before.version + 2); // a form opened on the merged contact is stale now
    expect(await labelsOfContact(owner.id, newer.id)).toEqual([]);
    expect(await getContact(owner.id, older.id)).toMatchObject({ email: older.email, starred: true });
    expect((await labelsOfContact(owner.id, older.id)).map((l) => l.name)).toEqual(["Family"]);

    expect(await undo(owner.id, merged.mergeId)).toEqual({ ok: false, reason: "expired" });
  });

  it("refuses the Undo, changing nothing, if the kept contact changed after the merge, or its old address is taken, or it is late", async () => {
    const owner = await createTestUser();
    const stranger = await createTestUser();

    const first = await duplicates(owner.id);
    const m1 = await merge(owner.id, (await mergeGroup(owner.id, [first.older.id, first.newer.id]))!);
    if (!m1.ok) throw new Error("merge refused");
    await updateContact(owner.id, first.newer.id, contactInput({ name: "Edited after", email: first.newer.email }), m1.kept.version);
    expect(await undo(owner.id, m1.mergeId)).toEqual({ ok: false, reason: "changed", name: "Edited after" });
    expect(await getContact(owner.id, first.older.id)).toBeNull();
    // Not the stranger's to undo.
    expect(await undo(stranger.id, m1.mergeId)).toEqual({ ok: false, reason: "expired" });

    const second = await duplicates(owner.id);
    const m2 = await merge(owner.id, (await mergeGroup(owner.id, [second.older.id, second.newer.id]))!, { email: second.older.id });
    if (!m2.ok) throw new Error("merge refused");
    // A new contact takes the kept one's old address.
    await createTestContact(owner.id, { name: "Newcomer", email: second.newer.email });
    expect(await undo(owner.id, m2.mergeId)).toEqual({ ok: false, reason: "email-taken", name: "Ada Lovelace", email: second.newer.email });
    expect((await getContact(owner.id, second.newer.id))!.email).toBe(second.older.email);
    expect(await getContact(owner.id, second.older.id)).toBeNull();

    const third = await duplicates(owner.id);
    const m3 = await merge(owner.id, (await mergeGroup(owner.id, [third.older.id, third.newer.id]))!);
    if (!m3.ok) throw new Error("merge refused");
    expect(await undo(owner.id, m3.mergeId, Date.now() + UNDO_WINDOW_MS + 1)).toEqual({ ok: false, reason: "expired" });
    // The maintenance job removes merges past their Undo.
    expect(await purgeMerges(Date.now() + UNDO_WINDOW_MS + 1)).toBeGreaterThanOrEqual(3);
    expect(await db.selectFrom("merges").select("id").where("owner_id", "=", owner.id).execute()).toEqual([]);
  });

  it("leaves in the trash, and names, a merged contact whose address another contact took meanwhile", async () => {
    const owner = await createTestUser();
    const { older, newer } = await duplicates(owner.id);
    const merged = await merge(owner.id, (await mergeGroup(owner.id, [older.id, newer.id]))!);
    if (!merged.ok) throw new Error("merge refused");
    await createTestContact(owner.id, { name: "Newcomer", email: older.email });
    expect(await undo(owner.id, merged.mergeId)).toMatchObject({ ok: true, restored: 0, blocked: ["Ada Lovelace"] });
    expect(await getContact(owner.id, older.id)).toBeNull();
    expect((await getContact(owner.id, newer.id))!.notes).toBe("Likes maths.");
  });
});
