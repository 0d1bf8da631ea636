import { describe, expect, it } from "vitest";
import { getContact } from "#app/contacts/contacts.server";
import { labelsOfContact } from "#app/labels/contact-labels.server";

import { newSubmissionKey } from "#app/submissions/submission-keys.server";
import { createTestContact, signedInUser, createTestLabel } from "#tests/factories";
import { call, cookieFrom, get, post, type Outcome } from "#tests/route-helpers";
import * as root from "#app/root";
import * as bulk from "./contacts.bulk";
import * as exportCsv from "./contacts.export[.]csv";
import * as list from "./contacts._index";
import * as star from "./contacts.$contactId.star";

// The bulk form through its route (decision 0036): exactly once per key,
// a message back on the list (with one Undo for a delete), refusals that
// change nothing, another account's label a 404, the export of the checked.

function form(fields: Record<string, string>, ids: string[] = []) {
  const body = new URLSearchParams({ submissionKey: newSubmissionKey(), returnTo: "/contacts?sort=name", ...fields });
  for (const id of ids) body.append("ids", id);
  return body;
}

async function flashOf(res: Outcome, cookie: string) {
  const flash = cookieFrom(res.headers, "cardfile_flash");
  return (await call(root.loader, get("/contacts", `${cookie}; ${flash}`))).data.flash;
}

describe(`the bulk form (${process.env.TEST_DIALECT})`, () => {
  it("stars and deletes the checked contacts once per form, and one Undo restores the delete", async () => {
    const { user, cookie } = await signedInUser();
    const [ada, bob] = [await createTestContact(user.id, { name: "Ada" }), await createTestContact(user.id, { name: "Bob" })];

    const starred = await call(bulk.action, post("/contacts/bulk", form({ action: "star" }, [ada.id, bob.id]), cookie));
    expect(starred).toMatchObject({ status: 303, location: "/contacts?sort=name" });
    expect((await flashOf(starred, cookie)).message).toBe("Starred 2 contacts.");

    const deletion = form({ action: "delete" }, [ada.id, bob.id]);
    const deleted = await call(bulk.action, post("/contacts/bulk", deletion, cookie));
    const flash = await flashOf(deleted, cookie);
    expect(flash).toMatchObject({ message: "Moved 2 contacts to the trash." });
    expect(flash.undoDeletedAt).toEqual(expect.any(Number));
    expect(await getContact(user.id, ada.id)).toBeNull();

    const undone = await call(
      bulk.action,
      post("/contacts/bulk", form({ action: "undo-delete", deletedAt: String(flash.undoDeletedAt) }), cookie),
    );
    expect((await flashOf(undone, cookie)).message).toBe("Restored 2 contacts.");
    expect(await getContact(user.id, ada.id)).toMatchObject({ starred: true });
    // The delete's form again (a retry after a lost answer): its first answer, and nothing is deleted again.
    expect(await call(bulk.action, post("/contacts/bulk", deletion, cookie))).toMatchObject({ status: 303 });
    expect(await getContact(user.id, ada.id)).not.toBeNull();
    // A GET changes nothing.
    expect(await call(bulk.loader, get("/contacts/bulk", cookie))).toMatchObject({ status: 303, location: "/contacts" });
  });

  it("labels every contact matching the list, and says how many", async () => {
    const { user, cookie } = await signedInUser();
    const work = await createTestLabel(user.id, "Work");
    for (const name of ["Ada Wombat", "Bob Wombat", "Cy"]) await createTestContact(user.id, { name });
    const res = await call(
      bulk.action,
      post(
        "/contacts/bulk",
        form({ action: "add-label", labelId: work.id, scope: "matching", list: "/contacts?q=wombat&sort=name" }),
        cookie,
      ),
    );
    expect((await flashOf(res, cookie)).message).toBe("Labelled 2 contacts Work.");
  });

  it("refuses what it cannot do with a message, and changes nothing; another account's label is a 404", async () => {
    const { user, cookie } = await signedInUser();
    const stranger = await signedInUser();
    const theirs = await createTestLabel(stranger.user.id, "Theirs");
    const ada = await createTestContact(user.id, { name: "Ada" });

    const none = await call(bulk.action, post("/contacts/bulk", form({ action: "star" }), cookie));
    expect(none).toMatchObject({ status: 303, location: "/contacts?sort=name" });
    expect(await flashOf(none, cookie)).toMatchObject({ kind: "error", message: expect.stringMatching(/^Select at least one contact/) });
    const noLabel = await call(bulk.action, post("/contacts/bulk", form({ action: "add-label" }, [ada.id]), cookie));
    expect(await flashOf(noLabel, cookie)).toMatchObject({ kind: "error", message: "Choose the label to add or remove." });

    for (const fields of [
      { action: "add-label", labelId: theirs.id },
      { action: "star", scope: "matching", list: `/contacts?label=${theirs.id}` },
    ] as Record<string, string>[]) {
      expect((await call(bulk.action, post("/contacts/bulk", form(fields, [ada.id]), cookie))).status).toBe(404);
    }
    // Every contact matching, without the list it means: refused, not applied to every contact.
    const noList = await call(bulk.action, post("/contacts/bulk", form({ action: "star", scope: "matching", label: "x" }), cookie));
    expect(await flashOf(noList, cookie)).toMatchObject({ kind: "error", message: expect.stringMatching(/could not be read/) });
    const unreadable = await call(bulk.action, post("/contacts/bulk", form({ action: "explode" }, [ada.id]), cookie));
    expect(unreadable).toMatchObject({ status: 303, location: "/contacts" });
    expect(await flashOf(unreadable, cookie)).toMatchObject({ kind: "error", message: expect.stringMatching(/could not be read/) });
    expect(await getContact(user.id, ada.id)).toMatchObject({ starred: false, version: ada.version });
    expect(await labelsOfContact(user.id, ada.id)).toEqual([]);
  });

  it("exports the checked contacts, and asks for some when none are", async () => {
    const { user, cookie } = await signedInUser();
    const ada = await createTestContact(user.id, { name: "Ada" });
    await createTestContact(user.id, { name: "Bob" }); // not checked: not exported
    const stranger = await signedInUser();
    const theirs = await createTestContact(stranger.user.id, { name: "Theirs" });
    const query = new URLSearchParams({ export: "selected" });
    for (const id of [ada.id, theirs.id]) query.append("ids", id);
    const res = await exportCsv.loader({ request: get(`/contacts/export.csv?${query}`, cookie), params: {}, context: {} } as never);
    const rows = (await res.text()).trim().split("\r\n").slice(1);
    expect(rows.map((row) => row.split(",")[0])).toEqual(["Ada"]);
    const empty = await call(exportCsv.loader, get("/contacts/export.csv?export=selected", cookie));
    expect(empty.status).toBe(400);
  });

  it("takes a row's star, which the rows' being inside the bulk form sends with its key, and the form then has another key", async () => {
    const { user, cookie } = await signedInUser();
    const [ada, bob] = [await createTestContact(user.id, { name: "Ada" }), await createTestContact(user.id, { name: "Bob" })];
    const before = (await call(list.loader, get("/contacts", cookie))).data.bulkKey;
    // Everything the bulk form holds, sent to the star's route by Ada's star button (no JavaScript).
    const body = new URLSearchParams({ submissionKey: before, returnTo: "/contacts", list: "/contacts", starred: "1" });
    body.append("ids", bob.id);
    const starred = await call(star.action, post(`/contacts/${ada.id}/star`, body, cookie), { contactId: ada.id });
    expect(starred).toMatchObject({ status: 303, location: "/contacts" });
    expect(await getContact(user.id, ada.id)).toMatchObject({ starred: true });
    expect(await getContact(user.id, bob.id)).toMatchObject({ starred: false }); // the checked boxes are not the star's business

    const after = (await call(list.loader, get("/contacts", cookie))).data.bulkKey;
    expect(after).not.toBe(before);
    const deleted = await call(bulk.action, post("/contacts/bulk", form({ action: "delete", submissionKey: after }, [bob.id]), cookie));
    expect(await flashOf(deleted, cookie)).toMatchObject({ message: "Moved 1 contact to the trash." });
  });
});
