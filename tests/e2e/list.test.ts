import type { Page } from "playwright-core";
import { afterAll, describe, expect, inject, test, vi } from "vitest";
import {
  currentPath,
  expectText,
  follow,
  listedNames,
  postContact,
  signUp,
  uniqueEmail,
  uniqueTag,
  useBrowser,
  visit,
  waitForPath,
} from "./browser";

const open = useBrowser();

/** Waits for the list to show exactly `names`, in order. */
async function expectListed(page: Page, names: string[]) {
  await expect.poll(() => listedNames(page), { timeout: 10_000 }).toEqual(names);
}

function pagerLink(page: Page, name: "← Newer" | "Older →") {
  return page.locator("nav.pager").getByRole("link", { name, exact: true });
}

// The app's own domain module, on the shared server's database: contacts made
// with a controlled clock have a known order (created_at, then id) instead of
// one that depends on how far apart the wall clock put their requests.
process.env.DATABASE_URL = inject("serverDatabaseUrl");
const app = {
  contacts: () => import("#app/contacts/contacts.server"),
  db: () => import("#app/db.server"),
};
afterAll(async () => {
  await (await app.db()).db.destroy();
});

/** Creates `names` for the account `email`, each a second after the one before, the last a minute ago. */
async function createInOrder(email: string, contacts: { name: string; email: string }[]) {
  const { createContact } = await app.contacts();
  const { blankContact } = await import("#app/contacts/contact-fields");
  const { db } = await app.db();
  const { emailKey } = await import("#app/shared/text");
  const { id: ownerId } = await db.selectFrom("users").select("id").where("email_key", "=", emailKey(email)).executeTakeFirstOrThrow();
  const start = Date.now() - 60_000 - contacts.length * 1_000;
  vi.useFakeTimers({ toFake: ["Date"] });
  try {
    for (const [i, contact] of contacts.entries()) {
      vi.setSystemTime(start + i * 1_000);
      const result = await createContact(ownerId, { ...blankContact(), ...contact });
      if (!result.ok) throw new Error(`could not create ${contact.name}: ${result.reason}`);
    }
  } finally {
    vi.useRealTimers();
  }
}

describe.each([{ js: false }, { js: true }])("contact list, JavaScript $js", ({ js }) => {
  test("search is a case-insensitive substring match, Unicode included", async () => {
    const { page } = await open({ javaScriptEnabled: js });
    await signUp(page, uniqueEmail("search"));
    await postContact(page, { name: "Öskar Ölmez", email: uniqueEmail("oskar") });
    await postContact(page, { name: "Ada Lovelace", email: uniqueEmail("ada"), company: "Analytical Engines" });
    await postContact(page, { name: "Grace Hopper", email: `grace-${uniqueTag()}@navy.example` });

    // Typed in the box and submitted with Enter (a plain GET form).
    await visit(page, "/contacts");
    await expectListed(page, ["Grace Hopper", "Ada Lovelace", "Öskar Ölmez"]);
    await page.getByLabel("Search contacts").fill("ÖLM");
    await page.getByLabel("Search contacts").press("Enter");
    await waitForPath(page, `/contacts?q=${encodeURIComponent("ÖLM")}`);
    await expectListed(page, ["Öskar Ölmez"]);
    expect(await page.getByLabel("Search contacts").inputValue()).toBe("ÖLM");

    for (const [q, expected] of [
      ["ölm", ["Öskar Ölmez"]],
      ["ÖLM", ["Öskar Ölmez"]],
      ["ölm".normalize("NFD"), ["Öskar Ölmez"]], // decomposed input, same letters
      ["ENGINES", ["Ada Lovelace"]], // company
      ["navy.EXAMPLE", ["Grace Hopper"]], // email
      ["%", []], // LIKE wildcards are taken literally
      ["_", []],
    ] as const) {
      const response = await visit(page, `/contacts?q=${encodeURIComponent(q)}`);
      expect(response.status(), q).toBe(200);
      await expectListed(page, [...expected]);
      if (expected.length === 0) await expectText(page.locator("p.empty"), /^No contacts match/);
    }
  });

  test("a page holds 50 contacts; Older → and ← Newer move between pages", async () => {
    const { page } = await open({ javaScriptEnabled: js });
    const email = await signUp(page, uniqueEmail("pages"));
    const tag = uniqueTag();
    const name = (n: number) => `Person ${String(n).padStart(3, "0")}`;
    // 51 contacts a second apart, oldest first: Person 051 is the newest, Person 001 the oldest.
    await createInOrder(
      email,
      Array.from({ length: 51 }, (_, i) => ({ name: name(i + 1), email: `p${String(i + 1).padStart(3, "0")}-${tag}@example.com` })),
    );

    const first = await visit(page, "/contacts");
    expect(first.status()).toBe(200);
    const firstPage = await listedNames(page);
    expect(firstPage).toHaveLength(50);
    expect(firstPage[0]).toBe(name(51));
    expect(firstPage).not.toContain(name(1));
    expect(await pagerLink(page, "← Newer").count()).toBe(0);

    // The next page is a plain link.
    const older = pagerLink(page, "Older →");
    expect(await older.getAttribute("href")).toMatch(/^\/contacts\?cursor=/);
    const clicked = await follow(page, older);
    if (clicked) expect(clicked.status()).toBe(200);
    await waitForPath(page, /^\/contacts\?cursor=/);
    await expectListed(page, [name(1)]);
    expect(await pagerLink(page, "Older →").count()).toBe(0);

    await follow(page, pagerLink(page, "← Newer"));
    await waitForPath(page, /^\/contacts\?cursor=/);
    await expect.poll(() => listedNames(page)).toEqual(firstPage);
    expect(await pagerLink(page, "← Newer").count()).toBe(0);
    expect(await pagerLink(page, "Older →").count()).toBe(1);

    // A search keeps its query in the pager links.
    await visit(page, `/contacts?q=${encodeURIComponent("PERSON")}`);
    expect(await listedNames(page)).toEqual(firstPage);
    expect(await pagerLink(page, "Older →").getAttribute("href")).toMatch(/^\/contacts\?q=PERSON&cursor=/);
    await follow(page, pagerLink(page, "Older →"));
    await waitForPath(page, /^\/contacts\?q=PERSON&cursor=/);
    await expectListed(page, [name(1)]);
  });

  test("sorts A to Z by name (accents and case set aside) and by company, page after page, keeping the search", async () => {
    const { page } = await open({ javaScriptEnabled: js });
    const email = await signUp(page, uniqueEmail("sort"));
    const tag = uniqueTag();
    // 52 names, made in an order that is not theirs: "ämber" sorts with the a's, "Zoë" after "zed".
    const names = ["zed", "Zoë", "ämber", "Bob", "ada", ...Array.from({ length: 47 }, (_, i) => `M ${String(i).padStart(2, "0")}`)];
    await createInOrder(
      email,
      names.map((name, i) => ({ name, email: `s${i}-${tag}@example.com`, company: i % 2 ? "Acme" : null })),
    );
    const aToZ = ["ada", "ämber", "Bob", ...names.slice(5), "zed", "Zoë"];
    await visit(page, "/contacts");
    await page.getByLabel("Sort by").selectOption("name");
    // Without JavaScript the button sends the choice; with it, the choice applies at once.
    if (!js) await follow(page, page.getByRole("button", { name: "Sort", exact: true }));
    await waitForPath(page, "/contacts?sort=name");
    await expectListed(page, aToZ.slice(0, 50));
    expect(await page.getByLabel("Sort by").inputValue()).toBe("name");
    await follow(page, page.locator("nav.pager").getByRole("link", { name: "Next →" }));
    await waitForPath(page, /^\/contacts\?sort=name&cursor=/);
    await expectListed(page, aToZ.slice(50));
    await follow(page, page.locator("nav.pager").getByRole("link", { name: "← Previous" }));
    await expectListed(page, aToZ.slice(0, 50));

    // A search keeps the order, and the order keeps the search.
    await page.getByLabel("Search contacts").fill("z");
    await page.getByLabel("Search contacts").press("Enter");
    await waitForPath(page, "/contacts?q=z&sort=name");
    await expectListed(page, ["zed", "Zoë"]);
    await page.getByLabel("Sort by").selectOption("company");
    if (!js) await follow(page, page.getByRole("button", { name: "Sort", exact: true }));
    await waitForPath(page, "/contacts?q=z&sort=company");
    // Zoë has a company (Acme), zed none: those without come last.
    await expectListed(page, ["Zoë", "zed"]);
  });
});

test("with JavaScript, typing in the search box filters the list without pressing Enter", async () => {
  const { page } = await open({ javaScriptEnabled: true });
  await signUp(page, uniqueEmail("typeahead"));
  await postContact(page, { name: "Öskar Ölmez", email: uniqueEmail("oskar") });
  await postContact(page, { name: "Ada Lovelace", email: uniqueEmail("ada") });
  await visit(page, "/contacts");
  await expectListed(page, ["Ada Lovelace", "Öskar Ölmez"]);
  const documents: string[] = [];
  page.on("request", (request) => {
    if (request.isNavigationRequest()) documents.push(request.url());
  });

  await page.getByLabel("Search contacts").pressSequentially("ölm", { delay: 30 });
  await waitForPath(page, `/contacts?q=${encodeURIComponent("ölm")}`);
  await expectListed(page, ["Öskar Ölmez"]);
  expect(documents, "a client-side navigation, not a page load").toEqual([]);
  // The box keeps what was typed while the list changed under it.
  expect(await page.getByLabel("Search contacts").inputValue()).toBe("ölm");

  await page.getByLabel("Search contacts").fill("");
  await waitForPath(page, /^\/contacts(\?q=)?$/);
  await expectListed(page, ["Ada Lovelace", "Öskar Ölmez"]);
  expect(currentPath(page)).toMatch(/^\/contacts(\?q=)?$/);
});

test("with JavaScript, a search still waiting to be sent gives way to a link followed meanwhile", async () => {
  const { page } = await open({ javaScriptEnabled: true });
  await signUp(page, uniqueEmail("typeahead-link"));
  await postContact(page, { name: "Ada Lovelace", email: uniqueEmail("ada") });
  await visit(page, "/contacts");
  // Typed, and within the search's wait (250 ms) a link is followed: the page stays where the link went.
  await page.getByLabel("Search contacts").fill("ada");
  await page.getByRole("link", { name: "Starred" }).click();
  await waitForPath(page, "/contacts?starred=1");
  await page.waitForTimeout(500);
  expect(currentPath(page)).toBe("/contacts?starred=1");
});
