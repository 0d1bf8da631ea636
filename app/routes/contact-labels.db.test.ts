import { describe, expect, it } from "vitest";
import { getContact } from "#app/contacts/contacts.server";
import { deleteContact } from "#app/contacts/trash.server";
import { labelsOfContact, setContactLabels } from "#app/labels/contact-labels.server";
import { type Label } from "#app/labels/labels.server";
import { newSubmissionKey } from "#app/submissions/submission-keys.server";
import { createTestContact, signedInUser, createTestLabel } from "#tests/factories";
import { call, get, post } from "#tests/route-helpers";
import { db } from "#app/db.server";
import * as edit from "./contacts.$contactId.edit";
import * as show from "./contacts.$contactId._index";
import * as list from "./contacts._index";
import * as create from "./contacts.new";
import * as labelsPage from "./labels";
import * as exportCsv from "./contacts.export[.]csv";

// Labels on contacts through the routes (decision 0034): the form's `labels`
// checkboxes, the contact page and the rows, /contacts?label=, the counts
// on /labels; another account's label is a 404 and never attaches.

/** A form body with a field given several times (a checkbox group), and the labels the edit form was opened with. */
function form(fields: Record<string, string>, labelIds: string[], labelsBefore: string[] = []) {
  const body = new URLSearchParams({ submissionKey: newSubmissionKey(), ...fields });
  for (const id of labelIds) body.append("labels", id);
  for (const id of labelsBefore) body.append("labelsBefore", id);
  return body;
}

const contactCount = async (ownerId: string) =>
  Number(
    (
      await db
        .selectFrom("contacts")
        .select((eb) => eb.fn.countAll().as("n"))
        .where("owner_id", "=", ownerId)
        .executeTakeFirstOrThrow()
    ).n,
  );

describe(`labels on contacts, through the routes (${process.env.TEST_DIALECT})`, () => {
  it("creates a contact with the labels checked, shows them, and an edit replaces them", async () => {
    const { user, cookie } = await signedInUser();
    const [work, family, book] = [
      await createTestLabel(user.id, "Work"),
      await createTestLabel(user.id, "Family"),
      await createTestLabel(user.id, "Book club"),
    ];
    const page = await call(create.loader, get("/contacts/new", cookie));
    expect(page.data.labels.map((l: Label) => l.name)).toEqual(["Book club", "Family", "Work"]);

    const created = await call(create.action, post("/contacts/new", form({ name: "Ada" }, [work.id, family.id]), cookie));
    expect(created.status).toBe(303);
    const id = created.location!.split("/").pop()!;
    const shown = await call(show.loader, get(`/contacts/${id}`, cookie), { contactId: id });
    expect(shown.data.labels).toEqual([family, work]);
    const rows = await call(list.loader, get("/contacts", cookie));
    expect(rows.data.contacts).toMatchObject([{ id, labels: [family, work] }]);

    const opened = await call(edit.loader, get(`/contacts/${id}/edit`, cookie), { contactId: id });
    expect(opened.data.labelIds.sort()).toEqual([work.id, family.id].sort());
    const version = String(opened.data.contact.version);
    const saved = await call(
      edit.action,
      post(`/contacts/${id}/edit`, form({ name: "Ada", version }, [book.id], opened.data.labelIds), cookie),
      {
        contactId: id,
      },
    );
    expect(saved.status).toBe(303);
    expect(await labelsOfContact(user.id, id)).toEqual([book]);
    // A label change is a change: the version moved, so a form opened before it is stale.
    expect((await getContact(user.id, id))!.version).toBe(Number(version) + 1);
    const stale = await call(edit.action, post(`/contacts/${id}/edit`, form({ name: "Ada", version }, []), cookie), { contactId: id });
    expect(stale.status).toBe(409);
    expect(stale.data.conflictLabels).toEqual(["Book club"]);
    expect(await labelsOfContact(user.id, id)).toEqual([book]);
  });

  it("saves an edit's own label change: a label put on meanwhile (a bulk action) stays", async () => {
    const { user, cookie } = await signedInUser();
    const [work, family] = [await createTestLabel(user.id, "Work"), await createTestLabel(user.id, "Family")];
    const contact = await createTestContact(user.id, { name: "Ada" });
    const opened = await call(edit.loader, get(`/contacts/${contact.id}/edit`, cookie), { contactId: contact.id });
    expect(opened.data.labelIds).toEqual([]);
    await setContactLabels(user.id, contact.id, [work.id]); // meanwhile, in another tab: the bulk form
    const body = form({ name: "Ada L", version: String(opened.data.contact.version) }, [family.id]);
    const saved = await call(edit.action, post(`/contacts/${contact.id}/edit`, body, cookie), { contactId: contact.id });
    expect(saved.status).toBe(303);
    expect(await labelsOfContact(user.id, contact.id)).toEqual([family, work]);
  });

  it("answers 404 for another account's label, and creates or changes nothing", async () => {
    const { user, cookie } = await signedInUser();
    const stranger = await signedInUser();
    const mine = await createTestLabel(user.id, "Mine");
    const theirs = await createTestLabel(stranger.user.id, "Theirs");

    const created = await call(create.action, post("/contacts/new", form({ name: "Ada" }, [mine.id, theirs.id]), cookie));
    expect(created.status).toBe(404);
    expect(await contactCount(user.id)).toBe(0);
    expect((await call(create.action, post("/contacts/new", form({ name: "Ada" }, ["nonsense"]), cookie))).status).toBe(404);

    const contact = await createTestContact(user.id, { name: "Bob" });
    const edited = await call(
      edit.action,
      post(`/contacts/${contact.id}/edit`, form({ name: "Bob Changed", version: String(contact.version) }, [theirs.id]), cookie),
      { contactId: contact.id },
    );
    expect(edited.status).toBe(404);
    expect(await getContact(user.id, contact.id)).toMatchObject({ name: "Bob", version: contact.version });
    expect(await labelsOfContact(user.id, contact.id)).toEqual([]);

    // Nor does the list of a stranger's label exist, or of no label.
    for (const id of [theirs.id, "nonsense", "AAAAAAAAAAAAAAAAAAAAAA"]) {
      expect((await call(list.loader, get(`/contacts?label=${id}`, cookie))).status).toBe(404);
    }
  });

  it("lists a label's contacts with q and starred kept in its links, and counts live contacts on /labels", async () => {
    const { user, cookie } = await signedInUser();
    const [work, empty] = [await createTestLabel(user.id, "Work"), await createTestLabel(user.id, "Empty")];
    const ada = await createTestContact(user.id, { name: "Ada Work" });
    const bob = await createTestContact(user.id, { name: "Bob Work" });
    const cy = await createTestContact(user.id, { name: "Cy Home" });
    for (const c of [ada, bob]) {
      const body = form({ name: c.name, version: String(c.version) }, [work.id]);
      await call(edit.action, post(`/contacts/${c.id}/edit`, body, cookie), { contactId: c.id });
    }

    const labelled = await call(list.loader, get(`/contacts?label=${work.id}`, cookie));
    expect(labelled.data.label).toEqual(work);
    expect(labelled.data.contacts.map((c: { name: string }) => c.name).sort()).toEqual(["Ada Work", "Bob Work"]);
    const searched = await call(list.loader, get(`/contacts?label=${work.id}&q=ada`, cookie));
    expect(searched.data.contacts.map((c: { name: string }) => c.name)).toEqual(["Ada Work"]);
    expect(searched.data.params).toEqual({ q: "ada", starred: false, label: work.id, sort: "newest" });
    expect((await call(list.loader, get(`/contacts?label=${empty.id}`, cookie))).data.contacts).toEqual([]);
    const everyone = (await call(list.loader, get("/contacts", cookie))).data.contacts;
    expect(everyone.map((c: { id: string }) => c.id).sort()).toEqual([cy.id, bob.id, ada.id].sort());

    // The list's export links take its filters: only the label's contacts; a stranger's label is a 404.
    const exported = await exportCsv.loader({
      request: get(`/contacts/export.csv?label=${work.id}&q=ada`, cookie),
      params: {},
      context: {},
    } as never);
    const lines = (await exported.text()).trim().split("\r\n");
    expect(lines).toHaveLength(2);
    expect(lines[1]).toMatch(/^Ada,Work,.*,Work$/);
    const stranger = await signedInUser();
    const refused = await call(exportCsv.loader, get(`/contacts/export.csv?label=${work.id}`, stranger.cookie));
    expect(refused.status).toBe(404);

    await deleteContact(user.id, bob.id);
    const counts = await call(labelsPage.loader, get("/labels", cookie));
    expect(counts.data.labels.map((l: { name: string; count: number }) => [l.name, l.count])).toEqual([
      ["Empty", 0],
      ["Work", 1],
    ]);
  });
});
