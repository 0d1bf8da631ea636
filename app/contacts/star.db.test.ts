import { describe, expect, it } from "vitest";
import { db } from "#app/db.server";
import { createTestContact, createTestUser } from "#tests/factories";
import { listContacts, PAGE_SIZE } from "./contact-list.server";
import { getContact } from "./contacts.server";
import { setStar } from "./star.server";
import { deleteContact, restoreContact } from "./trash.server";

// The star (decision 0033) on both databases: setting it, what it leaves
// alone, whose contacts it reaches, and the list of the starred.

const starredAt = async (id: string) =>
  (await db.selectFrom("contacts").select("starred_at").where("id", "=", id).executeTakeFirstOrThrow()).starred_at;

describe(`stars (${process.env.TEST_DIALECT})`, () => {
  it("sets the state asked for, keeps a star's first time, and leaves the version and the last change alone", async () => {
    const owner = await createTestUser();
    const contact = await createTestContact(owner.id, { name: "Star Me" });
    expect(contact.starred).toBe(false);

    expect(await setStar(owner.id, contact.id, true)).toEqual({ name: "Star Me" });
    const first = await starredAt(contact.id);
    expect(first).not.toBeNull();
    await new Promise((resolve) => setTimeout(resolve, 5));
    await setStar(owner.id, contact.id, true); // a retry, a second tab
    expect(await starredAt(contact.id)).toBe(first);
    const starred = (await getContact(owner.id, contact.id))!;
    expect(starred).toMatchObject({ starred: true, version: contact.version, updatedAt: contact.updatedAt });

    await setStar(owner.id, contact.id, false);
    await setStar(owner.id, contact.id, false);
    expect((await getContact(owner.id, contact.id))!.starred).toBe(false);
  });

  it("reaches only the owner's live contacts", async () => {
    const owner = await createTestUser();
    const other = await createTestUser();
    const contact = await createTestContact(owner.id);
    expect(await setStar(other.id, contact.id, true)).toBeNull();
    expect(await starredAt(contact.id)).toBeNull();
    await deleteContact(owner.id, contact.id);
    expect(await setStar(owner.id, contact.id, true)).toBeNull();
  });

  it("comes back with a contact restored from the trash", async () => {
    const owner = await createTestUser();
    const contact = await createTestContact(owner.id);
    await setStar(owner.id, contact.id, true);
    await deleteContact(owner.id, contact.id);
    expect(await restoreContact(owner.id, contact.id)).toMatchObject({ ok: true, contact: { starred: true } });
  });

  it("lists the starred alone, newest first, a page at a time, searched or not", async () => {
    const owner = await createTestUser();
    const ids: string[] = [];
    for (let i = 0; i < 70; i++) {
      const contact = await createTestContact(owner.id, { name: `Person ${i}`, company: i % 2 ? "Odd Works" : "Even Co" });
      ids.push(contact.id);
      if (i % 5 !== 4) await setStar(owner.id, contact.id, true); // 4 in 5 are starred
    }
    // The reference: the whole list's order (newest first, ties by id), its starred rows.
    const all = await listContacts(owner.id);
    const rest = await listContacts(owner.id, { cursor: all.older });
    const everyone = [...all.contacts, ...rest.contacts];
    const starredIds = everyone.filter((c) => c.starred).map((c) => c.id);
    expect(starredIds).toHaveLength(56); // more than a page

    const first = await listContacts(owner.id, { starred: true });
    expect(first.contacts.every((c) => c.starred)).toBe(true);
    const second = await listContacts(owner.id, { starred: true, cursor: first.older });
    expect([...first.contacts, ...second.contacts].map((c) => c.id)).toEqual(starredIds);
    expect(second.older).toBeNull();
    const back = await listContacts(owner.id, { starred: true, cursor: second.newer });
    expect(back.contacts.map((c) => c.id)).toEqual(first.contacts.map((c) => c.id));

    const odd = await listContacts(owner.id, { starred: true, q: "odd works" });
    const oddIds = new Set(ids.filter((_, i) => i % 2 === 1 && i % 5 !== 4));
    expect(odd.contacts.map((c) => c.id)).toEqual(starredIds.filter((id) => oddIds.has(id)));
    expect((await listContacts(owner.id)).contacts).toHaveLength(PAGE_SIZE);
  });
});
