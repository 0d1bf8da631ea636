import { describe, expect, it } from "vitest";
import { getContact } from "#app/contacts/contacts.server";
import { newSubmissionKey } from "#app/submissions/submission-keys.server";
import { createTestContact, signedInUser } from "#tests/factories";
import { call, cookieFrom, get, post } from "#tests/route-helpers";
import * as root from "#app/root";
import * as list from "./contacts._index";
import * as star from "./contacts.$contactId.star";

// The star button's route (decision 0033): a POST form that sets the state
// asked for and goes back with a message; another account's contact is a 404.

const send = (cookie: string, id: string, form: Record<string, string>) =>
  call(star.action, post(`/contacts/${id}/star`, { submissionKey: newSubmissionKey(), ...form }, cookie), { contactId: id });

describe(`the star's route (${process.env.TEST_DIALECT})`, () => {
  it("stars from a list page and goes back to it, unstars from the contact's page and goes back there", async () => {
    const { user, cookie } = await signedInUser();
    const contact = await createTestContact(user.id, { name: "Ada Star" });

    const starred = await send(cookie, contact.id, { starred: "1", returnTo: "/contacts?starred=1&q=ada" });
    expect(starred).toMatchObject({ status: 303, location: "/contacts?starred=1&q=ada" });
    const flash = cookieFrom(starred.headers, "cardfile_flash")!;
    expect((await call(root.loader, get("/contacts", `${cookie}; ${flash}`))).data.flash.message).toBe("Starred Ada Star.");
    expect((await getContact(user.id, contact.id))!.starred).toBe(true);
    const page = await call(list.loader, get("/contacts?starred=1", cookie));
    expect(page.data).toMatchObject({ params: { starred: true }, contacts: [{ id: contact.id, starred: true }] });

    const unstarred = await send(cookie, contact.id, { starred: "0", returnTo: `/contacts/${contact.id}` });
    expect(unstarred).toMatchObject({ status: 303, location: `/contacts/${contact.id}` });
    expect((await getContact(user.id, contact.id))!.starred).toBe(false);
    expect((await call(list.loader, get("/contacts?starred=1", cookie))).data.contacts).toEqual([]);
    // Anywhere else is not where it goes back to.
    expect((await send(cookie, contact.id, { starred: "1", returnTo: "https://evil.example/" })).location).toBe("/contacts");
  });

  it("answers 404 for another account's contact, 400 for a form it cannot read, and changes nothing; a GET stars nothing", async () => {
    const { user } = await signedInUser();
    const stranger = await signedInUser();
    const contact = await createTestContact(user.id);
    expect((await send(stranger.cookie, contact.id, { starred: "1" })).status).toBe(404);
    const { cookie } = await signedInUser();
    expect((await send(cookie, contact.id, { starred: "yes" })).status).toBe(400);
    expect((await getContact(user.id, contact.id))!.starred).toBe(false);
    const got = await call(star.loader, get(`/contacts/${contact.id}/star`, stranger.cookie), { contactId: contact.id });
    expect(got).toMatchObject({ status: 303, location: `/contacts/${contact.id}` });
  });
});
