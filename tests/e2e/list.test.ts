import type { Page } from "playwright-core";
import { describe, expect, test } from "vitest";
import {
  currentPath,
  expectText,
  follow,
  postContact,
  signUp,
  uniqueEmail,
  uniqueTag,
  useBrowser,
  visit,
  waitForPath,
} from "./browser";

const open = useBrowser();

function listedNames(page: Page): Promise<string[]> {
  return page.locator("ol.contact-list li > a:first-child").allInnerTexts();
}

/** Waits for the list to show exactly `names`, in order. */
async function expectListed(page: Page, names: string[]) {
  await expect.poll(() => listedNames(page), { timeout: 10_000 }).toEqual(names);
}

function pagerLink(page: Page, name: "← Newer" | "Older →") {
  return page.locator("nav.pager").getByRole("link", { name, exact: true });
}

const sleep = (ms: number) => new Promise((done) => setTimeout(done, ms));

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
    await signUp(page, uniqueEmail("pages"));
    const tag = uniqueTag();
    const name = (n: number) => `Person ${String(n).padStart(3, "0")}`;
    // Sequential creates, with a gap around the first and the last, so the
    // oldest and the newest are strictly so (created_at has millisecond steps).
    await postContact(page, { name: name(1), email: `p001-${tag}@example.com` });
    await sleep(5);
    for (let n = 2; n <= 50; n++) {
      await postContact(page, { name: name(n), email: `p${n}-${tag}@example.com` });
    }
    await sleep(5);
    await postContact(page, { name: name(51), email: `p051-${tag}@example.com` });

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
