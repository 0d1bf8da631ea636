import type { Page, Route } from "playwright-core";
import { describe, expect, test } from "vitest";
import {
  currentPath,
  expectText,
  flash,
  listedNames,
  postContact,
  signUp,
  submit,
  uniqueEmail,
  useBrowser,
  visit,
  waitForPath,
} from "./browser";

// Delete from the list, and its Undo. With JavaScript both are optimistic:
// the row leaves (or returns) while the request is still on its way, and the
// server's answer settles it. Without JavaScript the same Delete link opens
// the confirmation page. Either way the list page (search, page) is kept.

const open = useBrowser();

/** Holds the requests matching `pattern` until release() (the server has not seen them yet). */
async function holdRequests(page: Page, pattern: string | RegExp) {
  const held: Route[] = [];
  let waiting: (() => void) | undefined;
  await page.route(pattern, async (route) => {
    if (route.request().method() !== "POST") return route.continue();
    held.push(route);
    waiting?.();
  });
  return {
    async arrived() {
      if (held.length === 0) await new Promise<void>((done) => (waiting = done));
    },
    async release() {
      await Promise.all(held.splice(0).map((route) => route.continue()));
      await page.unroute(pattern);
    },
  };
}

async function threeContacts(page: Page): Promise<string> {
  const email = await signUp(page, uniqueEmail("optimistic"));
  await postContact(page, { name: "Ada Lovelace", email: uniqueEmail("ada"), company: "Engines" });
  await postContact(page, { name: "Grace Hopper", email: uniqueEmail("grace"), company: "Navy Engines" });
  await postContact(page, { name: "Alan Turing", email: uniqueEmail("alan") });
  return email;
}

describe("with JavaScript, delete and undo are optimistic", () => {
  test("the row leaves at once, comes back at once on Undo, and the list page is kept", async () => {
    const { page } = await open({ javaScriptEnabled: true });
    await threeContacts(page);
    await visit(page, "/contacts?q=engines");
    expect(await listedNames(page)).toEqual(["Grace Hopper", "Ada Lovelace"]);

    const deleting = await holdRequests(page, /\/contacts\/[\w-]{22}\/delete\.data/);
    await page.getByRole("link", { name: "Delete Grace Hopper" }).click();
    await deleting.arrived();
    // The server has not answered (has not even seen the request): the row is already gone.
    expect(await listedNames(page)).toEqual(["Ada Lovelace"]);
    await deleting.release();
    await expectText(flash(page), "Deleted Grace Hopper.");
    expect(currentPath(page)).toBe("/contacts?q=engines");
    expect(await listedNames(page)).toEqual(["Ada Lovelace"]);

    const undoing = await holdRequests(page, /\/contacts\/[\w-]{22}\/restore\.data/);
    await page.getByRole("button", { name: "Undo" }).click();
    await undoing.arrived();
    await expect.poll(() => listedNames(page)).toEqual(["Grace Hopper", "Ada Lovelace"]);
    await expectText(page.locator(".flash-row button"), "Undoing…");
    await undoing.release();
    await expectText(flash(page), "Restored Grace Hopper.");
    expect(currentPath(page)).toBe("/contacts?q=engines");
    expect(await listedNames(page)).toEqual(["Grace Hopper", "Ada Lovelace"]);

    await visit(page, "/contacts");
    expect(await listedNames(page)).toEqual(["Alan Turing", "Grace Hopper", "Ada Lovelace"]);
  });

  test("a delete lost on the network brings the row back with a message; retrying deletes it once", async () => {
    const session = await open({ javaScriptEnabled: true });
    const { page } = session;
    await threeContacts(page);
    await visit(page, "/contacts");

    // The server deletes, but its answer never arrives.
    let dropped = false;
    await page.route(/\/contacts\/[\w-]{22}\/delete\.data/, async (route) => {
      if (dropped || route.request().method() !== "POST") return route.continue();
      dropped = true;
      await route.fetch();
      await route.abort("connectionreset");
    });
    await page.getByRole("link", { name: "Delete Alan Turing" }).click();
    await expectText(page.locator(".row-error[role=alert]"), "Couldn't reach Cardfile to delete this contact. Try again.");
    expect(await listedNames(page)).toEqual(["Alan Turing", "Grace Hopper", "Ada Lovelace"]);

    // The retry carries the same key: the server answers as it did the first time.
    await page.getByRole("link", { name: "Delete Alan Turing" }).click();
    await expectText(flash(page), "Deleted Alan Turing.");
    expect(await listedNames(page)).toEqual(["Grace Hopper", "Ada Lovelace"]);
    expect(await page.locator(".row-error").count()).toBe(0);
    session.errors.splice(0, session.errors.length, ...session.errors.filter((e) => !/Failed to fetch|ERR_CONNECTION_RESET/.test(e)));
  });

  test("an Undo the server refuses takes the row away again and says why", async () => {
    const { page } = await open({ javaScriptEnabled: true });
    await signUp(page, uniqueEmail("refused"));
    const email = uniqueEmail("taken");
    await postContact(page, { name: "Ada Lovelace", email });
    await visit(page, "/contacts");
    await page.getByRole("link", { name: "Delete Ada Lovelace" }).click();
    await expectText(flash(page), "Deleted Ada Lovelace.");
    // Meanwhile (another tab) a new contact takes the address.
    await postContact(page, { name: "Ada King", email });

    const undoing = await holdRequests(page, /\/contacts\/[\w-]{22}\/restore\.data/);
    await page.getByRole("button", { name: "Undo" }).click();
    await undoing.arrived();
    await expect.poll(() => listedNames(page)).toContain("Ada Lovelace");
    await undoing.release();
    await expectText(
      page.locator("p.flash-error[role=alert]"),
      `Couldn't undo: ${email} now belongs to Ada King. Ada Lovelace stays deleted.`,
    );
    // The refusal redirect reloads the list: Ada King (created in another tab) is there, Ada Lovelace is not.
    await expect.poll(() => listedNames(page)).toEqual(["Ada King"]);
  });
});

describe("without JavaScript, the row's Delete opens the confirmation page", () => {
  test("delete and undo from a search come back to that search", async () => {
    const { page } = await open({ javaScriptEnabled: false });
    await threeContacts(page);
    await visit(page, "/contacts?q=engines");
    const link = page.getByRole("link", { name: "Delete Ada Lovelace" });
    const href = await link.getAttribute("href");
    expect(href).toMatch(/^\/contacts\/[\w-]{22}\/delete\?returnTo=%2Fcontacts%3Fq%3Dengines$/);

    await submit(page, link);
    await expectText(page.locator("h1"), "Delete Ada Lovelace?");
    const deleted = await submit(page, page.getByRole("button", { name: "Delete contact" }));
    expect(deleted?.status()).toBe(303);
    await waitForPath(page, "/contacts?q=engines");
    await expectText(flash(page), "Deleted Ada Lovelace.");
    expect(await listedNames(page)).toEqual(["Grace Hopper"]);

    const undone = await submit(page, page.getByRole("button", { name: "Undo" }));
    expect(undone?.status()).toBe(303);
    await waitForPath(page, "/contacts?q=engines");
    await expectText(flash(page), "Restored Ada Lovelace.");
    expect(await listedNames(page)).toEqual(["Grace Hopper", "Ada Lovelace"]);
  });

  test("list rows are the same markup with and without JavaScript", async () => {
    const off = (await open({ javaScriptEnabled: false })).page;
    await threeContacts(off);
    const cookies = await off.context().cookies();
    const on = (await open({ javaScriptEnabled: true })).page;
    await on.context().addCookies(cookies);
    await visit(off, "/contacts");
    await visit(on, "/contacts");
    const rows = (page: Page) => page.locator("ol.contact-list").evaluate((list) => list.outerHTML);
    expect(await rows(on)).toBe(await rows(off));
  });
});

describe("a revisit of an unchanged page", () => {
  test("is a 304 that keeps the page working (its scripts keep their nonce)", async () => {
    const { page } = await open({ javaScriptEnabled: true });
    await threeContacts(page);
    await visit(page, "/contacts"); // shows (and clears) the last "Created …" message
    // What went over the wire: Playwright and the DevTools' merged response
    // both report a revalidated page as the stored 200.
    const cdp = await page.context().newCDPSession(page);
    await cdp.send("Network.enable");
    const documents = new Set<string>();
    const statuses: number[] = [];
    cdp.on("Network.requestWillBeSent", ({ requestId, type }) => {
      if (type === "Document") documents.add(requestId);
    });
    cdp.on("Network.responseReceivedExtraInfo", ({ requestId, statusCode }) => {
      if (documents.has(requestId)) statuses.push(statusCode);
    });
    await visit(page, "/contacts");
    await page.reload();
    await waitForPath(page, "/contacts");
    expect(statuses).toEqual([200, 304]);
    // Hydrated with the stored page's scripts: search as you type works.
    await page.getByLabel("Search contacts").fill("alan");
    await waitForPath(page, "/contacts?q=alan");
    expect(await listedNames(page)).toEqual(["Alan Turing"]);
  });
});
