import { describe, expect, it } from "vitest";
import { db } from "#app/db.server";
import { contactInput, createTestContact, signedInUser } from "#tests/factories";
import { call, post } from "#tests/route-helpers";
import { getContact, updateContact } from "#app/contacts/contacts.server";
import * as edit from "./contacts.$contactId.edit";

const row = (id: string) => db.selectFrom("contacts").selectAll().where("id", "=", id).executeTakeFirstOrThrow();

describe(`edit conflicts (${process.env.TEST_DIALECT})`, () => {
  it("answers a stale form with 409, the current values, and the typed ones kept", async () => {
    const { user, cookie } = await signedInUser();
    const contact = await createTestContact(user.id, { name: "Original" });
    // Someone else saves first.
    await updateContact(user.id, contact.id, contactInput({ name: "Theirs", email: contact.email }), 1);

    const mine = { name: "Mine", email: contact.email, company: "Typed Co", phone: "", notes: "", version: "1" };
    const res = await call(edit.action, post(`/contacts/${contact.id}/edit`, mine, cookie), { contactId: contact.id });
    expect(res.status).toBe(409);
    expect(res.data.conflict).toMatchObject({ name: "Theirs", version: 2 });
    expect(res.data.initialValue).toMatchObject({ name: "Mine", company: "Typed Co" });
    expect(res.data.error).toBeUndefined(); // the page explains with a notice, not a field error
    expect((await row(contact.id)).name).toBe("Theirs");
  });

  it("saves mine over theirs when the user sends the form again at the version they have seen", async () => {
    const { user, cookie } = await signedInUser();
    const contact = await createTestContact(user.id);
    await updateContact(user.id, contact.id, contactInput({ name: "Theirs", email: contact.email }), 1);
    const stale = await call(
      edit.action,
      post(`/contacts/${contact.id}/edit`, { name: "Mine", email: contact.email, version: "1" }, cookie),
      {
        contactId: contact.id,
      },
    );
    const again = await call(
      edit.action,
      post(`/contacts/${contact.id}/edit`, { name: "Mine", email: contact.email, version: String(stale.data.conflict.version) }, cookie),
      { contactId: contact.id },
    );
    expect(again.status).toBe(303);
    expect(await row(contact.id)).toMatchObject({ name: "Mine", version: 3 });
  });

  it("refuses a form without a version (it cannot prove it is current)", async () => {
    const { user, cookie } = await signedInUser();
    const contact = await createTestContact(user.id);
    const res = await call(edit.action, post(`/contacts/${contact.id}/edit`, { name: "No Version", email: contact.email }, cookie), {
      contactId: contact.id,
    });
    expect(res.status).toBe(400);
    expect((await row(contact.id)).name).toBe(contact.name);
  });

  it("lets exactly one of 50 concurrent saves of one version win", async () => {
    const { user } = await signedInUser();
    const contact = await createTestContact(user.id);
    const results = await Promise.all(
      Array.from({ length: 50 }, (_, i) =>
        updateContact(user.id, contact.id, contactInput({ name: `Editor ${i}`, email: contact.email }), 1),
      ),
    );
    const winners = results.filter((r) => r.ok);
    expect(winners).toHaveLength(1);
    expect(results.filter((r) => !r.ok && r.reason === "conflict")).toHaveLength(49);
    const stored = await row(contact.id);
    expect(stored.version).toBe(2);
    expect(winners[0]!.ok && winners[0]!.contact.name).toBe(stored.name);
  });

  it("loses no update when 50 editors each read, change and retry on conflict", async () => {
    const { user } = await signedInUser();
    const contact = await createTestContact(user.id, { notes: "" });
    let conflicts = 0;
    await Promise.all(
      Array.from({ length: 50 }, async (_, i) => {
        for (;;) {
          const current = (await getContact(user.id, contact.id))!;
          const notes = `${current.notes ?? ""}${String(i).padStart(2, "0")},`;
          const result = await updateContact(
            user.id,
            contact.id,
            contactInput({ name: current.name, email: current.email, notes }),
            current.version,
          );
          if (result.ok) return;
          expect(result.ok === false && result.reason).toBe("conflict");
          conflicts++;
        }
      }),
    );
    const stored = await row(contact.id);
    const markers = stored.notes!.split(",").filter(Boolean).sort();
    expect(markers).toEqual(Array.from({ length: 50 }, (_, i) => String(i).padStart(2, "0")));
    expect(stored.version).toBe(51);
    console.log(`${process.env.TEST_DIALECT}: 50 editors, ${conflicts} conflicts retried, 0 updates lost`);
  });
});
