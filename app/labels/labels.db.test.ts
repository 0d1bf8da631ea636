import { describe, expect, it } from "vitest";
import { createTestUser } from "#tests/factories";
import { createLabel, deleteLabel, listLabels, renameLabel } from "./labels.server";

// Labels (decision 0034) on both databases: unique per account ignoring
// case, in A-to-Z order, and never another account's.

describe(`labels (${process.env.TEST_DIALECT})`, () => {
  it("creates labels unique per account ignoring case, and lists them A to Z ignoring case and accents", async () => {
    const owner = await createTestUser();
    const other = await createTestUser();
    for (const name of ["work", "Family", "Ölmez club", "book Club"]) expect(await createLabel(owner.id, name)).toMatchObject({ ok: true });
    expect(await createLabel(owner.id, "FAMILY")).toEqual({ ok: false, reason: "duplicate-name" });
    expect(await createLabel(owner.id, "ölmez CLUB")).toEqual({ ok: false, reason: "duplicate-name" });
    expect(await createLabel(other.id, "Family")).toMatchObject({ ok: true }); // another account's is its own
    expect((await listLabels(owner.id)).map((label) => label.name)).toEqual(["book Club", "Family", "Ölmez club", "work"]);
    expect((await listLabels(other.id)).map((label) => label.name)).toEqual(["Family"]);
  });

  it("renames and deletes only the owner's labels, and refuses a name another label has", async () => {
    const owner = await createTestUser();
    const other = await createTestUser();
    const family = await createLabel(owner.id, "Family");
    const work = await createLabel(owner.id, "Work");
    if (!family.ok || !work.ok) throw new Error("setup");

    expect(await renameLabel(owner.id, work.label.id, "family")).toEqual({ ok: false, reason: "duplicate-name" });
    expect(await renameLabel(owner.id, family.label.id, "FAMILY")).toEqual({ ok: true, label: { id: family.label.id, name: "FAMILY" } });
    expect(await renameLabel(other.id, work.label.id, "Mine now")).toEqual({ ok: false, reason: "not-found" });
    expect(await deleteLabel(other.id, work.label.id)).toBeNull();
    expect(await deleteLabel(owner.id, work.label.id)).toEqual({ name: "Work" });
    expect(await deleteLabel(owner.id, work.label.id)).toBeNull();
    expect((await listLabels(owner.id)).map((label) => label.name)).toEqual(["FAMILY"]);
  });
});
