import { describe, expect, it } from "vitest";
import { db } from "#app/db.server";
import { labelCounts, labelsOfContact, setContactLabels } from "#app/labels/contact-labels.server";

import { contactInput, createTestContact, createTestUser, createTestLabel } from "#tests/factories";
import { BULK_BATCH, runBulk, undoBulkDelete } from "./bulk.server";
import { getContact, insertContacts } from "./contacts.server";
import { listContacts } from "./contact-list.server";

// Bulk actions (decision 0036) on both databases: the checked contacts, or
// every contact matching the list a batch at a time, only the owner's,
// only live ones; a label's change writes only the pairs; a bulk delete's one
// Undo brings all of it back but those whose email is taken meanwhile.

/** Runs a bulk action as the route does: the first part in a transaction, the rest after it commits. */
async function bulk(...[ownerId, change, selection]: Parameters<typeof runBulk>) {
  const { count, rest } = await db.transaction().execute((trx) => runBulk(ownerId, change, selection, trx));
  await rest?.();
  return count;
}

async function undo(ownerId: string, at: number) {
  const { total, blocked, rest } = await db.transaction().execute((trx) => undoBulkDelete(ownerId, at, trx));
  await rest?.();
  return { total, blocked };
}

const liveCount = async (ownerId: string) =>
  Number(
    (
      await db
        .selectFrom("contacts")
        .select((eb) => eb.fn.countAll().as("n"))
        .where("owner_id", "=", ownerId)
        .where("deleted_at", "is", null)
        .executeTakeFirstOrThrow()
    ).n,
  );

describe(`bulk actions (${process.env.TEST_DIALECT})`, () => {
  it("stars, labels and deletes the checked contacts, only the owner's live ones, and one Undo brings the delete back", async () => {
    const owner = await createTestUser();
    const stranger = await createTestUser();
    const work = await createTestLabel(owner.id, "Work");
    const [ada, bob, cy] = [
      await createTestContact(owner.id, { name: "Ada" }),
      await createTestContact(owner.id, { name: "Bob" }),
      await createTestContact(owner.id, { name: "Cy" }),
    ];
    const theirs = await createTestContact(stranger.id, { name: "Theirs" });
    const ids = [ada.id, bob.id, theirs.id];

    expect(await bulk(owner.id, { kind: "star" }, { ids })).toBe(2);
    expect(await bulk(owner.id, { kind: "star" }, { ids })).toBe(0); // already starred: nothing changes
    expect((await getContact(stranger.id, theirs.id))!.starred).toBe(false);
    expect((await getContact(owner.id, cy.id))!.starred).toBe(false);

    expect(await bulk(owner.id, { kind: "add-label", labelId: work.id }, { ids })).toBe(2);
    expect(await labelsOfContact(owner.id, ada.id)).toEqual([work]);
    // Only the pairs change: the contact's fields, version and updated_at stay (an edit form applies its own label change).
    expect(await getContact(owner.id, ada.id)).toMatchObject({ version: ada.version, updatedAt: ada.updatedAt });
    expect(await bulk(owner.id, { kind: "add-label", labelId: work.id }, { ids })).toBe(0);
    expect(await bulk(owner.id, { kind: "remove-label", labelId: work.id }, { ids: [ada.id] })).toBe(1);
    expect(await labelsOfContact(owner.id, ada.id)).toEqual([]);

    const at = Date.now();
    expect(await bulk(owner.id, { kind: "delete", at }, { ids })).toBe(2);
    expect(await getContact(stranger.id, theirs.id)).not.toBeNull();
    expect((await listContacts(owner.id)).contacts.map((c) => c.name)).toEqual(["Cy"]);
    // Bob's address is taken while he is in the trash: he stays there, Ada comes back with her labels and star.
    await setContactLabels(owner.id, ada.id, [work.id]);
    await createTestContact(owner.id, { name: "Bob's twin", email: bob.email });
    expect(await undo(owner.id, at)).toEqual({ total: 2, blocked: 1 });
    expect(await getContact(owner.id, ada.id)).toMatchObject({ name: "Ada", starred: true });
    expect(await getContact(owner.id, bob.id)).toBeNull();
    expect(await labelsOfContact(owner.id, ada.id)).toEqual([work]);
    // The Undo again, or by the stranger: nothing more.
    expect(await undo(owner.id, at)).toEqual({ total: 1, blocked: 1 });
    expect(await undo(stranger.id, at)).toEqual({ total: 0, blocked: 0 });
  });

  it(`applies to every contact matching the list, past the first batch of ${BULK_BATCH}, and an Undo brings back all 10,000`, async () => {
    const owner = await createTestUser();
    const now = Date.now() - 1_000_000;
    await insertContacts(
      owner.id,
      Array.from({ length: 10_000 }, (_, i) => ({
        ...contactInput({ name: i % 4 === 0 ? `Wombat ${i}` : `Person ${i}` }),
        email: null,
        createdAt: now + i,
      })),
    );
    const [tagged, other] = [await createTestLabel(owner.id, "Tagged"), await createTestLabel(owner.id, "Other")];

    // Every contact: 10,000, in 10 batches.
    expect(await bulk(owner.id, { kind: "add-label", labelId: tagged.id }, { matching: {} })).toBe(10_000);
    expect((await labelCounts(owner.id)).get(tagged.id)).toBe(10_000);
    // A search's: the 2,500 wombats only.
    expect(await bulk(owner.id, { kind: "add-label", labelId: other.id }, { matching: { q: "wombat" } })).toBe(2_500);
    expect((await labelCounts(owner.id)).get(other.id)).toBe(2_500);
    // A label's, starred: star those with Other, then unstar the starred.
    expect(await bulk(owner.id, { kind: "star" }, { matching: { labelId: other.id } })).toBe(2_500);
    expect((await listContacts(owner.id, { starred: true })).contacts.every((c) => c.name.startsWith("Wombat"))).toBe(true);
    expect(await bulk(owner.id, { kind: "unstar" }, { matching: { starred: true } })).toBe(2_500);
    expect((await listContacts(owner.id, { starred: true })).contacts).toEqual([]);
    // Taking a label off the list of that label: each batch leaves the list, and the walk goes on past it.
    expect(await bulk(owner.id, { kind: "remove-label", labelId: tagged.id }, { matching: { labelId: tagged.id } })).toBe(10_000);
    expect((await labelCounts(owner.id)).get(tagged.id)).toBeUndefined();

    const at = Date.now();
    expect(await bulk(owner.id, { kind: "delete", at }, { matching: {} })).toBe(10_000);
    expect(await liveCount(owner.id)).toBe(0);
    expect(await undo(owner.id, at)).toEqual({ total: 10_000, blocked: 0 });
    expect(await liveCount(owner.id)).toBe(10_000);
  });

  it("changes nothing of a batch that fails: all of it or none", async () => {
    const owner = await createTestUser();
    const work = await createTestLabel(owner.id, "Work");
    const ada = await createTestContact(owner.id, { name: "Ada" });
    await expect(
      db.transaction().execute(async (trx) => {
        await runBulk(owner.id, { kind: "add-label", labelId: work.id }, { ids: [ada.id] }, trx);
        await runBulk(owner.id, { kind: "star" }, { ids: [ada.id] }, trx);
        throw new Error("the batch fails half way");
      }),
    ).rejects.toThrow("half way");
    expect(await labelsOfContact(owner.id, ada.id)).toEqual([]);
    expect(await getContact(owner.id, ada.id)).toMatchObject({ starred: false, version: ada.version });
  });
});
