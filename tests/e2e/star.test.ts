import type { Page, Route } from "playwright-core";
import { describe, expect, test } from "vitest";
import {
  currentPath,
  expectText,
  flash,
  follow,
  listedNames,
  postContact,
  postSignUp,
  submit,
  uniqueEmail,
  useBrowser,
  visit,
  waitForPath,
} from "./browser";

// Stars (decision 0033), JavaScript off and on: from the list's rows and the
// contact's page, the list of the starred, and with JavaScript a star that
// shows at once and goes back if the server cannot be reached.

const open = useBrowser();

const starButton = (page: Page, name: string) => page.getByRole("button", { name: `Star ${name}`, exact: true });

async function twoContacts(page: Page) {
  await postSignUp(page);
  await postContact(page, { name: "Ada Lovelace", email: uniqueEmail("ada") });
  return postContact(page, { name: "Grace Hopper", email: uniqueEmail("grace") });
}

for (const javaScriptEnabled of [false, true]) {
  describe(`stars, JavaScript ${javaScriptEnabled ? "on" : "off"}`, () => {
    test("star from the list, list the starred, unstar from the contact's page", async () => {
      const { page } = await open({ javaScriptEnabled });
      const grace = await twoContacts(page);
      await visit(page, "/contacts?q=lovelace");
      expect(await starButton(page, "Ada Lovelace").getAttribute("aria-pressed")).toBe("false");
      await submit(page, starButton(page, "Ada Lovelace"));
      await expectText(flash(page), "Starred Ada Lovelace.");
      expect(currentPath(page)).toBe("/contacts?q=lovelace");
      await expect.poll(() => starButton(page, "Ada Lovelace").getAttribute("aria-pressed")).toBe("true");
      await expectText(starButton(page, "Ada Lovelace"), "★");

      await visit(page, `/contacts/${grace}`);
      await submit(page, page.getByRole("button", { name: "☆ Star" }));
      await expectText(flash(page), "Starred Grace Hopper.");
      await expectText(page.getByRole("button", { name: "★ Starred" }), "★ Starred");

      await visit(page, "/contacts");
      await follow(page, page.getByRole("link", { name: "Starred", exact: true }));
      await waitForPath(page, "/contacts?starred=1");
      expect(await listedNames(page)).toEqual(["Grace Hopper", "Ada Lovelace"]);

      await follow(page, page.getByRole("link", { name: "Grace Hopper", exact: true }));
      await waitForPath(page, `/contacts/${grace}`);
      await submit(page, page.getByRole("button", { name: "★ Starred" }));
      await expectText(flash(page), "Unstarred Grace Hopper.");
      await visit(page, "/contacts?starred=1");
      expect(await listedNames(page)).toEqual(["Ada Lovelace"]);
    });
  });
}

describe("stars with JavaScript", () => {
  test("a star shows at once, before the server answers; one that cannot reach the server goes back, and says so", async () => {
    const session = await open({ javaScriptEnabled: true });
    const { page } = session;
    await twoContacts(page);
    await visit(page, "/contacts");

    let held: Route | undefined;
    let arrived!: () => void;
    const arrival = new Promise<void>((resolve) => (arrived = resolve));
    await page.route(/\/star\.data$/, (route) => {
      held = route;
      arrived();
    });
    await starButton(page, "Grace Hopper").click();
    await arrival;
    // The server has not even seen it: the star is on already.
    expect(await starButton(page, "Grace Hopper").getAttribute("aria-pressed")).toBe("true");
    await held!.abort("internetdisconnected");
    await expect.poll(() => starButton(page, "Grace Hopper").getAttribute("aria-pressed")).toBe("false");
    await expectText(page.locator(".row-error"), "Couldn't reach Cardfile to change the star. Try again.");

    await page.unroute(/\/star\.data$/);
    await starButton(page, "Grace Hopper").click();
    await expectText(flash(page), "Starred Grace Hopper.");
    expect(await starButton(page, "Grace Hopper").getAttribute("aria-pressed")).toBe("true");
    // The lost request's own line in the console, and only that one, was expected.
    session.errors.splice(0, session.errors.length, ...session.errors.filter((e) => !/Failed to fetch|ERR_INTERNET_DISCONNECTED/.test(e)));
  });
});
