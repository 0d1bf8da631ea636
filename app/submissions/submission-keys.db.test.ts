import { describe, expect, it } from "vitest";
import { db } from "#app/db.server";
import { createTestContact, signedInUser, uniqueEmail } from "#tests/factories";
import { call, post } from "#tests/route-helpers";
import * as remove from "#app/routes/contacts.$contactId.delete";
import * as edit from "#app/routes/contacts.$contactId.edit";
import * as create from "#app/routes/contacts.new";
import { newSubmissionKey, purgeSubmissions, SUBMISSION_TTL_MS } from "./submission-keys.server";

const contactCount = async (ownerId: string) =>
  (await db.selectFrom("contacts").select("id").where("owner_id", "=", ownerId).execute()).length;

describe(`one-time submission keys (${process.env.TEST_DIALECT})`, () => {
  it("renders a fresh key with every form", async () => {
    const { user, cookie } = await signedInUser();
    const contact = await createTestContact(user.id);
    const a = await call(create.loader, post("/contacts/new", {}, cookie));
    const b = await call(create.loader, post("/contacts/new", {}, cookie));
    expect(a.data.submissionKey).toMatch(/^[A-Za-z0-9_-]{22}$/);
    expect(a.data.submissionKey).not.toBe(b.data.submissionKey);
    const e = await call(edit.loader, post(`/contacts/${contact.id}/edit`, {}, cookie), { contactId: contact.id });
    expect(e.data.submissionKey).toMatch(/^[A-Za-z0-9_-]{22}$/);
  });

  it("answers a repeated create with the first answer and creates one contact", async () => {
    const { user, cookie } = await signedInUser();
    const form = { name: "Once Only", email: uniqueEmail(), submissionKey: newSubmissionKey() };
    const first = await call(create.action, post("/contacts/new", form, cookie));
    const again = await call(create.action, post("/contacts/new", form, cookie));
    expect(first.status).toBe(303);
    expect(again.status).toBe(303);
    expect(again.location).toBe(first.location);
    expect(again.headers.getSetCookie()).toEqual(first.headers.getSetCookie()); // the same flash
    expect(await contactCount(user.id)).toBe(1);
  });

  it("gives 8 concurrent repeats one effect and the same answer", async () => {
    const { user, cookie } = await signedInUser();
    const form = { name: "Eight Taps", email: uniqueEmail(), submissionKey: newSubmissionKey() };
    const answers = await Promise.all(Array.from({ length: 8 }, () => call(create.action, post("/contacts/new", form, cookie))));
    expect(answers.map((a) => a.status)).toEqual(Array(8).fill(303));
    expect(new Set(answers.map((a) => a.location)).size).toBe(1);
    expect(await contactCount(user.id)).toBe(1);
  });

  it("treats the same values in a freshly loaded form as a new submission", async () => {
    const { user, cookie } = await signedInUser();
    const values = { name: "Twice", email: uniqueEmail() };
    expect((await call(create.action, post("/contacts/new", { ...values, submissionKey: newSubmissionKey() }, cookie))).status).toBe(303);
    // A new key: not a replay, so the duplicate-email rule answers.
    expect((await call(create.action, post("/contacts/new", { ...values, submissionKey: newSubmissionKey() }, cookie))).status).toBe(409);
    expect(await contactCount(user.id)).toBe(1);
  });

  it("does not use up a key on a failed submission: the corrected form goes through", async () => {
    const { user, cookie } = await signedInUser();
    const submissionKey = newSubmissionKey();
    const bad = await call(create.action, post("/contacts/new", { name: "", email: uniqueEmail(), submissionKey }, cookie));
    expect(bad.status).toBe(400);
    const taken = await createTestContact(user.id);
    const duplicate = await call(create.action, post("/contacts/new", { name: "Dup", email: taken.email, submissionKey }, cookie));
    expect(duplicate.status).toBe(409);
    const good = await call(create.action, post("/contacts/new", { name: "Fixed", email: uniqueEmail(), submissionKey }, cookie));
    expect(good.status).toBe(303);
    expect(await contactCount(user.id)).toBe(2);
  });

  it("ties a key to its user: another account's request with the same key is its own", async () => {
    const a = await signedInUser();
    const b = await signedInUser();
    const submissionKey = newSubmissionKey();
    const ra = await call(create.action, post("/contacts/new", { name: "A", email: uniqueEmail(), submissionKey }, a.cookie));
    const rb = await call(create.action, post("/contacts/new", { name: "B", email: uniqueEmail(), submissionKey }, b.cookie));
    expect(rb.status).toBe(303);
    expect(rb.location).not.toBe(ra.location);
    expect(await contactCount(b.user.id)).toBe(1);
  });

  it("ties a key to its form: a create key replayed on an edit is refused", async () => {
    const { user, cookie } = await signedInUser();
    const submissionKey = newSubmissionKey();
    await call(create.action, post("/contacts/new", { name: "First", email: uniqueEmail(), submissionKey }, cookie));
    const contact = await createTestContact(user.id);
    const res = await call(
      edit.action,
      post(`/contacts/${contact.id}/edit`, { name: "Changed", email: contact.email, version: "1", submissionKey }, cookie),
      {
        contactId: contact.id,
      },
    );
    expect(res.status).toBe(400);
    expect((await db.selectFrom("contacts").select("name").where("id", "=", contact.id).executeTakeFirstOrThrow()).name).toBe(contact.name);
  });

  it("answers a retried edit with its first answer, bumping the version once", async () => {
    const { user, cookie } = await signedInUser();
    const contact = await createTestContact(user.id);
    const form = { name: "Edited Once", email: contact.email, version: String(contact.version), submissionKey: newSubmissionKey() };
    const first = await call(edit.action, post(`/contacts/${contact.id}/edit`, form, cookie), { contactId: contact.id });
    const again = await call(edit.action, post(`/contacts/${contact.id}/edit`, form, cookie), { contactId: contact.id });
    expect([first.status, again.status]).toEqual([303, 303]);
    expect(again.location).toBe(first.location);
    const row = await db.selectFrom("contacts").select("version").where("id", "=", contact.id).executeTakeFirstOrThrow();
    expect(row.version).toBe(2);
  });

  it("answers a retried delete with its first answer, not a 404", async () => {
    const { user, cookie } = await signedInUser();
    const contact = await createTestContact(user.id);
    const form = { submissionKey: newSubmissionKey() };
    const first = await call(remove.action, post(`/contacts/${contact.id}/delete`, form, cookie), { contactId: contact.id });
    const again = await call(remove.action, post(`/contacts/${contact.id}/delete`, form, cookie), { contactId: contact.id });
    expect([first.status, again.status]).toEqual([303, 303]);
    expect(again.location).toBe("/contacts");
  });

  it("still accepts a form without a key (it is just not deduplicated)", async () => {
    const { user, cookie } = await signedInUser();
    const res = await call(create.action, post("/contacts/new", { name: "No Key", email: uniqueEmail() }, cookie));
    expect(res.status).toBe(303);
    expect(await contactCount(user.id)).toBe(1);
  });

  it("purges keys after 24 hours", async () => {
    const { user, cookie } = await signedInUser();
    const submissionKey = newSubmissionKey();
    await call(create.action, post("/contacts/new", { name: "Old Key", email: uniqueEmail(), submissionKey }, cookie));
    const keyRow = () =>
      db.selectFrom("submissions").select("key").where("user_id", "=", user.id).where("key", "=", submissionKey).execute();
    await purgeSubmissions(Date.now() + SUBMISSION_TTL_MS - 60_000);
    expect(await keyRow()).toHaveLength(1);
    await purgeSubmissions(Date.now() + SUBMISSION_TTL_MS + 60_000);
    expect(await keyRow()).toHaveLength(0);
  });
});
