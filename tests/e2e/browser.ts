import { randomBytes } from "node:crypto";
import { appendFileSync } from "node:fs";
import { chromium, type Browser, type BrowserContext, type CDPSession, type Locator, type Page, type Response } from "playwright-core";
import { afterAll, afterEach, beforeAll, expect, inject } from "vitest";
import { htmlErrors } from "./html-check";

export const baseURL = inject("baseURL");

export const PASSWORD = "correct horse battery";

/**
 * A fresh address: the prefix and 15 random digits. Digits, not hex: a
 * search for a name ("ada") must not find a contact by its address's letters.
 */
export function uniqueEmail(prefix = "user"): string {
  return `${prefix}-${randomBytes(6).readUIntBE(0, 6).toString().padStart(15, "0")}@example.test`;
}

/** A short random tag, for names that must not collide with other tests' data. */
export function uniqueTag(): string {
  return randomBytes(4).toString("hex");
}

export function launchBrowser(): Promise<Browser> {
  // playwright creates (and removes) a fresh user-data-dir for every launch.
  return chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
    args: [
      "--headless",
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
    ],
  });
}

export interface Session {
  context: BrowserContext;
  page: Page;
  js: boolean;
  /** Console errors and uncaught exceptions seen so far, hydration errors included. */
  errors: string[];
}

// Chromium logs every 4xx document or data response as a console error. The
// tests assert those statuses themselves, so only these expected ones pass.
const EXPECTED_HTTP_ERROR = /^Failed to load resource: the server responded with a status of (400|404|409|410|413|422) /;

/** Scripts, styles and icons must never fail, whatever their status. */
function isStaticFile(url: string): boolean {
  return /^\/(assets\/|favicon)/.test(url ? new URL(url).pathname : "");
}

const jsEnabled = new WeakMap<Page, boolean>();
const pageErrors = new WeakMap<Page, string[]>();

/** Each document a page was shown, with the Nu Html Checker's errors for it (html-check.ts). */
const pageDocuments = new WeakMap<Page, Promise<{ url: string; errors: string[] }>[]>();

function checkDocument(page: Page, url: string, html: Promise<string>): void {
  pageDocuments.get(page)?.push(
    html.then(
      async (text) => {
        const errors = await htmlErrors(text);
        // HTML_CHECK_LOG=FILE: a line for every document checked, to count errors across a run.
        if (process.env.HTML_CHECK_LOG) appendFileSync(process.env.HTML_CHECK_LOG, `${JSON.stringify({ url, errors })}\n`);
        return { url, errors };
      },
      // The browser may drop a body it no longer shows before it is read (a
      // test that navigates on at once): that one goes unchecked. Any other
      // failure to read a document fails the test.
      (error: unknown) => {
        const dropped =
          /No resource with given identifier|Target .*closed|has been closed|Execution context was destroyed|navigating/i.test(
            String(error),
          );
        if (process.env.HTML_CHECK_LOG) appendFileSync(process.env.HTML_CHECK_LOG, `${JSON.stringify({ url, errors: [], dropped })}\n`);
        return { url, errors: dropped ? [] : [`could not read the document: ${error}`] };
      },
    ),
  );
}

/** The documents of these pages that the Nu Html Checker found errors in, one entry each. */
async function invalidDocuments(pages: Page[]): Promise<string[]> {
  const checked = await Promise.all(pages.flatMap((page) => pageDocuments.get(page) ?? []));
  return checked.filter((c) => c.errors.length > 0).map((c) => `${c.url}\n    ${c.errors.join("\n    ")}`);
}

export async function newSession(
  browser: Browser,
  { javaScriptEnabled, viewport }: { javaScriptEnabled: boolean; viewport?: { width: number; height: number } },
): Promise<Session> {
  const context = await browser.newContext({
    baseURL,
    javaScriptEnabled,
    viewport: viewport ?? { width: 1024, height: 768 },
    // Each session is its own client address (the server trusts the loopback
    // proxy header): the suite signs up dozens of accounts, more than the
    // per-address sign-up limit lets one client do.
    extraHTTPHeaders: { "X-Forwarded-For": `10.${rand()}.${rand()}.${rand()}` },
  });
  context.setDefaultTimeout(10_000);
  const page = await context.newPage();
  jsEnabled.set(page, javaScriptEnabled);
  const errors: string[] = [];
  pageErrors.set(page, errors);
  pageDocuments.set(page, []);
  // Every document the server sends (JavaScript on or off) goes to the HTML
  // checker; with JavaScript, so does the page as React left it (waitForHydration).
  page.on("response", (response) => {
    const status = response.status();
    if (status >= 300 && status < 400) return; // redirects and 304s carry no document of their own
    if (!response.request().isNavigationRequest() || response.frame() !== page.mainFrame()) return;
    if (!/^text\/html\b/.test(response.headers()["content-type"] ?? "")) return;
    checkDocument(
      page,
      response.url(),
      response.body().then((body) => body.toString("utf8")),
    );
  });
  page.on("console", (message) => {
    const expected = EXPECTED_HTTP_ERROR.test(message.text()) && !isStaticFile(message.location().url);
    if (message.type() === "error" && !expected) {
      errors.push(`console.error at ${page.url()}: ${message.text()}`);
    }
  });
  page.on("pageerror", (error) => errors.push(`uncaught at ${page.url()}: ${error.stack ?? error.message}`));
  return {
    context,
    page,
    js: javaScriptEnabled,
    errors,
  };
}

/**
 * Resolves once React has hydrated the document, so that clicks reach React's
 * handlers instead of falling through to a native form submission. React
 * tags the DOM nodes it has hydrated; <html> is the last of them.
 */
export async function waitForHydration(page: Page): Promise<void> {
  if (!jsEnabled.get(page)) return;
  try {
    await page.waitForFunction(() => Object.keys(document.documentElement).some((key) => key.startsWith("__reactProps")));
  } catch (error) {
    const seen = pageErrors.get(page) ?? [];
    const state = await page
      .evaluate(() => ({
        readyState: document.readyState,
        remixContext: "__remixContext" in window,
        remixRouter: "__remixRouter" in window,
        resources: performance.getEntriesByType("resource").map((e) => `${e.name} ${Math.round(e.duration)}ms`),
      }))
      .catch((e: unknown) => String(e));
    throw new Error(
      `${page.url()} did not hydrate: ${error}\nbrowser errors:\n${seen.join("\n") || "(none)"}\n` +
        `page state: ${JSON.stringify(state, null, 2)}`,
    );
  }
  // Let the commit and its effects run.
  await page.evaluate(() => new Promise((done) => requestAnimationFrame(() => setTimeout(done, 0))));
  checkDocument(page, `${page.url()} (after hydration)`, page.content());
}

/** page.goto that also waits for hydration; returns the document response. */
export async function visit(page: Page, path: string): Promise<Response> {
  const response = await page.goto(path);
  if (!response) throw new Error(`no response for ${path}`);
  await waitForHydration(page);
  return response;
}

/**
 * Clicks a submit button. Without JavaScript that is a document POST: returns
 * its response (a 303, or the 400/409 page). With JavaScript the form is
 * submitted by fetch; returns null and the caller waits for the outcome.
 */
export function submit(page: Page, button: Locator): Promise<Response | null> {
  return clickToNavigate(page, button);
}

/** Follows a link; without JavaScript returns the document response. */
export function follow(page: Page, link: Locator): Promise<Response | null> {
  return clickToNavigate(page, link);
}

async function clickToNavigate(page: Page, target: Locator): Promise<Response | null> {
  if (jsEnabled.get(page)) {
    await target.click();
    return null;
  }
  const [response] = await Promise.all([
    page.waitForResponse((r) => r.request().isNavigationRequest() && r.frame() === page.mainFrame()),
    target.click(),
  ]);
  await page.waitForLoadState();
  return response;
}

/** The path of the current page, with its query string. */
export function currentPath(page: Page): string {
  const url = new URL(page.url());
  return url.pathname + url.search;
}

export async function waitForPath(page: Page, path: string | RegExp): Promise<void> {
  await page.waitForURL((url) => {
    const actual = url.pathname + url.search;
    return typeof path === "string" ? actual === path : path.test(actual);
  });
  await waitForHydration(page);
}

/** The names on the contact list page the browser shows, top to bottom. */
export function listedNames(page: Page): Promise<string[]> {
  return page.locator("ol.contact-list li > a:first-child").allInnerTexts();
}

export function flash(page: Page): Locator {
  return page.locator("p.flash[role=status]");
}

/** Waits until `locator`'s text is `expected` (vitest's expect does not retry by itself). */
export async function expectText(locator: Locator, expected: string | RegExp): Promise<void> {
  await expect
    .poll(async () => ((await locator.count()) ? (await locator.first().innerText()).trim() : null), { timeout: 10_000 })
    .toMatch(expected);
}

export async function signUp(page: Page, email = uniqueEmail(), password = PASSWORD): Promise<string> {
  await visit(page, "/signup");
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill(password);
  const response = await submit(page, page.getByRole("button", { name: "Sign up" }));
  if (response) expect(response.status()).toBe(303);
  await waitForPath(page, "/contacts");
  await expectText(flash(page), "Welcome to Cardfile.");
  return email;
}

/** Logs in from the login page the browser is on (or /login); waits to leave it. */
export async function logIn(page: Page, email: string, password = PASSWORD): Promise<void> {
  if (new URL(page.url()).pathname !== "/login") await visit(page, "/login");
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill(password);
  const response = await submit(page, page.getByRole("button", { name: "Log in" }));
  if (response) expect(response.status()).toBe(303);
  await page.waitForURL((url) => url.pathname !== "/login");
  await waitForHydration(page);
}

export async function logOut(page: Page): Promise<void> {
  const response = await submit(page, page.getByRole("button", { name: "Log out" }));
  if (response) expect(response.status()).toBe(303);
  await waitForPath(page, "/login");
  await expectText(flash(page), "You have been logged out.");
}

export interface ContactFields {
  name: string;
  email: string;
  company?: string;
  phone?: string;
  notes?: string;
}

const LABELS = { name: "Name", email: "Email", company: "Company", phone: "Phone", notes: "Notes" } as const;

/** Types `fields` into the contact form on the current page. */
export async function fillContactForm(page: Page, fields: Partial<ContactFields>): Promise<void> {
  for (const [key, label] of Object.entries(LABELS) as [keyof ContactFields, string][]) {
    const value = fields[key];
    if (value !== undefined) await page.getByLabel(label, { exact: false }).fill(value);
  }
}

/** Creates a contact through the form; returns its id. */
export async function createContact(page: Page, fields: ContactFields): Promise<string> {
  await visit(page, "/contacts/new");
  await fillContactForm(page, fields);
  const response = await submit(page, page.getByRole("button", { name: "Create contact" }));
  if (response) expect(response.status()).toBe(303);
  await waitForPath(page, /^\/contacts\/[A-Za-z0-9_-]{22}$/);
  await expectText(flash(page), `Created ${fields.name.trim()}.`);
  return new URL(page.url()).pathname.split("/")[2]!;
}

/**
 * Creates a contact with a plain form POST from the page's context (it shares
 * the session cookie): fast, for tests that need many contacts. Returns its id.
 */
export async function postContact(page: Page, fields: ContactFields): Promise<string> {
  const response = await page.request.post("/contacts/new", {
    form: { company: "", phone: "", notes: "", ...fields },
    headers: { Origin: baseURL },
    maxRedirects: 0,
  });
  expect(response.status(), await response.text()).toBe(303);
  const location = new URL(response.headers()["location"]!, baseURL);
  const id = /^\/contacts\/([A-Za-z0-9_-]{22})$/.exec(location.pathname)?.[1];
  if (!id) throw new Error(`unexpected redirect to ${location}`);
  return id;
}

/** Creates a label of the signed-in account with a plain form POST from the page's context (as postContact does). */
export async function postLabel(page: Page, name: string): Promise<void> {
  const response = await page.request.post("/labels", { form: { intent: "create", name }, headers: { Origin: baseURL }, maxRedirects: 0 });
  expect(response.status(), await response.text()).toBe(303);
}

/**
 * Signs up with a plain form POST from the page's context (it shares the
 * cookie jar, so the page is signed in afterwards): fast, for tests whose
 * subject is not the sign-up form. Returns the email.
 */
export async function postSignUp(page: Page, email = uniqueEmail(), password = PASSWORD): Promise<string> {
  const response = await page.request.post("/signup", {
    form: { email, password },
    headers: { Origin: baseURL },
    maxRedirects: 0,
  });
  expect(response.status(), await response.text()).toBe(303);
  return email;
}

/**
 * The "Slow 3G" profile: 400 kbps each way and a 400 ms round trip.
 * Chromium's throughputs are in bytes per second.
 */
export const SLOW_3G = {
  offline: false,
  latency: 400,
  downloadThroughput: (400 * 1000) / 8,
  uploadThroughput: (400 * 1000) / 8,
} as const;

/**
 * Puts the page on the Slow 3G profile through the DevTools protocol. It
 * throttles what the browser sends (documents, data requests, assets), not
 * page.request, which goes from Node: set-up stays fast.
 */
export async function slow3g(page: Page): Promise<CDPSession> {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send("Network.enable");
  await cdp.send("Network.emulateNetworkConditions", SLOW_3G);
  return cdp;
}

/**
 * One Chromium per test file and a fresh context per session; after each test
 * its sessions are closed and any browser error fails that test.
 */
export function useBrowser(): (options: { javaScriptEnabled: boolean; viewport?: { width: number; height: number } }) => Promise<Session> {
  let browser: Browser | undefined;
  const sessions: Session[] = [];
  beforeAll(async () => {
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
  });
  afterEach(async () => {
    const open = sessions.splice(0);
    // What the browser logged during the test (not while its documents are checked).
    const logged = open.flatMap((session) => [...session.errors]);
    const invalid = await invalidDocuments(open.map((session) => session.page));
    await Promise.all(open.map((session) => session.context.close()));
    expect(logged, "the browser logged errors").toEqual([]);
    expect(invalid, "pages the Nu Html Checker found errors in").toEqual([]);
  });
  return async (options) => {
    if (!browser) throw new Error("useBrowser() must be called at the top of a test file");
    const session = await newSession(browser, options);
    sessions.push(session);
    return session;
  };
}

function rand(): number {
  return Math.floor(Math.random() * 254) + 1;
}
