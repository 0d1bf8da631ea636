import { describe, expect, it } from "vitest";
import { byMostRecent, COMBINED, mergeHref, mergePlan, resolveMerge, type MergeMember } from "./merge-plan";

// What a merge offers and what a choice makes of it (decision 0037), without a database.

let next = 0;
function member(fields: Partial<MergeMember> & { updatedAt: string }): MergeMember {
  next += 1;
  return {
    id: `id-${String(next).padStart(19, "0")}`,
    version: 1,
    starred: false,
    createdAt: "2026-01-01T00:00:00.000Z",
    labels: [],
    name: "Ada Lovelace",
    email: null,
    company: null,
    phone: null,
    notes: null,
    ...fields,
  };
}

describe("a merge's plan", () => {
  const older = member({ updatedAt: "2026-03-01T00:00:00.000Z", email: "ada@old.example", company: "Engines", notes: "Met at the RS." });
  const newer = member({
    updatedAt: "2026-05-01T00:00:00.000Z",
    email: "ada@new.example",
    phone: "+44 20 7946 0000",
    notes: "Likes maths.",
  });
  const group = [older, newer].sort(byMostRecent);

  it("orders the group most recently changed first, and defaults each field to the most recent value there is", () => {
    expect(group.map((m) => m.id)).toEqual([newer.id, older.id]);
    const plan = Object.fromEntries(mergePlan(group).map((field) => [field.name, field]));
    expect(plan.name).toMatchObject({ same: true, defaultChoice: newer.id });
    expect(plan.email).toMatchObject({ same: false, defaultChoice: newer.id });
    // The newer one has no company: the older one's is the default, not a blank.
    expect(plan.company).toMatchObject({ same: false, defaultChoice: older.id });
    expect(plan.phone).toMatchObject({ defaultChoice: newer.id });
    expect(plan.notes).toMatchObject({ defaultChoice: COMBINED, combined: { value: "Likes maths.\n\nMet at the RS.", fits: true } });
  });

  it("resolves the choices to the kept contact's fields, defaults where the form says nothing", () => {
    expect(resolveMerge(group, {})).toEqual({
      ok: true,
      fields: {
        name: "Ada Lovelace",
        email: "ada@new.example",
        company: "Engines",
        phone: "+44 20 7946 0000",
        notes: "Likes maths.\n\nMet at the RS.",
      },
    });
    // Choosing a contact's empty value is choosing a blank.
    const chosen = resolveMerge(group, { email: older.id, company: newer.id, notes: older.id });
    expect(chosen).toMatchObject({ ok: true, fields: { email: "ada@old.example", company: null, notes: "Met at the RS." } });
  });

  it("refuses a choice that names no member, and combined notes too long for the field", () => {
    expect(resolveMerge(group, { email: "someone-else" })).toMatchObject({ ok: false, field: "email" });
    const long = [
      member({ updatedAt: "2026-01-02T00:00:00.000Z", notes: "a".repeat(300) }),
      member({ updatedAt: "2026-01-01T00:00:00.000Z", notes: "b".repeat(300) }),
    ];
    const notes = mergePlan(long).find((field) => field.name === "notes")!;
    expect(notes).toMatchObject({ combined: { fits: false }, defaultChoice: long[0]!.id });
    expect(resolveMerge(long, {})).toMatchObject({ ok: true, fields: { notes: "a".repeat(300) } });
    expect(resolveMerge(long, { notes: COMBINED })).toMatchObject({
      ok: false,
      field: "notes",
      message: expect.stringMatching(/longer than 500/),
    });
  });

  it("offers no combined notes when there are not two different ones", () => {
    const same = [
      member({ updatedAt: "2026-01-02T00:00:00.000Z", notes: "x" }),
      member({ updatedAt: "2026-01-01T00:00:00.000Z", notes: "x" }),
    ];
    expect(mergePlan(same).find((field) => field.name === "notes")).toMatchObject({ same: true, combined: null });
  });

  it("links to the merge page with the ids and where to go back to", () => {
    expect(mergeHref(["a", "b"], "/contacts/duplicates?kind=phone")).toBe(
      "/contacts/merge?ids=a&ids=b&returnTo=%2Fcontacts%2Fduplicates%3Fkind%3Dphone",
    );
  });
});
