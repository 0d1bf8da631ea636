import { describe, expect, it } from "vitest";
import { db } from "#app/db.server";
import { createTestContact, signedInUser, uniqueEmail } from "#tests/factories";
import { call, cookieFrom, get, post } from "#tests/route-helpers";
import * as root from "#app/root";
import * as list from "./contacts._index";
import * as detail from "./contacts.$contactId._index";
import * as remove from "./contacts.$contactId.delete";
import * as edit from "./contacts.$contactId.edit";
import * as create from "./contacts.new";

const valid = () => ({ name: "Mary Jackson", email: uniqueEmail("mary"), company: "", phone: "", notes: "" });

describe(`contact routes (${process.env.TEST_DIALECT})`, () => {
  describe("signed out", () => {
    it.each([
      ["/contacts?q=x", list.loader, {}],
      ["/contacts/new", create.loader, {}],
      ["/contacts/abcdefghijklmnopqrstuv", detail.loader, { contactId: "abcdefghijklmnopqrstuv" }],
      ["/contacts/abcdefghijklmnopqrstuv/edit", edit.loader, { contactId: "abcdefghijklmnopqrstuv" }],
      ["/contacts/abcdefghijklmnopqrstuv/delete", remove.loader, { contactId: "abcdefghijklmnopqrstuv" }],
    ] as const)("GET %s redirects to /login with redirectTo", async (path, loader, params) => {
      const res = await call(loader, get(path), params);
      expect(res.status).toBe(303);
      expect(res.location).toBe(`/login?redirectTo=${encodeURIComponent(path)}`);
    });

    it("keeps a way back too long for a Location header to its path (or drops it), so the redirect stays small", async () => {
      const longQuery = await call(list.loader, get(`/contacts?q=${"x".repeat(12_000)}`));
      expect(longQuery.status).toBe(303);
      expect(longQuery.location).toBe("/login?redirectTo=%2Fcontacts");
      const longPath = await call(detail.loader, get(`/contacts/${"x".repeat(3_000)}`), { contactId: "x".repeat(3_000) });
      expect(longPath.location).toBe("/login");
    });

    it("POST /contacts/new redirects to /login and creates nothing", async () => {
      const before = await db
        .selectFrom("contacts")
        .select((eb) => eb.fn.countAll<number>().as("n"))
        .executeTakeFirstOrThrow();
      const res = await call(create.action, post("/contacts/new", valid()));
      expect(res.status).toBe(303);
      const after = await db
        .selectFrom("contacts")
        .select((eb) => eb.fn.countAll<number>().as("n"))
        .executeTakeFirstOrThrow();
      expect(Number(after.n)).toBe(Number(before.n));
    });
  });

  describe("create", () => {
    it("creates, answers 303 to the contact and leaves a one-time flash", async () => {
      const { user, cookie } = await signedInUser();
      const form = { ...valid(), name: "  Mary Jackson  ", company: "  " };
      const res = await call(create.action, post("/contacts/new", form, cookie));
      expect(res.status).toBe(303);
      const id = res.location!.replace("/contacts/", "");
      expect(id).toMatch(/^[A-Za-z0-9_-]{22}$/);
      const flash = cookieFrom(res.headers, "cardfile_flash")!;
      expect(decodeURIComponent(flash)).toContain("Created Mary Jackson.");

      const shown = await call(detail.loader, get(`/contacts/${id}`, cookie), { contactId: id });
      expect(shown.data.contact).toMatchObject({ name: "Mary Jackson", company: null, phone: null, notes: null });
      const row = await db.selectFrom("contacts").selectAll().where("id", "=", id).executeTakeFirstOrThrow();
      expect(row.owner_id).toBe(user.id);

      // The root loader shows the flash once and clears it.
      const rootRes = await call(root.loader, get(`/contacts/${id}`, `${cookie}; ${flash}`));
      expect(rootRes.data.flash).toEqual({ message: "Created Mary Jackson." });
      expect(rootRes.headers.getSetCookie()[0]).toMatch(/^cardfile_flash=; .*Max-Age=0/);
    });

    it("creates a contact without an email (phone-only): the email stays blank", async () => {
      const { cookie } = await signedInUser();
      for (const name of ["Phone Only", "Another Phone Only"]) {
        const res = await call(
          create.action,
          post("/contacts/new", { name, email: "", company: "", phone: "+1 555 0100", notes: "" }, cookie),
        );
        expect(res.status).toBe(303);
        const id = res.location!.replace("/contacts/", "");
        const shown = await call(detail.loader, get(`/contacts/${id}`, cookie), { contactId: id });
        expect(shown.data.contact).toMatchObject({ name, email: null, phone: "+1 555 0100" });
      }
    });

    it("answers 400 with field errors and every typed value, and writes nothing", async () => {
      const { user, cookie } = await signedInUser();
      const form = { name: "   ", email: "nope", company: "Acme", phone: "1".repeat(21), notes: "hello" };
      const res = await call(create.action, post("/contacts/new", form, cookie));
      expect(res.status).toBe(400);
      expect(Object.keys(res.data.error).sort()).toEqual(["email", "name", "phone"]);
      expect(res.data.initialValue).toMatchObject(form);
      expect(await db.selectFrom("contacts").select("id").where("owner_id", "=", user.id).execute()).toEqual([]);
    });

    it("answers 409 with an error on email for a duplicate, ignoring case", async () => {
      const { user, cookie } = await signedInUser();
      const existing = await createTestContact(user.id);
      const res = await call(create.action, post("/contacts/new", { ...valid(), email: existing.email.toUpperCase() }, cookie));
      expect(res.status).toBe(409);
      expect(res.data.error).toEqual({ email: ["You already have a contact with this email address"] });
      expect(res.data.initialValue.name).toBe("Mary Jackson");
    });

    it("accepts a client that submits every input the page rendered, plus unknown extras", async () => {
      const { cookie } = await signedInUser();
      const form = new URLSearchParams({ ...valid(), "__conform-internal": "x", extra: "ignored" });
      expect((await call(create.action, post("/contacts/new", form, cookie))).status).toBe(303);
    });
  });

  describe("list and search", () => {
    it("lists newest first with an Older cursor, and keeps q", async () => {
      const { user, cookie } = await signedInUser();
      for (let i = 0; i < 52; i++) await createTestContact(user.id, { name: `Person ${i}`, email: uniqueEmail() });
      const page1 = await call(list.loader, get("/contacts", cookie));
      expect(page1.data.contacts).toHaveLength(50);
      expect(page1.data.newer).toBeNull();
      const page2 = await call(list.loader, get(`/contacts?cursor=${page1.data.older}`, cookie));
      expect(page2.data.contacts).toHaveLength(2);
      expect(page2.data.older).toBeNull();
      expect(page2.data.newer).not.toBeNull();

      const search = await call(list.loader, get("/contacts?q=%20person%2051%20", cookie));
      expect(search.data.params.q).toBe("person 51");
      expect(search.data.contacts.map((c: { name: string }) => c.name)).toEqual(["Person 51"]);
    });

    it("answers the first page for a malformed cursor or odd q, never an error", async () => {
      const { user, cookie } = await signedInUser();
      await createTestContact(user.id);
      for (const path of [
        "/contacts?cursor=%00%ff",
        "/contacts?cursor=o1.%27",
        "/contacts?q=%25%5F%5C",
        `/contacts?q=${"x".repeat(5000)}`,
      ]) {
        const res = await call(list.loader, get(path, cookie));
        expect(res.status).toBe(200);
      }
      expect((await call(list.loader, get("/contacts?cursor=junk", cookie))).data.contacts).toHaveLength(1);
    });
  });

  describe("edit", () => {
    it("updates and answers 303 to the contact with a flash", async () => {
      const { user, cookie } = await signedInUser();
      const contact = await createTestContact(user.id);
      const res = await call(
        edit.action,
        post(
          `/contacts/${contact.id}/edit`,
          { name: "Ada King", email: contact.email, company: "", phone: "", notes: "Countess\nof Lovelace", version: "1" },
          cookie,
        ),
        { contactId: contact.id },
      );
      expect(res.status).toBe(303);
      expect(res.location).toBe(`/contacts/${contact.id}`);
      const shown = await call(detail.loader, get(`/contacts/${contact.id}`, cookie), { contactId: contact.id });
      expect(shown.data.contact).toMatchObject({ name: "Ada King", company: null, notes: "Countess\nof Lovelace", version: 2 });
    });

    it("answers 400 and keeps the stored contact on invalid input", async () => {
      const { user, cookie } = await signedInUser();
      const contact = await createTestContact(user.id);
      const res = await call(edit.action, post(`/contacts/${contact.id}/edit`, { name: "", email: contact.email }, cookie), {
        contactId: contact.id,
      });
      expect(res.status).toBe(400);
      const shown = await call(detail.loader, get(`/contacts/${contact.id}`, cookie), { contactId: contact.id });
      expect(shown.data.contact).toEqual(contact);
    });

    it("answers 409 when the new email belongs to another of the owner's contacts", async () => {
      const { user, cookie } = await signedInUser();
      const a = await createTestContact(user.id);
      const b = await createTestContact(user.id);
      const res = await call(
        edit.action,
        post(`/contacts/${b.id}/edit`, { name: b.name, email: a.email, version: String(b.version) }, cookie),
        { contactId: b.id },
      );
      expect(res.status).toBe(409);
      expect(res.data.error.email).toHaveLength(1);
    });
  });

  describe("delete", () => {
    it("shows a confirmation page, then deletes on POST and redirects to /contacts", async () => {
      const { user, cookie } = await signedInUser();
      const contact = await createTestContact(user.id, { name: "Short Lived" });
      const confirm = await call(remove.loader, get(`/contacts/${contact.id}/delete`, cookie), { contactId: contact.id });
      expect(confirm.data.contact.name).toBe("Short Lived");
      const res = await call(remove.action, post(`/contacts/${contact.id}/delete`, {}, cookie), { contactId: contact.id });
      expect(res.status).toBe(303);
      expect(res.location).toBe("/contacts");
      const flash = cookieFrom(res.headers, "cardfile_flash")!;
      expect(decodeURIComponent(flash)).toContain("Deleted Short Lived.");
      // The next page shows the message with an Undo for this contact.
      const rootRes = await call(root.loader, get("/contacts", `${cookie}; ${flash}`));
      expect(rootRes.data.flash).toEqual({ message: "Deleted Short Lived.", undoContactId: contact.id });
      expect((await call(detail.loader, get(`/contacts/${contact.id}`, cookie), { contactId: contact.id })).status).toBe(404);
      // Soft: the row stays, marked, until the purge (docs/decisions/0015).
      const row = await db.selectFrom("contacts").select("deleted_at").where("id", "=", contact.id).executeTakeFirstOrThrow();
      expect(row.deleted_at).toBeGreaterThan(0);
    });
  });

  describe("another account's contact", () => {
    it("answers 404 on every route and action, exactly like a missing one, and changes nothing", async () => {
      const owner = await signedInUser();
      const intruder = await signedInUser();
      const contact = await createTestContact(owner.user.id);
      const missing = "AAAAAAAAAAAAAAAAAAAAAA";
      for (const id of [contact.id, missing, "not-an-id", "../../etc"]) {
        const p = { contactId: id };
        const c = intruder.cookie;
        expect((await call(detail.loader, get(`/contacts/${id}`, c), p)).status).toBe(404);
        expect((await call(edit.loader, get(`/contacts/${id}/edit`, c), p)).status).toBe(404);
        expect((await call(remove.loader, get(`/contacts/${id}/delete`, c), p)).status).toBe(404);
        expect((await call(edit.action, post(`/contacts/${id}/edit`, valid(), c), p)).status).toBe(404);
        expect((await call(edit.action, post(`/contacts/${id}/edit`, { name: "" }, c), p)).status).toBe(404);
        expect((await call(remove.action, post(`/contacts/${id}/delete`, {}, c), p)).status).toBe(404);
      }
      const shown = await call(detail.loader, get(`/contacts/${contact.id}`, owner.cookie), { contactId: contact.id });
      expect(shown.data.contact).toEqual(contact);
    });
  });
});
