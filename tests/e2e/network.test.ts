import { describe, expect, test } from "vitest";
import {
  currentPath,
  expectText,
  fillContactForm,
  flash,
  postContact,
  signUp,
  submit,
  uniqueEmail,
  useBrowser,
  visit,
  waitForPath,
} from "./browser";

const open = useBrowser();
const NETWORK_FAILURE = "Couldn't reach Cardfile. Your changes are kept — Try again.";

async function contactsNamed(page: import("playwright-core").Page, name: string) {
  await visit(page, `/contacts?q=${encodeURIComponent(name)}`);
  return page.locator("ol.contact-list li").count();
}

describe("with JavaScript, a lost submission keeps the form", () => {
  test("offline mid-submit: the values stay, the retry message shows, and retrying online saves once", async () => {
    const session = await open({ javaScriptEnabled: true });
    const { page, context } = session;
    await signUp(page);
    await visit(page, "/contacts/new");
    const name = `Offline ${uniqueEmail().slice(5, 13)}`;
    await fillContactForm(page, { name, email: uniqueEmail("offline"), company: "Kept Co" });

    await context.setOffline(true);
    await page.getByRole("button", { name: "Create contact" }).click();
    await expectText(page.locator("p.form-error[role=alert]"), NETWORK_FAILURE);
    expect(await page.inputValue("input[name=name]")).toBe(name);
    expect(await page.inputValue("input[name=company]")).toBe("Kept Co");
    expect(page.url()).toMatch(/\/contacts\/new$/);

    await context.setOffline(false);
    await submit(page, page.getByRole("button", { name: "Create contact" }));
    await waitForPath(page, /^\/contacts\/[A-Za-z0-9_-]{22}$/);
    expect(await contactsNamed(page, name)).toBe(1);
    // Chromium logs the failed fetch itself; that one is expected.
    session.errors.splice(0, session.errors.length, ...session.errors.filter((e) => !/Failed to fetch|ERR_INTERNET_DISCONNECTED/.test(e)));
  });

  test("an answer lost after the server acted: retrying with the same form creates exactly one contact", async () => {
    const session = await open({ javaScriptEnabled: true });
    const { page } = session;
    await signUp(page);
    await visit(page, "/contacts/new");
    const name = `Dropped ${uniqueEmail().slice(5, 13)}`;
    await fillContactForm(page, { name, email: uniqueEmail("dropped") });

    // Let the first POST reach the server, then drop its answer.
    let dropped = false;
    await page.route("**/contacts/new.data*", async (route) => {
      if (dropped || route.request().method() !== "POST") return route.continue();
      dropped = true;
      await route.fetch(); // the server does the work...
      await route.abort("connectionreset"); // ...and the browser never hears back
    });
    await page.getByRole("button", { name: "Create contact" }).click();
    await expectText(page.locator("p.form-error[role=alert]"), NETWORK_FAILURE);
    expect(dropped).toBe(true);

    await submit(page, page.getByRole("button", { name: "Create contact" }));
    await waitForPath(page, /^\/contacts\/[A-Za-z0-9_-]{22}$/);
    expect(await contactsNamed(page, name)).toBe(1);
    session.errors.splice(0, session.errors.length, ...session.errors.filter((e) => !/Failed to fetch|ERR_CONNECTION_RESET/.test(e)));
  });
});

describe("with JavaScript, a background reload that cannot reach the server", () => {
  test("keeps the page on screen with an offline notice, and refreshes once back online", async () => {
    const session = await open({ javaScriptEnabled: true });
    const { page } = session;
    await signUp(page);
    await postContact(page, { name: "Ada Lovelace", email: uniqueEmail("ada") });
    await postContact(page, { name: "Alan Turing", email: uniqueEmail("alan") });
    await visit(page, "/contacts");
    await visit(page, "/contacts"); // past the "Created …" message

    // The delete reaches the server; the reload of the page after it does not.
    await page.route("**/contacts.data*", (route) =>
      route.request().method() === "GET" ? route.abort("internetdisconnected") : route.continue(),
    );
    await page.getByRole("link", { name: "Delete Alan Turing" }).click();
    await expectText(page.locator(".offline-notice"), /Offline: this page may be out of date/);
    await expectText(page.locator("h1"), "Contacts");
    expect(await page.locator(".error-page").count()).toBe(0);
    expect(currentPath(page)).toBe("/contacts");

    await page.unroute("**/contacts.data*");
    await page.evaluate(() => window.dispatchEvent(new Event("online")));
    await expectText(flash(page), "Deleted Alan Turing.");
    expect(await page.locator(".offline-notice").count()).toBe(0);
    expect(await page.locator("ol.contact-list li > a:first-child").allInnerTexts()).toEqual(["Ada Lovelace"]);
    session.errors.splice(0, session.errors.length, ...session.errors.filter((e) => !/ERR_INTERNET_DISCONNECTED|Failed to fetch/.test(e)));
  });
});
