import { describe, expect, it } from "vitest";
import { createTestContact, createTestUser } from "#tests/factories";
import { duplicateGroups, GROUPS_PER_PAGE, MEMBERS_SHOWN } from "./duplicates.server";
import { deleteContact } from "./trash.server";

// Likely duplicates (decision 0037) on both databases: the same folded name,
// phone digits, or email as its provider reads it; live contacts of the
// owner only; a page of groups at a time.

const names = (group: { members: { name: string }[] }) => group.members.map((m) => m.name).sort();

describe(`duplicates (${process.env.TEST_DIALECT})`, () => {
  it("groups contacts by folded name, phone digits and provider email; never another account's or the trash", async () => {
    const owner = await createTestUser();
    const stranger = await createTestUser();
    const make = (name: string, fields: { email?: string | null; phone?: string | null } = {}) =>
      createTestContact(owner.id, { name, email: null, phone: null, ...fields });
    await make("Zoë Ångström", { phone: "+44 20 7946 0000" });
    await make("zoe angstrom", { phone: "020 7946 0000" });
    await make("ZOE ANGSTROM");
    await make("Alone", { email: "ada.lovelace+x@gmail.com" });
    await make("Ada L", { email: "adalovelace@googlemail.com" });
    const gone = await make("Bob", { phone: "(650) 555-0100" });
    await make("Robert", { phone: "+1 650 555 0100" });
    await deleteContact(owner.id, gone.id);
    await createTestContact(stranger.id, { name: "Zoe Angstrom", email: null });

    const byName = await duplicateGroups(owner.id, "name");
    expect(byName.groups.map((g) => [g.size, names(g)])).toEqual([[3, ["ZOE ANGSTROM", "Zoë Ångström", "zoe angstrom"]]]);
    expect(byName.next).toBeNull();
    const byPhone = await duplicateGroups(owner.id, "phone");
    expect(byPhone.groups.map((g) => [g.key, names(g)])).toEqual([["079460000", ["Zoë Ångström", "zoe angstrom"]]]);
    const byEmail = await duplicateGroups(owner.id, "email");
    expect(byEmail.groups.map((g) => [g.key, names(g)])).toEqual([["adalovelace@gmail.com", ["Ada L", "Alone"]]]);
  });

  it(`pages ${GROUPS_PER_PAGE} groups at a time in key order, each with its ${MEMBERS_SHOWN} most recently changed`, async () => {
    const owner = await createTestUser();
    for (let g = 0; g < GROUPS_PER_PAGE + 3; g++) {
      for (let m = 0; m < 2; m++) await createTestContact(owner.id, { name: `Person ${String(g).padStart(2, "0")}`, email: null });
    }
    for (let m = 0; m < MEMBERS_SHOWN + 2; m++) await createTestContact(owner.id, { name: "Many", email: null, notes: String(m) });
    const first = await duplicateGroups(owner.id, "name");
    expect(first.groups).toHaveLength(GROUPS_PER_PAGE);
    expect(first.groups[0]).toMatchObject({ key: "many", size: MEMBERS_SHOWN + 2 });
    expect(first.groups[0]!.members).toHaveLength(MEMBERS_SHOWN);
    const second = await duplicateGroups(owner.id, "name", first.next);
    expect(second.groups.map((g) => g.key)).toEqual(["person 19", "person 20", "person 21", "person 22"]);
    expect(second.next).toBeNull();
  });
});
