import { afterAll, describe, expect, it } from "vitest";
import { createTestContact, createTestLabel, createTestUser, contactInput } from "#tests/factories";
import { db } from "#app/db.server";
import { attachLabels } from "#app/labels/contact-labels.server";
import { sortKey } from "#app/shared/text";
import { Random } from "#scripts/random";
import { listContacts, SEARCH_PLAN } from "./contact-list.server";
import { insertContacts, updateContact } from "./contacts.server";
import type { Sort } from "./list-params";

// The list's orders (decision 0035) on both databases: A to Z by the folded
// name (accents and case set aside) and by company (none last), recently
// changed first, each paged by keyset both ways, with the search, the star
// and a label, every plan giving what sorting every contact would. Both
// databases must give one order for one set of names, Unicode included:
// the expected order is the same list on both.

/** Byte order of UTF-8, which is code point order: how both databases compare the keys. */
const bytewise = (a: string, b: string) => Buffer.compare(Buffer.from(a), Buffer.from(b));

async function allPages(ownerId: string, options: { sort: Sort; q?: string; starred?: boolean; labelId?: string }) {
  const ids: string[] = [];
  let page = await listContacts(ownerId, options);
  for (;;) {
    ids.push(...page.contacts.map((c) => c.id));
    if (!page.older) return { ids, last: page };
    page = await listContacts(ownerId, { ...options, cursor: page.older });
  }
}

describe(`the list's orders (${process.env.TEST_DIALECT})`, () => {
  afterAll(() => {
    SEARCH_PLAN.gatherLimit = 2000;
    SEARCH_PLAN.walkLimit = 10_000;
  });

  it("sorts names A to Z with accents, case and width set aside, the same on both databases", async () => {
    const owner = await createTestUser();
    const names = [
      "zed",
      "Zoë",
      "Ädam",
      "adam",
      "ADAM",
      "Oak",
      "Ölmez",
      "Ａｄａ",
      "émile",
      "Eve",
      "山田 太郎",
      "Ωmega",
      "😀 Smile",
      "Øre",
      "Ōtani",
      "Bob  Smith",
    ];
    for (const name of names) await createTestContact(owner.id, { name, email: null });
    const { ids } = await allPages(owner.id, { sort: "name" });
    const byId = new Map(
      (await db.selectFrom("contacts").select(["id", "name"]).where("owner_id", "=", owner.id).execute()).map((r) => [r.id, r.name]),
    );
    const sorted = ids.map((id) => byId.get(id)!);
    // Written out, so that both databases are held to one order.
    expect(sorted.slice(0, 4).map(sortKey)).toEqual(["ada", "adam", "adam", "adam"]);
    expect(sorted.slice(4)).toEqual([
      "Bob  Smith",
      "émile",
      "Eve",
      "Oak",
      "Ölmez",
      "Ōtani",
      "zed",
      "Zoë",
      "Øre",
      "Ωmega",
      "山田 太郎",
      "😀 Smile",
    ]);
  });

  it("sorts by company A to Z, then name, contacts without a company last", async () => {
    const owner = await createTestUser();
    for (const [name, company] of [
      ["Zed", "Acme"],
      ["Ada", "Acme Corp"],
      ["Bob", "acme"],
      ["Cy", null],
      ["Al", null],
      ["Eve", "Émile & Co"],
    ] as const) {
      await createTestContact(owner.id, { name, company, email: null });
    }
    const page = await listContacts(owner.id, { sort: "company" });
    expect(page.contacts.map((c) => `${c.name}/${c.company ?? "-"}`)).toEqual([
      "Bob/acme",
      "Zed/Acme",
      "Ada/Acme Corp",
      "Eve/Émile & Co",
      "Al/-",
      "Cy/-",
    ]);
  });

  it("puts the most recently changed first", async () => {
    const owner = await createTestUser();
    const ada = await createTestContact(owner.id, { name: "Ada" });
    await createTestContact(owner.id, { name: "Bob" });
    await new Promise((resolve) => setTimeout(resolve, 5));
    await updateContact(owner.id, ada.id, contactInput({ name: "Ada L", email: ada.email }), ada.version);
    expect((await listContacts(owner.id, { sort: "updated" })).contacts.map((c) => c.name)).toEqual(["Ada L", "Bob"]);
  });

  // 260 contacts with many equal keys (the id breaks ties), a label on a
  // third, stars on some: every order, with and without the search, the
  // star and the label, under each plan, pages exactly what sorting all
  // of them gives, and back.
  it.each([
    { gatherLimit: 2000, walkLimit: 10_000 },
    { gatherLimit: 10, walkLimit: 10_000 },
    { gatherLimit: 10, walkLimit: 40 },
  ])("pages every order exactly, both ways (gather $gatherLimit, walk $walkLimit)", async (limits) => {
    const owner = await createTestUser();
    const random = new Random(35);
    const now = Date.now() - 1_000_000;
    const first = ["Ada", "ada", "Ädam", "Bob", "Zoë", "Émile", "Øre", "Ōtani", "Ｚｅｄ"];
    const companies = [null, "Acme", "acme", "Ölmez GmbH", "Zeta"];
    await insertContacts(
      owner.id,
      Array.from({ length: 260 }, (_, i) => ({
        ...contactInput({ name: `${random.pick(first)} ${random.pick(["Lovelace", "Smith", ""])}`.trim() }),
        email: null,
        company: random.pick(companies),
        createdAt: now + Math.floor(i / 3),
        starredAt: random.chance(0.3) ? now : null,
      })),
    );
    const rows = await db
      .selectFrom("contacts")
      .select(["id", "name", "company", "created_at", "updated_at", "starred_at"])
      .where("owner_id", "=", owner.id)
      .execute();
    const label = await createTestLabel(owner.id, "Some");
    const labelled = new Set(rows.filter(() => random.chance(0.33)).map((r) => r.id));
    await attachLabels([...labelled].map((contactId) => ({ contactId, labelId: label.id })));

    const NO_COMPANY = "\u{10FFFF}";
    const keys: Record<Sort, (r: (typeof rows)[number]) => number | string> = {
      newest: (r) => -r.created_at,
      updated: (r) => -r.updated_at,
      name: (r) => sortKey(r.name),
      company: (r) => `${r.company === null ? NO_COMPANY : sortKey(r.company)}\u0001${sortKey(r.name)}`,
    };
    const desc = (sort: Sort) => sort === "newest" || sort === "updated";
    Object.assign(SEARCH_PLAN, limits);
    for (const sort of ["newest", "name", "company", "updated"] as const) {
      const key = keys[sort];
      const ordered = [...rows].sort((a, b) => {
        const [x, y] = [key(a), key(b)];
        const byKey = typeof x === "number" ? x - (y as number) : bytewise(x, y as string);
        return byKey || (desc(sort) ? bytewise(b.id, a.id) : bytewise(a.id, b.id));
      });
      for (const filter of [{}, { q: "lovelace" }, { starred: true }, { labelId: label.id }, { labelId: label.id, q: "ada" }]) {
        const expected = ordered
          .filter((r) => !("q" in filter) || r.name.toLowerCase().includes(filter.q!))
          .filter((r) => !("starred" in filter) || r.starred_at !== null)
          .filter((r) => !("labelId" in filter) || labelled.has(r.id))
          .map((r) => r.id);
        const { ids, last } = await allPages(owner.id, { sort, ...filter });
        expect(ids, `${sort} ${JSON.stringify(filter)}`).toEqual(expected);
        if (last.newer) {
          const back = await listContacts(owner.id, { sort, ...filter, cursor: last.newer });
          expect(back.contacts.map((c) => c.id)).toEqual(expected.slice(-last.contacts.length - 50, -last.contacts.length));
        }
      }
    }
  });

  it("reads another order's cursor as the first page", async () => {
    const owner = await createTestUser();
    for (let i = 0; i < 60; i++) await createTestContact(owner.id, { name: `P${i}`, email: null });
    const byTime = await listContacts(owner.id, {});
    const byName = await listContacts(owner.id, { sort: "name" });
    expect((await listContacts(owner.id, { sort: "name", cursor: byTime.older })).contacts).toEqual(byName.contacts);
    expect((await listContacts(owner.id, { cursor: byName.older })).contacts).toEqual(byTime.contacts);
  });
});
