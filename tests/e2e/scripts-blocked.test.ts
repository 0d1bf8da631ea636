import type { Locator, Page, Response } from "playwright-core";
import { describe, expect, test } from "vitest";
import {
  currentPath,
  expectText,
  fillContactForm,
  flash,
  listedNames,
  PASSWORD,
  postContact,
  postSignUp,
  type Session,
  uniqueEmail,
  useBrowser,
} from "./browser";

// JavaScript is on in the browser, but the app's scripts never arrive: a
// proxy or an extension blocks them ("aborted"), or they hang on a bad
// network ("hanging"). Every page is server-rendered HTML with plain links
// and forms, so every flow must still work. The app's scripts are the
// /assets/*.js files that each page names twice: as <link rel=modulepreload>
// and as imports of its inline <script type=module>. The small inline
// classic scripts (the loader data, scroll restoration) still run.
//
// The browser.ts helpers can't be used here: with JavaScript on they wait for
// hydration, which never comes, and for the load event, which a hanging
// module script holds back. These wait for the document to be parsed instead.

const open = useBrowser();

type Mode = "aborted" | "hanging";

const CONTACT_PATH = /^\/contacts\/[A-Za-z0-9_-]{22}$/;
const BLOCKED_SCRIPT_ERROR = "Failed to load resource: net::ERR_FAILED";

function isAppScript(url: URL): boolean {
  return /^\/assets\/.+\.js$/.test(url.pathname);
}

/** A page whose app scripts are blocked, with navigation helpers that don't wait for them. */
class Scriptless {
  /** Every app script the pages asked for. */
  readonly requested = new Set<string>();
  /** The console errors that the blocked scripts (and only they) caused, as Session.errors words them. */
  private readonly expectedErrors: string[] = [];

  private constructor(
    readonly session: Session,
    readonly mode: Mode,
  ) {}

  static async open(session: Session, mode: Mode): Promise<Scriptless> {
    const scriptless = new Scriptless(session, mode);
    const { page } = session;
    await page.route(isAppScript, (route) => {
      scriptless.requested.add(route.request().url());
      // A hanging script is never answered: leaving the page cancels it.
      return mode === "aborted" ? route.abort() : undefined;
    });
    page.on("console", (message) => {
      if (message.type() === "error" && message.text() === BLOCKED_SCRIPT_ERROR && scriptless.requested.has(message.location().url)) {
        scriptless.expectedErrors.push(`console.error at ${page.url()}: ${message.text()}`);
      }
    });
    return scriptless;
  }

  get page(): Page {
    return this.session.page;
  }

  /** Opens `path`; returns the document response. */
  async go(path: string): Promise<Response> {
    const response = await this.page.goto(path, { waitUntil: "commit" });
    if (!response) throw new Error(`no response for ${path}`);
    await this.parsed();
    return response;
  }

  /**
   * Clicks a link or a submit button and waits for the next document to be
   * parsed. Returns the first response: the 303 of a form post, or the page.
   */
  async press(target: Locator): Promise<Response> {
    const mainFrame = this.page.mainFrame();
    const [response] = await Promise.all([
      this.page.waitForResponse((r) => r.request().isNavigationRequest() && r.frame() === mainFrame),
      this.page.waitForEvent("framenavigated", (frame) => frame === mainFrame),
      target.click(),
    ]);
    await this.parsed();
    return response;
  }

  /** Waits until the current document is parsed, and checks the app never started. */
  private async parsed(): Promise<void> {
    await this.page.waitForFunction(() => document.readyState !== "loading");
    const state = await this.page.evaluate(() => ({
      readyState: document.readyState,
      remix: "__remixRouter" in window,
      react: Object.keys(document.documentElement).some((key) => key.startsWith("__react")),
    }));
    expect(state.remix || state.react, `the app's scripts ran at ${this.page.url()}`).toBe(false);
    // A hanging module script holds the load event back for as long as it hangs.
    if (this.mode === "hanging") expect(state.readyState).toBe("interactive");
  }

  /**
   * Checks the scripts were asked for (and so blocked), then drops from the
   * session's errors exactly the ones they caused, once each.
   */
  forgiveBlockedScripts(): void {
    expect(this.requested.size, "the pages asked for the app's scripts").toBeGreaterThan(0);
    const errors = this.session.errors;
    if (this.mode === "aborted") expect(this.expectedErrors.length).toBeGreaterThan(0);
    for (const expected of this.expectedErrors) {
      const index = errors.indexOf(expected);
      if (index !== -1) errors.splice(index, 1);
    }
  }
}

function pagerLink(page: Page, name: "← Newer" | "Older →") {
  return page.getByRole("navigation", { name: "Pages" }).getByRole("link", { name, exact: true });
}

/** The details of the contact page, as label → text. */
async function details(page: Page): Promise<Record<string, string>> {
  const terms = await page.locator("dl.details dt").allInnerTexts();
  const values = await page.locator("dl.details dd").allInnerTexts();
  return Object.fromEntries(terms.map((term, i) => [term.trim(), values[i]!.trim()]));
}

describe.each<{ mode: Mode }>([{ mode: "aborted" }, { mode: "hanging" }])("app scripts $mode", ({ mode }) => {
  test("sign up, log out, log in", async () => {
    const session = await open({ javaScriptEnabled: true });
    const app = await Scriptless.open(session, mode);
    const { page } = app;
    const email = uniqueEmail("noscript");

    expect((await app.go("/signup")).status()).toBe(200);
    await page.getByLabel("Email").fill(email);
    await page.getByLabel("Password").fill(PASSWORD);
    expect((await app.press(page.getByRole("button", { name: "Sign up" }))).status()).toBe(303);
    expect(currentPath(page)).toBe("/contacts");
    await expectText(flash(page), "Welcome to Cardfile.");
    await expectText(page.locator(".site-header .who"), email);

    expect((await app.press(page.getByRole("button", { name: "Log out" }))).status()).toBe(303);
    expect(currentPath(page)).toBe("/login");
    await expectText(flash(page), "You have been logged out.");
    expect(await page.locator(".site-header .who").count()).toBe(0);

    await page.getByLabel("Email").fill(email);
    await page.getByLabel("Password").fill(PASSWORD);
    expect((await app.press(page.getByRole("button", { name: "Log in" }))).status()).toBe(303);
    expect(currentPath(page)).toBe("/contacts");
    await expectText(page.locator(".site-header .who"), email);

    app.forgiveBlockedScripts();
  });

  test("paginate, search, create, edit, delete and undo", async () => {
    const session = await open({ javaScriptEnabled: true });
    const app = await Scriptless.open(session, mode);
    const { page } = app;
    await postSignUp(page);
    const name = (n: number) => `Person ${String(n).padStart(3, "0")}`;
    for (let n = 1; n <= 51; n++) await postContact(page, { name: name(n), email: uniqueEmail(`p${n}`) });
    const everyone = Array.from({ length: 51 }, (_, i) => name(i + 1));

    // Paginate: 50 on the first page, the rest behind "Older →".
    expect((await app.go("/contacts")).status()).toBe(200);
    const firstPage = await listedNames(page);
    expect(firstPage).toHaveLength(50);
    expect(await pagerLink(page, "← Newer").count()).toBe(0);
    expect((await app.press(pagerLink(page, "Older →"))).status()).toBe(200);
    expect(currentPath(page)).toMatch(/^\/contacts\?cursor=/);
    const secondPage = await listedNames(page);
    expect(secondPage).toHaveLength(1);
    expect([...firstPage, ...secondPage].sort()).toEqual(everyone);
    expect(await pagerLink(page, "Older →").count()).toBe(0);
    expect((await app.press(pagerLink(page, "← Newer"))).status()).toBe(200);
    expect(await listedNames(page)).toEqual(firstPage);

    // Search: the plain GET form.
    await page.getByLabel("Search contacts").fill("son 007");
    expect((await app.press(page.getByRole("button", { name: "Search", exact: true }))).status()).toBe(200);
    expect(currentPath(page)).toBe("/contacts?q=son+007");
    expect(await listedNames(page)).toEqual([name(7)]);
    expect(await page.getByLabel("Search contacts").inputValue()).toBe("son 007");

    // Create.
    const email = uniqueEmail("ada");
    expect((await app.go("/contacts/new")).status()).toBe(200);
    await fillContactForm(page, { name: "Ada Lovelace", email, company: "Analytical Engines" });
    expect((await app.press(page.getByRole("button", { name: "Create contact" }))).status()).toBe(303);
    expect(currentPath(page)).toMatch(CONTACT_PATH);
    const id = currentPath(page).split("/")[2]!;
    await expectText(flash(page), "Created Ada Lovelace.");
    await expectText(page.locator("h1"), "Ada Lovelace");
    expect(await details(page)).toMatchObject({ Email: email, Company: "Analytical Engines", Phone: "—" });

    // Edit.
    expect((await app.press(page.getByRole("link", { name: "Edit", exact: true }))).status()).toBe(200);
    expect(currentPath(page)).toBe(`/contacts/${id}/edit`);
    expect(await page.getByLabel("Name").inputValue()).toBe("Ada Lovelace");
    await fillContactForm(page, { name: "Ada King", phone: "+44 20 7946 0000", notes: "Countess of Lovelace." });
    expect((await app.press(page.getByRole("button", { name: "Save changes" }))).status()).toBe(303);
    expect(currentPath(page)).toBe(`/contacts/${id}`);
    await expectText(flash(page), "Saved Ada King.");
    await expectText(page.locator("h1"), "Ada King");
    expect(await details(page)).toMatchObject({
      Email: email,
      Company: "Analytical Engines",
      Phone: "+44 20 7946 0000",
      Notes: "Countess of Lovelace.",
    });

    // Delete, through the confirmation page.
    expect((await app.press(page.getByRole("link", { name: "Delete", exact: true }))).status()).toBe(200);
    expect(currentPath(page)).toBe(`/contacts/${id}/delete`);
    await expectText(page.locator("h1"), "Delete Ada King?");
    expect((await app.press(page.getByRole("button", { name: "Delete contact" }))).status()).toBe(303);
    expect(currentPath(page)).toBe("/contacts");
    await expectText(flash(page), "Deleted Ada King.");
    expect(await listedNames(page)).toEqual(firstPage);

    // Undo, beside the message.
    expect((await app.press(page.getByRole("button", { name: "Undo", exact: true }))).status()).toBe(303);
    expect(currentPath(page)).toBe("/contacts");
    await expectText(flash(page), "Restored Ada King.");
    expect(await listedNames(page)).toContain("Ada King");
    expect(await page.getByRole("button", { name: "Undo", exact: true }).count()).toBe(0);

    app.forgiveBlockedScripts();
  });
});
