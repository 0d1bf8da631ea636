import { describe, expect, it } from "vitest";
import { db } from "#app/db.server";
import { deleteContact } from "#app/contacts/trash.server";
import { newSubmissionKey } from "#app/submissions/submission-keys.server";
import { createTestContact, signedInUser } from "#tests/factories";
import { call, cookieFrom, get, post, type Outcome } from "#tests/route-helpers";
import * as root from "#app/root";
import * as trash from "./contacts.trash._index";
import * as confirmDelete from "./contacts.trash.$trashedId.delete";
import * as confirmEmpty from "./contacts.trash.empty";

// The trash's pages and forms through the routes (decision 0032): plain
// forms, one intent each, exactly once, and another account's contacts as
// missing as ones that never were.

async function flashAfter(res: Outcome, cookie: string) {
  const flash = cookieFrom(res.headers, "cardfile_flash");
  expect(flash).not.toBeNull();
  return (await call(root.loader, get(res.location ?? "/contacts/trash", `${cookie}; ${flash}`))).data.flash;
}

const send = (cookie: string, form: Record<string, string>, handler = trash.action, path = "/contacts/trash") =>
  call(handler, post(path, { submissionKey: newSubmissionKey(), ...form }, cookie));

const row = (id: string) => db.selectFrom("contacts").select(["deleted_at"]).where("id", "=", id).executeTakeFirst();

describe(`the trash's routes (${process.env.TEST_DIALECT})`, () => {
  it("lists what was deleted with a key per Restore, and restores one back to the page it was on", async () => {
    const { user, cookie } = await signedInUser();
    const contact = await createTestContact(user.id, { name: "Comes Back" });
    await createTestContact(user.id, { name: "Never Deleted" });
    await deleteContact(user.id, contact.id);

    const page = await call(trash.loader, get("/contacts/trash", cookie));
    expect(page.data.contacts.map((c: { name: string }) => c.name)).toEqual(["Comes Back"]);
    expect(page.data.contacts[0].restoreKey).toMatch(/^[A-Za-z0-9_-]{22}$/);
    expect(page.data.total).toBe(1);

    const form = { submissionKey: newSubmissionKey(), intent: "restore", id: contact.id, returnTo: "/contacts/trash?cursor=x" };
    const res = await call(trash.action, post("/contacts/trash", form, cookie));
    expect(res).toMatchObject({ status: 303, location: "/contacts/trash?cursor=x" });
    expect((await flashAfter(res, cookie)).message).toBe("Restored Comes Back.");
    expect((await row(contact.id))!.deleted_at).toBeNull();
    // The same form again (a double tap, a retry): the first answer, nothing more.
    const again = await call(trash.action, post("/contacts/trash", form, cookie));
    expect(again).toMatchObject({ status: 303, location: "/contacts/trash?cursor=x" });
    // Anywhere but the trash is not where a restore goes back to.
    const elsewhere = await send(cookie, { intent: "restore", id: contact.id, returnTo: "https://evil.example/contacts/trash" });
    expect(elsewhere.location).toBe("/contacts/trash");
  });

  it("explains a restore refused because another contact has the email now, and keeps it in the trash", async () => {
    const { user, cookie } = await signedInUser();
    const contact = await createTestContact(user.id, { name: "Old Ada", email: "ada@example.com" });
    await deleteContact(user.id, contact.id);
    await createTestContact(user.id, { name: "New Ada", email: "ada@example.com" });
    const res = await send(cookie, { intent: "restore", id: contact.id });
    expect(res.status).toBe(303);
    expect(await flashAfter(res, cookie)).toEqual({
      kind: "error",
      message:
        "Couldn't restore Old Ada: ada@example.com now belongs to New Ada. Change or delete that contact's email first, then restore Old Ada.",
    });
    expect((await row(contact.id))!.deleted_at).not.toBeNull();
  });

  it("deletes for good from the confirmation page, and answers 404 for a live contact or another account's", async () => {
    const { user, cookie } = await signedInUser();
    const stranger = await signedInUser();
    const live = await createTestContact(user.id);
    const trashed = await createTestContact(user.id, { name: "Really Gone" });
    await deleteContact(user.id, trashed.id);

    const p = (id: string) => ({ trashedId: id });
    expect((await call(confirmDelete.loader, get(`/contacts/trash/${live.id}/delete`, cookie), p(live.id))).status).toBe(404);
    expect((await call(confirmDelete.loader, get(`/contacts/trash/${trashed.id}/delete`, stranger.cookie), p(trashed.id))).status).toBe(
      404,
    );
    const page = await call(confirmDelete.loader, get(`/contacts/trash/${trashed.id}/delete?returnTo=/contacts`, cookie), p(trashed.id));
    expect(page.data).toMatchObject({ contact: { id: trashed.id, name: "Really Gone" }, returnTo: "/contacts/trash" });

    expect((await send(cookie, { intent: "delete-forever", id: live.id })).status).toBe(404);
    expect((await send(stranger.cookie, { intent: "delete-forever", id: trashed.id })).status).toBe(404);
    expect(await row(live.id)).toBeDefined();
    expect(await row(trashed.id)).toBeDefined();

    const path = `/contacts/trash/${trashed.id}/delete`;
    const form = { submissionKey: newSubmissionKey(), intent: "delete-forever", id: trashed.id };
    const res = await call(confirmDelete.action, post(path, form, cookie), p(trashed.id));
    expect(res).toMatchObject({ status: 303, location: "/contacts/trash" });
    expect((await flashAfter(res, cookie)).message).toBe("Deleted Really Gone for good.");
    expect(await row(trashed.id)).toBeUndefined();
    // A retry after a lost answer gets the first answer, not a 404.
    expect(await call(confirmDelete.action, post(path, form, cookie), p(trashed.id))).toMatchObject({ status: 303 });
  });

  it("empties the trash from its confirmation page, up to what that page counted", async () => {
    const { user, cookie } = await signedInUser();
    for (let i = 0; i < 3; i++) await deleteContact(user.id, (await createTestContact(user.id)).id);
    const page = await call(confirmEmpty.loader, get("/contacts/trash/empty", cookie));
    expect(page.data.total).toBe(3);
    const afterwards = await createTestContact(user.id, { name: "Deleted Meanwhile" });
    await db
      .updateTable("contacts")
      .set({ deleted_at: page.data.latest + 1 })
      .where("id", "=", afterwards.id)
      .execute();

    const form = { submissionKey: newSubmissionKey(), intent: "empty", upTo: String(page.data.latest) };
    const res = await call(confirmEmpty.action, post("/contacts/trash/empty", form, cookie));
    expect(res).toMatchObject({ status: 303, location: "/contacts/trash" });
    expect((await flashAfter(res, cookie)).message).toBe("Deleted 3 contacts for good.");
    const left = await call(trash.loader, get("/contacts/trash", cookie));
    expect(left.data.contacts.map((c: { name: string }) => c.name)).toEqual(["Deleted Meanwhile"]);
    expect((await call(confirmEmpty.action, post("/contacts/trash/empty", form, cookie))).location).toBe("/contacts/trash");
    expect((await call(trash.loader, get("/contacts/trash", cookie))).data.total).toBe(1);
  });

  it("answers a form it cannot read with 400, and changes nothing", async () => {
    const { user, cookie } = await signedInUser();
    const contact = await createTestContact(user.id);
    await deleteContact(user.id, contact.id);
    expect((await send(cookie, { intent: "shred", id: contact.id })).status).toBe(400);
    expect((await send(cookie, { intent: "empty", upTo: "soon" })).status).toBe(400);
    expect((await send(cookie, { intent: "empty" })).status).toBe(400);
    expect((await send(cookie, { intent: "restore" })).status).toBe(404);
    expect((await row(contact.id))!.deleted_at).not.toBeNull();
  });
});
