import { describe, expect, it } from "vitest";
import { listLabels } from "#app/labels/labels.server";
import { newSubmissionKey } from "#app/submissions/submission-keys.server";
import { signedInUser } from "#tests/factories";
import { call, cookieFrom, get, post, type Outcome } from "#tests/route-helpers";
import * as root from "#app/root";
import * as labels from "./labels";

// /labels through its route (decision 0034): one form per intent, exactly
// once, refusals that keep what was typed, another account's label a 404.

const send = (cookie: string, form: Record<string, string>) =>
  call(labels.action, post("/labels", { submissionKey: newSubmissionKey(), ...form }, cookie));

async function flashAfter(res: Outcome, cookie: string) {
  const flash = cookieFrom(res.headers, "cardfile_flash");
  return (await call(root.loader, get("/labels", `${cookie}; ${flash}`))).data.flash?.message;
}

describe(`the labels page (${process.env.TEST_DIALECT})`, () => {
  it("creates, renames and deletes labels, each form once however often it is sent", async () => {
    const { user, cookie } = await signedInUser();
    const form = { submissionKey: newSubmissionKey(), intent: "create", name: "  Book club " };
    const created = await call(labels.action, post("/labels", form, cookie));
    expect(created).toMatchObject({ status: 303, location: "/labels" });
    expect(await flashAfter(created, cookie)).toBe("Created the label Book club.");
    // The same form again (a double tap, a retry): its first answer, and one label.
    expect(await call(labels.action, post("/labels", form, cookie))).toMatchObject({ status: 303, location: "/labels" });
    const [label] = await listLabels(user.id);
    expect(await listLabels(user.id)).toEqual([{ id: label!.id, name: "Book club" }]);

    const page = await call(labels.loader, get("/labels", cookie));
    expect(page.data.labels).toMatchObject([{ id: label!.id, name: "Book club" }]);
    expect(page.data.labels[0].keys.rename).not.toBe(page.data.labels[0].keys.delete);

    const renamed = await send(cookie, { intent: "rename", id: label!.id, name: "Readers" });
    expect(await flashAfter(renamed, cookie)).toBe("Renamed the label to Readers.");
    const deleted = await send(cookie, { intent: "delete", id: label!.id });
    expect(await flashAfter(deleted, cookie)).toBe("Deleted the label Readers. Its contacts are still there.");
    expect(await listLabels(user.id)).toEqual([]);
  });

  it("refuses a taken name with 409 and a too long or empty one with 400, keeping the name typed", async () => {
    const { user, cookie } = await signedInUser();
    await send(cookie, { intent: "create", name: "Family" });
    await send(cookie, { intent: "create", name: "Work" });
    const taken = await send(cookie, { intent: "create", name: "FAMILY" });
    expect(taken.status).toBe(409);
    expect(taken.data).toMatchObject({ error: { name: ["You already have a label with this name"] }, initialValue: { name: "FAMILY" } });
    const work = (await listLabels(user.id)).find((label) => label.name === "Work")!;
    expect((await send(cookie, { intent: "rename", id: work.id, name: "family" })).status).toBe(409);
    const long = await send(cookie, { intent: "create", name: "x".repeat(51) });
    expect(long.status).toBe(400);
    expect(long.data.error.name).toEqual(["A label's name must be at most 50 characters"]);
    expect((await send(cookie, { intent: "create", name: "   " })).status).toBe(400);
    expect((await send(cookie, { intent: "paint", name: "x" })).status).toBe(400);
    expect((await listLabels(user.id)).map((label) => label.name)).toEqual(["Family", "Work"]);
  });

  it("answers 404 for another account's label and changes nothing", async () => {
    const { user, cookie } = await signedInUser();
    const stranger = await signedInUser();
    await send(cookie, { intent: "create", name: "Mine" });
    const [mine] = await listLabels(user.id);
    expect((await send(stranger.cookie, { intent: "rename", id: mine!.id, name: "Theirs" })).status).toBe(404);
    expect((await send(stranger.cookie, { intent: "delete", id: mine!.id })).status).toBe(404);
    expect((await send(stranger.cookie, { intent: "delete" })).status).toBe(404);
    expect(await listLabels(user.id)).toEqual([mine]);
  });
});
