import { afterAll, describe, expect, it } from "vitest";
import { listContacts, SEARCH_PLAN } from "#app/contacts/contact-list.server";
import { getContact, insertContacts } from "#app/contacts/contacts.server";
import { deleteContact, PURGE_AFTER_MS, purgeDeletedContacts, restoreContact } from "#app/contacts/trash.server";
import { contactInput, createTestContact, createTestUser, createTestLabel } from "#tests/factories";
import { db } from "#app/db.server";
import { Random } from "#scripts/random";
import {
  attachLabels,
  labelCounts,
  labelsNamed,
  labelsOfContact,
  labelsOfContacts,
  ownsLabels,
  setContactLabels,
} from "./contact-labels.server";
import { deleteLabel, type Label } from "./labels.server";

// A contact's labels (decision 0034) on both databases: attached only from
// the owner's labels, kept through the trash, counted without it, and the
// list's ?label= plans, each returning exactly what the plain filter would.

const names = (labels: Label[]) => labels.map((l) => l.name);

describe(`a contact's labels (${process.env.TEST_DIALECT})`, () => {
  it("sets exactly the labels asked for, only the owner's, and reads them back A to Z", async () => {
    const owner = await createTestUser();
    const stranger = await createTestUser();
    const [work, family, book] = [
      await createTestLabel(owner.id, "Work"),
      await createTestLabel(owner.id, "family"),
      await createTestLabel(owner.id, "Book club"),
    ];
    const theirs = await createTestLabel(stranger.id, "Theirs");
    const contact = await createTestContact(owner.id);

    expect(await setContactLabels(owner.id, contact.id, [work.id, family.id, work.id])).toBe(true);
    expect(names(await labelsOfContact(owner.id, contact.id))).toEqual(["family", "Work"]);
    expect(await setContactLabels(owner.id, contact.id, [book.id, work.id])).toBe(true);
    expect(names(await labelsOfContact(owner.id, contact.id))).toEqual(["Book club", "Work"]);

    // A stranger's label, or an id that is no label, changes nothing.
    expect(await setContactLabels(owner.id, contact.id, [family.id, theirs.id])).toBe(false);
    expect(await setContactLabels(owner.id, contact.id, ["not an id"])).toBe(false);
    expect(names(await labelsOfContact(owner.id, contact.id))).toEqual(["Book club", "Work"]);
    expect(await ownsLabels(stranger.id, [work.id])).toBe(false);
    // Nor does the stranger read them.
    expect(await labelsOfContact(stranger.id, contact.id)).toEqual([]);

    expect(await setContactLabels(owner.id, contact.id, [])).toBe(true);
    expect(await labelsOfContact(owner.id, contact.id)).toEqual([]);
  });

  it("keeps a contact's labels through the trash, counts only live contacts, and lets go with the label or the purge", async () => {
    const owner = await createTestUser();
    const [work, family] = [await createTestLabel(owner.id, "Work"), await createTestLabel(owner.id, "Family")];
    const ada = await createTestContact(owner.id, { name: "Ada" });
    const bob = await createTestContact(owner.id, { name: "Bob" });
    await setContactLabels(owner.id, ada.id, [work.id, family.id]);
    await setContactLabels(owner.id, bob.id, [work.id]);
    expect(await labelCounts(owner.id)).toEqual(
      new Map([
        [work.id, 2],
        [family.id, 1],
      ]),
    );

    const deletedAt = Date.now();
    await deleteContact(owner.id, ada.id);
    expect(await labelCounts(owner.id)).toEqual(new Map([[work.id, 1]]));
    expect((await restoreContact(owner.id, ada.id)).ok).toBe(true);
    expect(names(await labelsOfContact(owner.id, ada.id))).toEqual(["Family", "Work"]);

    // Deleting a label keeps its contacts.
    expect(await deleteLabel(owner.id, family.id)).toEqual({ name: "Family" });
    expect(await getContact(owner.id, ada.id)).not.toBeNull();
    expect(names(await labelsOfContact(owner.id, ada.id))).toEqual(["Work"]);

    // The purge takes a contact's pairs with it.
    await deleteContact(owner.id, bob.id);
    await purgeDeletedContacts(deletedAt + PURGE_AFTER_MS + 60_000);
    const pairs = await db.selectFrom("contact_labels").select("contact_id").where("label_id", "=", work.id).execute();
    expect(pairs.map((pair) => pair.contact_id)).toEqual([ada.id]);
  });

  it("finds or creates labels by name ignoring case, once, and attaches them in bulk", async () => {
    const owner = await createTestUser();
    const work = await createTestLabel(owner.id, "Work");
    const byName = await labelsNamed(owner.id, ["WORK", "Friends", "friends", "Ölmez"]);
    expect(byName.get("work")).toBe(work.id);
    expect([...byName.keys()].sort()).toEqual(["friends", "work", "ölmez"]);
    // The first spelling names a new label; asking again creates nothing.
    expect(await labelsNamed(owner.id, ["FRIENDS"])).toEqual(new Map([["friends", byName.get("friends")]]));
    const created = await db.selectFrom("labels").select("name").where("owner_id", "=", owner.id).orderBy("name").execute();
    expect(created.map((row) => row.name)).toEqual(["Friends", "Work", "Ölmez"]);

    const contact = await createTestContact(owner.id);
    await attachLabels([
      { contactId: contact.id, labelId: work.id },
      { contactId: contact.id, labelId: work.id },
    ]);
    expect(names(await labelsOfContacts(owner.id, [contact.id]).then((map) => map.get(contact.id)!))).toEqual(["Work"]);
  });
});

describe(`the list of a label (${process.env.TEST_DIALECT})`, () => {
  afterAll(() => {
    SEARCH_PLAN.gatherLimit = 2000;
    SEARCH_PLAN.walkLimit = 10_000;
  });

  // 300 contacts, newest last; "common" is on a third of them, "old" on 60
  // of the oldest only (common, but not among the newest: the walk finds
  // none and the gather past it finds them), "rare" on 5, and every
  // contact's star is random. Each plan must return what filtering every
  // contact would, page by page, both ways, with q and starred too.
  it.each([
    { gatherLimit: 2000, walkLimit: 10_000 }, // every label gathered
    { gatherLimit: 10, walkLimit: 10_000 }, // walked
    { gatherLimit: 10, walkLimit: 40 }, // walked, then gathered past the walk
  ])("pages exactly what the plain filter gives (gather $gatherLimit, walk $walkLimit)", async (limits) => {
    const owner = await createTestUser();
    const random = new Random(13);
    const now = Date.now() - 1_000_000;
    await insertContacts(
      owner.id,
      Array.from({ length: 300 }, (_, i) => ({
        ...contactInput({ name: `Person ${i} ${random.pick(["Ada", "Bob", "Cy"])}` }),
        email: null,
        createdAt: now + Math.floor(i / 2), // pairs share a time: the id breaks the tie
        starredAt: random.next() < 0.4 ? now : null,
      })),
    );
    const all = await db
      .selectFrom("contacts")
      .select(["id", "name", "created_at", "starred_at"])
      .where("owner_id", "=", owner.id)
      .execute();
    all.sort((a, b) => b.created_at - a.created_at || (a.id < b.id ? 1 : -1)); // newest first, as the list
    const oldest = [...all].reverse();
    const [common, old, rare] = [
      await createTestLabel(owner.id, "common"),
      await createTestLabel(owner.id, "old"),
      await createTestLabel(owner.id, "rare"),
    ];
    const members = new Map<string, Set<string>>([
      [common.id, new Set(all.filter(() => random.next() < 0.33).map((c) => c.id))],
      [old.id, new Set(oldest.slice(0, 60).map((c) => c.id))],
      [rare.id, new Set(Array.from({ length: 5 }, () => random.pick(all).id))],
    ]);
    await attachLabels([...members].flatMap(([labelId, ids]) => [...ids].map((contactId) => ({ contactId, labelId }))));
    // One of each label's contacts is in the trash: never listed.
    for (const ids of members.values()) await deleteContact(owner.id, [...ids][0]!);
    const trashed = new Set([...members.values()].map((ids) => [...ids][0]!));

    Object.assign(SEARCH_PLAN, limits);
    for (const [labelId, ids] of members) {
      for (const { q, starred } of [
        { q: "", starred: false },
        { q: "", starred: true },
        { q: "ada", starred: false },
      ]) {
        const expected = all
          .filter((c) => ids.has(c.id) && !trashed.has(c.id))
          .filter((c) => !starred || c.starred_at !== null)
          .filter((c) => !q || c.name.toLowerCase().includes(q))
          .map((c) => c.id);
        const seen: string[] = [];
        let page = await listContacts(owner.id, { labelId, q, starred });
        const cursors: (string | null)[] = [];
        for (;;) {
          seen.push(...page.contacts.map((c) => c.id));
          if (!page.older) break;
          cursors.push(page.newer);
          page = await listContacts(owner.id, { labelId, q, starred, cursor: page.older });
        }
        expect(seen, `${labelId} q=${q} starred=${starred}`).toEqual(expected);
        // And back: the last page's Newer gives the page before it.
        if (page.newer) {
          const back = await listContacts(owner.id, { labelId, q, starred, cursor: page.newer });
          expect(back.contacts.map((c) => c.id)).toEqual(expected.slice(-page.contacts.length - 50, -page.contacts.length));
        }
      }
    }
  });
});
