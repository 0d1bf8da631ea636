import { describe, expect, it } from "vitest";
import { db } from "#app/db.server";
import { createTestContact, signedInUser, uniqueEmail } from "#tests/factories";
import { call, cookieFrom, get, post, type Outcome } from "#tests/route-helpers";
import { UNDO_WINDOW_MS } from "#app/contacts/trash.server";
import * as root from "#app/root";
import * as list from "./contacts._index";
import * as detail from "./contacts.$contactId._index";
import * as remove from "./contacts.$contactId.delete";
import * as edit from "./contacts.$contactId.edit";
import * as restore from "./contacts.$contactId.restore";
import * as create from "./contacts.new";

// Delete with undo, through the routes (docs/decisions/0015-soft-delete-and-undo.md).

type Cookie = string;

async function deleteVia(id: string, cookie: Cookie): Promise<Outcome> {
  const res = await call(remove.action, post(`/contacts/${id}/delete`, {}, cookie), { contactId: id });
  expect(res.status).toBe(303);
  return res;
}

function undo(id: string, cookie: Cookie): Promise<Outcome> {
  return call(restore.action, post(`/contacts/${id}/restore`, {}, cookie), { contactId: id });
}

/** The flash the next page would show for this response. */
async function flashAfter(res: Outcome, cookie: Cookie) {
  const flash = cookieFrom(res.headers, "cardfile_flash");
  expect(flash).not.toBeNull();
  return (await call(root.loader, get(res.location ?? "/contacts", `${cookie}; ${flash}`))).data.flash;
}

async function listedIds(cookie: Cookie, q = ""): Promise<string[]> {
  const res = await call(list.loader, get(q ? `/contacts?q=${encodeURIComponent(q)}` : "/contacts", cookie));
  return res.data.contacts.map((c: { id: string }) => c.id);
}

async function deletedAt(id: string): Promise<number | null | undefined> {
  return (await db.selectFrom("contacts").select("deleted_at").where("id", "=", id).executeTakeFirst())?.deleted_at;
}

describe(`delete with undo (${process.env.TEST_DIALECT})`, () => {
  it("hides a deleted contact everywhere: list, search, details, edit and delete pages", async () => {
    const { user, cookie } = await signedInUser();
    const kept = await createTestContact(user.id, { name: "Stays Here" });
    const gone = await createTestContact(user.id, { name: "Hidden Person", company: "Hidden Co" });
    await deleteVia(gone.id, cookie);

    expect(await listedIds(cookie)).toEqual([kept.id]);
    expect(await listedIds(cookie, "hidden")).toEqual([]);
    const p = { contactId: gone.id };
    expect((await call(detail.loader, get(`/contacts/${gone.id}`, cookie), p)).status).toBe(404);
    expect((await call(edit.loader, get(`/contacts/${gone.id}/edit`, cookie), p)).status).toBe(404);
    expect((await call(remove.loader, get(`/contacts/${gone.id}/delete`, cookie), p)).status).toBe(404);
    const form = { name: "Edited Ghost", email: gone.email, company: "", phone: "", notes: "" };
    expect((await call(edit.action, post(`/contacts/${gone.id}/edit`, form, cookie), p)).status).toBe(404);
    expect((await call(edit.action, post(`/contacts/${gone.id}/edit`, { name: "" }, cookie), p)).status).toBe(404);
    expect((await call(remove.action, post(`/contacts/${gone.id}/delete`, {}, cookie), p)).status).toBe(404);
  });

  it("lets a new contact take a deleted contact's email", async () => {
    const { user, cookie } = await signedInUser();
    const gone = await createTestContact(user.id);
    await deleteVia(gone.id, cookie);
    const form = { name: "New Owner", email: gone.email.toUpperCase(), company: "", phone: "", notes: "" };
    expect((await call(create.action, post("/contacts/new", form, cookie))).status).toBe(303);
  });

  it("offers Undo after the delete; Undo restores the contact at its place and says so", async () => {
    const { user, cookie } = await signedInUser();
    await createTestContact(user.id, { name: "Older One" });
    const contact = await createTestContact(user.id, { name: "Back Again" });
    await createTestContact(user.id, { name: "Newer One" });
    const before = await listedIds(cookie);
    const deleted = await deleteVia(contact.id, cookie);
    expect(await listedIds(cookie)).toEqual(before.filter((id) => id !== contact.id));
    expect(await flashAfter(deleted, cookie)).toEqual({ message: "Deleted Back Again.", undoContactId: contact.id });

    const res = await undo(contact.id, cookie);
    expect(res.status).toBe(303);
    expect(res.location).toBe("/contacts");
    expect(await flashAfter(res, cookie)).toEqual({ message: "Restored Back Again." });
    expect(await deletedAt(contact.id)).toBeNull();
    expect(await listedIds(cookie)).toEqual(before);
    const shown = await call(detail.loader, get(`/contacts/${contact.id}`, cookie), { contactId: contact.id });
    expect(shown.data.contact).toEqual(contact);

    // A second Undo (double tap, resubmit) gets the same answer and changes nothing.
    const again = await undo(contact.id, cookie);
    expect(again.status).toBe(303);
    expect(await flashAfter(again, cookie)).toEqual({ message: "Restored Back Again." });
  });

  it("does not undo when a live contact has taken the email meanwhile, and says who has it", async () => {
    const { user, cookie } = await signedInUser();
    const email = uniqueEmail("taken");
    const gone = await createTestContact(user.id, { name: "Earlier Holder", email });
    await deleteVia(gone.id, cookie);
    const taker = await createTestContact(user.id, { name: "Later Holder", email: email.toUpperCase() });
    const before = await deletedAt(gone.id);

    const res = await undo(gone.id, cookie);
    expect(res.status).toBe(303);
    expect(res.location).toBe("/contacts");
    expect(await flashAfter(res, cookie)).toEqual({
      message: `Couldn't undo: ${email} now belongs to Later Holder. Earlier Holder stays deleted.`,
      kind: "error",
    });
    expect(await deletedAt(gone.id)).toBe(before);
    expect(await listedIds(cookie)).toEqual([taker.id]);
  });

  it("does not undo more than 10 minutes after the delete", async () => {
    const { user, cookie } = await signedInUser();
    const gone = await createTestContact(user.id, { name: "Too Late" });
    await deleteVia(gone.id, cookie);
    const expired = Date.now() - UNDO_WINDOW_MS - 1_000;
    await db.updateTable("contacts").set({ deleted_at: expired }).where("id", "=", gone.id).execute();

    const res = await undo(gone.id, cookie);
    expect(res.status).toBe(303);
    expect(await flashAfter(res, cookie)).toEqual({
      message: "Couldn't undo: more than 10 minutes have passed since Too Late was deleted.",
      kind: "error",
    });
    expect(await deletedAt(gone.id)).toBe(expired);
    expect((await call(detail.loader, get(`/contacts/${gone.id}`, cookie), { contactId: gone.id })).status).toBe(404);
  });

  it("answers 404 for another account's contact or an unknown id, and changes nothing", async () => {
    const owner = await signedInUser();
    const intruder = await signedInUser();
    const contact = await createTestContact(owner.user.id);
    await deleteVia(contact.id, owner.cookie);
    const before = await deletedAt(contact.id);
    for (const id of [contact.id, "AAAAAAAAAAAAAAAAAAAAAA", "not-an-id", "../../etc"]) {
      const res = await undo(id, intruder.cookie);
      expect(res.status, id).toBe(404);
      expect(cookieFrom(res.headers, "cardfile_flash")).toBeNull();
    }
    expect(await deletedAt(contact.id)).toBe(before);
    expect(await listedIds(intruder.cookie)).toEqual([]);
    // A flash cookie forged to offer someone else's Undo gets the same 404.
    const forged = `cardfile_flash=${encodeURIComponent(JSON.stringify({ message: "Deleted.", undoContactId: contact.id }))}`;
    expect((await call(root.loader, get("/contacts", `${intruder.cookie}; ${forged}`))).data.flash.undoContactId).toBe(contact.id);
    expect((await undo(contact.id, intruder.cookie)).status).toBe(404);
    expect(await deletedAt(contact.id)).toBe(before);
  });

  it("restores nothing on GET: 303 to /contacts, or to log in first", async () => {
    const { user, cookie } = await signedInUser();
    const contact = await createTestContact(user.id);
    await deleteVia(contact.id, cookie);
    const p = { contactId: contact.id };
    const res = await call(restore.loader, get(`/contacts/${contact.id}/restore`, cookie), p);
    expect(res.status).toBe(303);
    expect(res.location).toBe("/contacts");
    expect(await deletedAt(contact.id)).not.toBeNull();

    const signedOut = await call(restore.action, post(`/contacts/${contact.id}/restore`, {}), p);
    expect(signedOut.status).toBe(303);
    expect(signedOut.location).toBe(`/login?redirectTo=${encodeURIComponent(`/contacts/${contact.id}/restore`)}`);
    expect(await deletedAt(contact.id)).not.toBeNull();
  });

  it("drops a flash cookie it did not write, and keeps only a well-formed undo id", async () => {
    const { cookie } = await signedInUser();
    const flashOf = async (value: string) =>
      (await call(root.loader, get("/contacts", `${cookie}; cardfile_flash=${encodeURIComponent(value)}`))).data.flash;
    expect(await flashOf("<script>alert(1)</script>")).toBeNull();
    expect(await flashOf('{"message":1}')).toBeNull();
    expect(await flashOf('{"message":"Hi","undoContactId":"../../x","kind":"loud"}')).toEqual({ message: "Hi" });
  });

  it("gives the Undo form a one-time key: a repeat gets the first answer, even after a new delete", async () => {
    const { user, cookie } = await signedInUser();
    const contact = await createTestContact(user.id, { name: "Twice Undone" });
    const deleted = await deleteVia(contact.id, cookie);
    const flash = cookieFrom(deleted.headers, "cardfile_flash");
    const page = await call(root.loader, get("/contacts", `${cookie}; ${flash}`));
    const submissionKey = page.data.undoKey as string;
    expect(submissionKey).toMatch(/^[\w-]{22}$/);

    const send = () => call(restore.action, post(`/contacts/${contact.id}/restore`, { submissionKey }, cookie), { contactId: contact.id });
    const first = await send();
    expect(first.status).toBe(303);
    expect((await flashAfter(first, cookie)).message).toBe("Restored Twice Undone.");
    // Deleted again in the meantime: an old Undo resent (a retry, a resubmit) does not restore it a second time.
    await deleteVia(contact.id, cookie);
    const repeat = await send();
    expect(repeat.status).toBe(303);
    expect(repeat.location).toBe(first.location);
    expect((await flashAfter(repeat, cookie)).message).toBe("Restored Twice Undone.");
    expect(await deletedAt(contact.id)).not.toBeNull();
    // A key from another form is refused.
    const other = await call(restore.action, post(`/contacts/${contact.id}/restore`, { submissionKey }, cookie), {
      contactId: "x".repeat(22),
    });
    expect(other.status).toBe(400);
  });

  it("offers no Undo key without an Undo", async () => {
    const { cookie } = await signedInUser();
    expect((await call(root.loader, get("/contacts", cookie))).data.undoKey).toBeNull();
  });
});
