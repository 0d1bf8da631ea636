import { describe, expect, it } from "vitest";
import { db } from "#app/db.server";
import { getContact, updateContact } from "#app/contacts/contacts.server";
import { newSubmissionKey } from "#app/submissions/submission-keys.server";
import { contactInput, createTestContact, signedInUser } from "#tests/factories";
import { call, cookieFrom, get, post, type Outcome } from "#tests/route-helpers";
import * as root from "#app/root";
import * as merge from "./contacts.merge._index";
import * as undo from "./contacts.merge.$mergeId.undo";

// The merge page and its Undo through their routes (decision 0037): the
// group's page, a merge exactly once with an Undo, a stale form's 409 with
// the group as it is now, refusals that change nothing.

async function flashOf(res: Outcome, cookie: string) {
  const flash = cookieFrom(res.headers, "cardfile_flash");
  return (await call(root.loader, get("/contacts", `${cookie}; ${flash}`))).data.flash;
}

function mergeForm(members: { id: string; version: number }[], fields: Record<string, string> = {}) {
  const body = new URLSearchParams({ submissionKey: newSubmissionKey(), returnTo: "/contacts/duplicates?kind=name", ...fields });
  for (const member of members) body.append("contacts", `${member.id}:${member.version}`);
  return body;
}

async function pair(ownerId: string) {
  const older = await createTestContact(ownerId, { name: "Grace Hopper", company: "Navy" });
  const newer = await createTestContact(ownerId, { name: "Grace Hopper", company: null });
  await db.updateTable("contacts").set({ updated_at: 1_000 }).where("id", "=", older.id).execute();
  await db.updateTable("contacts").set({ updated_at: 2_000 }).where("id", "=", newer.id).execute();
  return { older, newer };
}

const pageOf = (ids: string[], cookie: string) =>
  call(merge.loader, get(`/contacts/merge?${new URLSearchParams(ids.map((id) => ["ids", id]))}`, cookie));

describe(`merging through the routes (${process.env.TEST_DIALECT})`, () => {
  it("shows the group, merges it once with an Undo, and the Undo brings it back once", async () => {
    const { user, cookie } = await signedInUser();
    const { older, newer } = await pair(user.id);

    const page = await pageOf([older.id, newer.id], cookie);
    expect(page.status).toBe(200);
    expect(page.data.view.members.map((m: { id: string }) => m.id)).toEqual([newer.id, older.id]);
    expect(page.data.view.plan.find((f: { name: string }) => f.name === "company")).toMatchObject({ same: false, defaultChoice: older.id });

    const form = mergeForm([newer, older], { email: older.id });
    const merged = await call(merge.action, post("/contacts/merge?index", form, cookie));
    expect(merged).toMatchObject({ status: 303, location: "/contacts/duplicates?kind=name" });
    const flash = await flashOf(merged, cookie);
    expect(flash).toMatchObject({ message: "Merged 2 contacts into Grace Hopper.", undoMergeId: expect.any(String) });
    expect(await getContact(user.id, newer.id)).toMatchObject({ email: older.email, company: "Navy" });
    expect(await getContact(user.id, older.id)).toBeNull();

    // The same form again (a retry after a lost answer): its first answer, nothing more.
    const retried = await call(merge.action, post("/contacts/merge?index", form, cookie));
    expect(retried).toMatchObject({ status: 303, location: "/contacts/duplicates?kind=name" });
    expect((await getContact(user.id, newer.id))!.version).toBe(2);

    // Without a page to go back to, the merge ends on the kept contact.
    const undoForm = { submissionKey: newSubmissionKey(), returnTo: `/contacts/${newer.id}` };
    const undone = await call(undo.action, post(`/contacts/merge/${flash.undoMergeId}/undo`, undoForm, cookie), {
      mergeId: flash.undoMergeId,
    });
    expect(undone).toMatchObject({ status: 303, location: `/contacts/${newer.id}` });
    expect((await flashOf(undone, cookie)).message).toBe("Undid the merge: Grace Hopper is as it was, and 1 contact is back.");
    expect(await getContact(user.id, older.id)).not.toBeNull();
    expect(await getContact(user.id, newer.id)).toMatchObject({ email: newer.email, company: null });
    // A retry of the Undo: the same answer; a new Undo of it: refused.
    expect(
      await call(undo.action, post(`/contacts/merge/${flash.undoMergeId}/undo`, undoForm, cookie), { mergeId: flash.undoMergeId }),
    ).toMatchObject({
      status: 303,
    });
    const again = await call(
      undo.action,
      post(`/contacts/merge/${flash.undoMergeId}/undo`, { ...undoForm, submissionKey: newSubmissionKey() }, cookie),
      { mergeId: flash.undoMergeId },
    );
    expect(await flashOf(again, cookie)).toMatchObject({
      kind: "error",
      message: expect.stringMatching(/^Couldn't undo: more than 10 minutes/),
    });
  });

  it("answers a stale form with 409, the group as it is now and the choices made; nothing is merged", async () => {
    const { user, cookie } = await signedInUser();
    const { older, newer } = await pair(user.id);
    await updateContact(user.id, older.id, contactInput({ name: "Grace B. Hopper", email: older.email }), older.version);

    const res = await call(merge.action, post("/contacts/merge?index", mergeForm([newer, older], { email: older.id }), cookie));
    expect(res.status).toBe(409);
    expect(res.data.conflict.changed).toEqual(["Grace B. Hopper"]);
    expect(res.data.conflict.choices).toMatchObject({ email: older.id });
    // Changed just now, it is the most recent: the group as it is now.
    expect(res.data.conflict.view.members[0]).toMatchObject({ id: older.id, version: 2 });
    expect(await getContact(user.id, newer.id)).toMatchObject({ version: 1 });
    expect(await getContact(user.id, older.id)).not.toBeNull();
  });

  it("refuses what it cannot do, changing nothing: a member gone, another account's, a broken form, a bad count", async () => {
    const { user, cookie } = await signedInUser();
    const stranger = await signedInUser();
    const { older, newer } = await pair(user.id);
    const theirs = await createTestContact(stranger.user.id);

    const gone = await call(merge.action, post("/contacts/merge?index", mergeForm([newer, theirs]), cookie));
    expect(gone).toMatchObject({ status: 303, location: "/contacts/duplicates?kind=name" });
    expect(await flashOf(gone, cookie)).toMatchObject({ kind: "error", message: expect.stringMatching(/nothing was merged/) });
    expect(await getContact(stranger.user.id, theirs.id)).not.toBeNull();
    expect(await getContact(user.id, newer.id)).toMatchObject({ version: 1 });

    for (const body of [
      mergeForm([newer]),
      mergeForm([newer, newer]),
      new URLSearchParams({ contacts: `${newer.id}:x`, submissionKey: newSubmissionKey() }),
    ]) {
      const res = await call(merge.action, post("/contacts/merge?index", body, cookie));
      expect(res.status).toBe(400);
      expect(res.data.error.contacts).toEqual([expect.stringMatching(/out of date/)]);
    }
    const badChoice = await call(merge.action, post("/contacts/merge?index", mergeForm([newer, older], { phone: theirs.id }), cookie));
    expect(badChoice.status).toBe(400);
    expect(badChoice.data.error.phone).toEqual([expect.stringMatching(/out of date/)]);
    expect(await getContact(user.id, older.id)).not.toBeNull();

    // No contacts named: the page says how to choose some; one is too few.
    expect(await pageOf([], cookie)).toMatchObject({ status: 200, data: { view: null } });
    expect((await pageOf([newer.id], cookie)).status).toBe(400);
    expect((await pageOf([newer.id, theirs.id], cookie)).status).toBe(404);
    expect((await pageOf([newer.id, "not-an-id"], cookie)).status).toBe(404);
    expect(
      (
        await pageOf(
          Array.from({ length: 11 }, (_, i) => `${newer.id.slice(0, 20)}${String(i).padStart(2, "0")}`),
          cookie,
        )
      ).status,
    ).toBe(400);
    // Another account's merge cannot be undone (it looks expired).
    const undone = await call(undo.action, post(`/contacts/merge/${newer.id}/undo`, { submissionKey: newSubmissionKey() }, cookie), {
      mergeId: newer.id,
    });
    expect(await flashOf(undone, cookie)).toMatchObject({ kind: "error" });
  });
});
