import { describe, expect, it } from "vitest";
import { db } from "#app/db.server";
import { createTestContact, createTestUser } from "#tests/factories";
import {
  deleteContact,
  deleteForever,
  emptyTrash,
  getTrashedContact,
  listTrash,
  PURGE_AFTER_MS,
  restoreContact,
  TRASH_PAGE_SIZE,
  trashSummary,
  UNDO_WINDOW_MS,
} from "./trash.server";

// The trash (decision 0032) on both databases: what it lists and in which
// order, its pages, deleting one contact or all of them for good, and
// restoring from it long after the Undo's 10 minutes.

const DAY = 24 * 60 * 60 * 1000;

/** Marks the contact deleted at `at` (epoch ms), as deleteContact would have then. */
async function deletedAt(id: string, at: number) {
  await db.updateTable("contacts").set({ deleted_at: at }).where("id", "=", id).execute();
}

const exists = async (id: string) => (await db.selectFrom("contacts").select("id").where("id", "=", id).executeTakeFirst()) !== undefined;

describe(`trash (${process.env.TEST_DIALECT})`, () => {
  it("lists the owner's contacts deleted in the last 30 days, latest deletion first, a page at a time both ways", async () => {
    const owner = await createTestUser();
    const other = await createTestUser();
    const now = Date.now();
    const count = TRASH_PAGE_SIZE * 2 + 7;
    const trashed: string[] = [];
    for (let i = 0; i < count; i++) {
      const contact = await createTestContact(owner.id, { name: `Gone ${i}` });
      // Two at each time: the id breaks the tie, as in the keyset.
      await deletedAt(contact.id, now - 1000 * Math.floor(i / 2) - 1);
      trashed.push(contact.id);
    }
    await createTestContact(owner.id, { name: "Still Here" });
    const old = await createTestContact(owner.id, { name: "Long Gone" });
    await deletedAt(old.id, now - PURGE_AFTER_MS - 1);
    const others = await createTestContact(other.id, { name: "Not Yours" });
    await deletedAt(others.id, now - 1);

    const seen: string[] = [];
    let page = await listTrash(owner.id, {}, now);
    expect(page).toMatchObject({ total: count, latest: now - 1, newer: null });
    const pages = [page];
    while (page.older) {
      page = await listTrash(owner.id, { cursor: page.older }, now);
      pages.push(page);
    }
    for (const p of pages) seen.push(...p.contacts.map((c) => c.id));
    expect(pages.map((p) => p.contacts.length)).toEqual([TRASH_PAGE_SIZE, TRASH_PAGE_SIZE, 7]);
    expect(new Set(seen)).toEqual(new Set(trashed));
    const times = pages.flatMap((p) => p.contacts.map((c) => Date.parse(c.deletedAt)));
    expect(times).toEqual([...times].sort((a, b) => b - a));
    expect(pages[0]!.contacts[0]!.purgeAt).toBe(new Date(now - 1 + PURGE_AFTER_MS).toISOString());

    // Back from the last page: the same pages, in the same order.
    const back = await listTrash(owner.id, { cursor: pages[2]!.newer }, now);
    expect(back.contacts.map((c) => c.id)).toEqual(pages[1]!.contacts.map((c) => c.id));
    expect((await listTrash(owner.id, { cursor: back.newer }, now)).contacts.map((c) => c.id)).toEqual(pages[0]!.contacts.map((c) => c.id));
    // A malformed cursor reads the first page.
    expect((await listTrash(owner.id, { cursor: "nonsense" }, now)).contacts[0]!.id).toBe(pages[0]!.contacts[0]!.id);
  });

  it("finds a contact in the trash only for its owner, and only while it is deleted", async () => {
    const owner = await createTestUser();
    const other = await createTestUser();
    const contact = await createTestContact(owner.id);
    expect(await getTrashedContact(owner.id, contact.id)).toBeNull(); // live
    await deleteContact(owner.id, contact.id);
    expect(await getTrashedContact(owner.id, contact.id)).toEqual({ id: contact.id, name: contact.name });
    expect(await getTrashedContact(other.id, contact.id)).toBeNull();
    expect(await trashSummary(other.id)).toEqual({ total: 0, latest: null });
  });

  it("deletes one contact for good: only from the owner's trash, never a live one", async () => {
    const owner = await createTestUser();
    const other = await createTestUser();
    const live = await createTestContact(owner.id);
    const trashed = await createTestContact(owner.id, { name: "Goes For Good" });
    await deleteContact(owner.id, trashed.id);

    expect(await deleteForever(owner.id, live.id)).toBeNull();
    expect(await deleteForever(other.id, trashed.id)).toBeNull();
    expect(await exists(live.id)).toBe(true);
    expect(await exists(trashed.id)).toBe(true);
    expect(await deleteForever(owner.id, trashed.id)).toEqual({ name: "Goes For Good" });
    expect(await exists(trashed.id)).toBe(false);
    expect(await deleteForever(owner.id, trashed.id)).toBeNull();
  });

  it("empties the owner's trash up to the latest deletion it was shown, and nothing else", async () => {
    const owner = await createTestUser();
    const other = await createTestUser();
    const now = Date.now();
    const shown = [];
    for (let i = 0; i < 5; i++) {
      const contact = await createTestContact(owner.id);
      await deletedAt(contact.id, now - 10_000 + i);
      shown.push(contact);
    }
    const { latest } = await trashSummary(owner.id, now);
    expect(latest).toBe(now - 10_000 + 4);
    const later = await createTestContact(owner.id, { name: "Deleted In Another Tab" });
    await deletedAt(later.id, now - 5);
    const live = await createTestContact(owner.id);
    const others = await createTestContact(other.id);
    await deletedAt(others.id, now - 20_000);

    expect(await emptyTrash(owner.id, { upTo: latest! })).toBe(5);
    for (const contact of shown) expect(await exists(contact.id)).toBe(false);
    expect(await exists(later.id)).toBe(true);
    expect(await exists(live.id)).toBe(true);
    expect(await exists(others.id)).toBe(true);
    expect(await trashSummary(owner.id, now)).toEqual({ total: 1, latest: now - 5 });
    expect(await emptyTrash(owner.id, { upTo: latest! })).toBe(0);
  });

  it("restores from the trash for 30 days, long after the Undo's window, and explains an email now taken", async () => {
    const owner = await createTestUser();
    const now = Date.now();
    const contact = await createTestContact(owner.id, { name: "Back Again", email: "back@example.com" });
    await deletedAt(contact.id, now - 20 * DAY);
    expect(await restoreContact(owner.id, contact.id, db, now)).toMatchObject({ ok: false, reason: "expired" }); // the Undo's window
    expect(await restoreContact(owner.id, contact.id, db, now, PURGE_AFTER_MS)).toMatchObject({ ok: true });
    expect(await getTrashedContact(owner.id, contact.id)).toBeNull();

    await deletedAt(contact.id, now - 2 * UNDO_WINDOW_MS);
    await createTestContact(owner.id, { name: "New Holder", email: "BACK@example.com" });
    expect(await restoreContact(owner.id, contact.id, db, now, PURGE_AFTER_MS)).toEqual({
      ok: false,
      reason: "email-taken",
      name: "Back Again",
      email: "back@example.com",
      takenBy: "New Holder",
    });
    await deletedAt(contact.id, now - PURGE_AFTER_MS - 1);
    expect(await restoreContact(owner.id, contact.id, db, now, PURGE_AFTER_MS)).toMatchObject({ ok: false, reason: "expired" });
  });
});
