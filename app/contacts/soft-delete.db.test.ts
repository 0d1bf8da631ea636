import { describe, expect, it } from "vitest";
import { db } from "#app/db.server";
import { contactInput, createTestContact, createTestUser, uniqueEmail } from "#tests/factories";
import { createContact, getContact, updateContact } from "./contacts.server";
import { listContacts } from "./contact-list.server";
import { deleteContact, purgeDeletedContacts, PURGE_AFTER_MS, restoreContact, UNDO_WINDOW_MS } from "./trash.server";

// Soft delete, undo and purge (docs/decisions/0015-soft-delete-and-undo.md),
// on both databases. Time is injected (`now`) rather than faked: the purge is
// scoped to the test's own account, so other test files' rows are never touched.
describe(`soft delete and undo (${process.env.TEST_DIALECT})`, () => {
  it("marks the row instead of removing it, and hides it from every read and write", async () => {
    const owner = await createTestUser();
    const kept = await createTestContact(owner.id, { name: "Kept Keeper" });
    const gone = await createTestContact(owner.id, { name: "Gone Soon", company: "Vanishing Ltd" });
    const before = Date.now();
    expect(await deleteContact(owner.id, gone.id)).toEqual({ name: "Gone Soon" });

    const row = await db.selectFrom("contacts").select(["deleted_at", "name"]).where("id", "=", gone.id).executeTakeFirstOrThrow();
    expect(row.name).toBe("Gone Soon");
    expect(row.deleted_at).toBeGreaterThanOrEqual(before);

    expect(await getContact(owner.id, gone.id)).toBeNull();
    expect((await listContacts(owner.id)).contacts.map((c) => c.id)).toEqual([kept.id]);
    expect((await listContacts(owner.id, { q: "vanishing" })).contacts).toEqual([]);
    expect((await listContacts(owner.id, { q: "gone" })).contacts).toEqual([]);
    expect(await updateContact(owner.id, gone.id, contactInput({ email: gone.email }), gone.version)).toEqual({
      ok: false,
      reason: "not-found",
    });
    // A second delete finds nothing live, and does not move deleted_at.
    expect(await deleteContact(owner.id, gone.id)).toBeNull();
    const again = await db.selectFrom("contacts").select("deleted_at").where("id", "=", gone.id).executeTakeFirstOrThrow();
    expect(again.deleted_at).toBe(row.deleted_at);
  });

  it("lets a deleted contact's email be used again, in any case", async () => {
    const owner = await createTestUser();
    const gone = await createTestContact(owner.id, { email: "Reuse.Me@example.com" });
    await deleteContact(owner.id, gone.id);
    const created = await createContact(owner.id, contactInput({ email: "reuse.me@EXAMPLE.com" }));
    expect(created.ok).toBe(true);
    const other = await createTestContact(owner.id);
    expect((await updateContact(owner.id, other.id, contactInput({ email: "REUSE.ME@example.com" }), other.version)).ok).toBe(false);
  });

  it("restores a deleted contact as it was, at its place in the list", async () => {
    const owner = await createTestUser();
    await createTestContact(owner.id, { name: "Older" });
    const middle = await createTestContact(owner.id, { name: "Middle" });
    await createTestContact(owner.id, { name: "Newer" });
    // (created_at, id) decides the order; contacts made in one millisecond tie on the first.
    const ids = async () => (await listContacts(owner.id)).contacts.map((c) => c.id);
    const before = await ids();
    expect(before).toHaveLength(3);
    await deleteContact(owner.id, middle.id);
    expect(await ids()).toEqual(before.filter((id) => id !== middle.id));

    const result = await restoreContact(owner.id, middle.id);
    expect(result).toEqual({ ok: true, contact: middle });
    expect(await getContact(owner.id, middle.id)).toEqual(middle);
    expect(await ids()).toEqual(before);
    expect((await listContacts(owner.id, { q: "midd" })).contacts.map((c) => c.createdAt)).toEqual([middle.createdAt]);
  });

  it("answers a repeated undo of a live contact as restored, changing nothing", async () => {
    const owner = await createTestUser();
    const contact = await createTestContact(owner.id);
    await deleteContact(owner.id, contact.id);
    expect((await restoreContact(owner.id, contact.id)).ok).toBe(true);
    expect(await restoreContact(owner.id, contact.id)).toEqual({ ok: true, contact });
  });

  it("refuses to restore when a live contact has taken the email meanwhile, and changes nothing", async () => {
    const owner = await createTestUser();
    const gone = await createTestContact(owner.id, { name: "First Holder", email: "taken@example.com" });
    await deleteContact(owner.id, gone.id);
    const taker = await createTestContact(owner.id, { name: "Second Holder", email: "TAKEN@example.com" });

    expect(await restoreContact(owner.id, gone.id)).toEqual({
      ok: false,
      reason: "email-taken",
      name: "First Holder",
      email: "taken@example.com",
      takenBy: "Second Holder",
    });
    expect(await getContact(owner.id, gone.id)).toBeNull();
    expect(await getContact(owner.id, taker.id)).toEqual(taker);

    // Once the taker is deleted too, both are deleted with one email; the
    // first restore wins it and the second is refused.
    await deleteContact(owner.id, taker.id);
    expect((await restoreContact(owner.id, gone.id)).ok).toBe(true);
    expect(await restoreContact(owner.id, taker.id)).toMatchObject({ ok: false, reason: "email-taken", takenBy: "First Holder" });
  });

  it("gives exactly one live holder of an email when a restore and a create race for it", async () => {
    for (let round = 0; round < 4; round++) {
      const owner = await createTestUser();
      const email = uniqueEmail("race");
      const gone = await createTestContact(owner.id, { email });
      await deleteContact(owner.id, gone.id);
      const [restored, created] = await Promise.all([
        restoreContact(owner.id, gone.id),
        createContact(owner.id, contactInput({ email: email.toUpperCase() })),
      ]);
      expect(restored.ok !== created.ok, JSON.stringify({ restored, created })).toBe(true);
      if (!restored.ok) expect(restored.reason).toBe("email-taken");
      const live = await db.selectFrom("contacts").select("id").where("owner_id", "=", owner.id).where("deleted_at", "is", null).execute();
      expect(live).toHaveLength(1);
    }
  });

  it("lets the undo work for 10 minutes after the delete and not after", async () => {
    const owner = await createTestUser();
    const contact = await createTestContact(owner.id, { name: "Late Undo" });
    await deleteContact(owner.id, contact.id);
    const { deleted_at } = await db.selectFrom("contacts").select("deleted_at").where("id", "=", contact.id).executeTakeFirstOrThrow();

    expect(await restoreContact(owner.id, contact.id, db, deleted_at! + UNDO_WINDOW_MS)).toEqual({
      ok: false,
      reason: "expired",
      name: "Late Undo",
    });
    expect(await getContact(owner.id, contact.id)).toBeNull();
    expect((await restoreContact(owner.id, contact.id, db, deleted_at! + UNDO_WINDOW_MS - 1)).ok).toBe(true);
  });

  it("never restores another account's contact, and says not-found for it and for unknown ids", async () => {
    const [owner, other] = [await createTestUser(), await createTestUser()];
    const contact = await createTestContact(owner.id);
    await deleteContact(owner.id, contact.id);
    expect(await restoreContact(other.id, contact.id)).toEqual({ ok: false, reason: "not-found" });
    expect(await restoreContact(owner.id, "AAAAAAAAAAAAAAAAAAAAAA")).toEqual({ ok: false, reason: "not-found" });
    expect(await getContact(owner.id, contact.id)).toBeNull();
    expect(await purgeDeletedContacts(Date.now() + PURGE_AFTER_MS + 1000, { ownerId: other.id })).toBe(0);
    expect((await restoreContact(owner.id, contact.id)).ok).toBe(true);
  });

  describe("purge", () => {
    it("removes deleted contacts for good 30 days after the delete, not before, and never live ones", async () => {
      const owner = await createTestUser();
      const live = await createTestContact(owner.id);
      const gone = await createTestContact(owner.id);
      await deleteContact(owner.id, gone.id);
      const { deleted_at } = await db.selectFrom("contacts").select("deleted_at").where("id", "=", gone.id).executeTakeFirstOrThrow();

      expect(await purgeDeletedContacts(deleted_at! + PURGE_AFTER_MS - 1, { ownerId: owner.id })).toBe(0);
      expect(await db.selectFrom("contacts").select("id").where("id", "=", gone.id).executeTakeFirst()).toBeDefined();

      expect(await purgeDeletedContacts(deleted_at! + PURGE_AFTER_MS, { ownerId: owner.id })).toBe(1);
      expect(await db.selectFrom("contacts").select("id").where("id", "=", gone.id).executeTakeFirst()).toBeUndefined();
      expect(await restoreContact(owner.id, gone.id)).toEqual({ ok: false, reason: "not-found" });
      expect(await getContact(owner.id, live.id)).toEqual(live);
    });

    it("works in bounded batches, oldest deletes first", async () => {
      const owner = await createTestUser();
      const ids: string[] = [];
      for (let i = 0; i < 5; i++) {
        const contact = await createTestContact(owner.id);
        await deleteContact(owner.id, contact.id);
        ids.push(contact.id);
      }
      // Spread the deletes over five days, the first id deleted earliest.
      const base = Date.now();
      for (const [i, id] of ids.entries()) {
        await db
          .updateTable("contacts")
          .set({ deleted_at: base + i * 86_400_000 })
          .where("id", "=", id)
          .execute();
      }
      const later = base + 4 * 86_400_000 + PURGE_AFTER_MS;
      const left = async () =>
        (await db.selectFrom("contacts").select("id").where("owner_id", "=", owner.id).execute()).map((r) => r.id).sort();

      expect(await purgeDeletedContacts(later, { ownerId: owner.id, limit: 2 })).toBe(2);
      expect(await left()).toEqual(ids.slice(2).sort());
      expect(await purgeDeletedContacts(later, { ownerId: owner.id, limit: 2 })).toBe(2);
      expect(await purgeDeletedContacts(later, { ownerId: owner.id, limit: 2 })).toBe(1);
      expect(await left()).toEqual([]);
    });
  });
});
