import { mkdtempSync, rmSync, truncateSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Page } from "playwright-core";
import { afterAll, describe, expect, inject, test } from "vitest";
import { baseURL, currentPath, expectText, flash, postSignUp, uniqueEmail, useBrowser, visit } from "./browser";
import { fixture, allListedNames, resultCounts, reviewForm, startButton, storedData, upload, uploadForReview } from "./imports";

// What an import is guarded against, in the browser, JavaScript off and on:
// a start sent twice (a double click, the same form again, a second tab) and
// the files it cannot take (each refused with what is wrong, nothing of it
// kept). The same file imported twice: import-export.test.ts's round trip.

const open = useBrowser();

const dir = mkdtempSync(join(tmpdir(), "cardfile-import-guards-"));
const stored = storedData(inject("serverDatabaseUrl"));
afterAll(() => {
  stored.close();
  rmSync(dir, { recursive: true, force: true });
});

/** Resolves once React has hydrated a page that useBrowser's session did not open (a second tab). */
async function hydrated(page: Page): Promise<void> {
  await page.waitForFunction(() => Object.keys(document.documentElement).some((key) => key.startsWith("__reactProps")));
}

describe.each([{ js: false }, { js: true }])("starting once, JavaScript $js", ({ js }) => {
  test("a double click on Start, the same form sent again and a second tab's Start run the import once", async () => {
    const { page } = await open({ javaScriptEnabled: js });
    const email = await postSignUp(page, uniqueEmail("once"));
    const id = await uploadForReview(page, fixture("google-contacts.csv"));
    // A second tab on the same review, with a form (and submission key) of its own. (Outside
    // useBrowser's session, its documents go unchecked: they are the first tab's pages.)
    const tab = await page.context().newPage();
    await tab.goto(`/contacts/import/${id}`);
    if (js) await hydrated(tab);

    const posts: string[] = [];
    page.on("request", (request) => {
      if (request.method() === "POST") posts.push(request.url());
    });
    // A double click, and the same form, its submission key too, twice more at once: what a browser that
    // sends it again after a lost answer, or a double submit that gets through, would send.
    const form = await reviewForm(page, "start");
    const [, ...again] = await Promise.all([
      startButton(page).dblclick(),
      page.request.post(`/contacts/import/${id}`, { form, headers: { Origin: baseURL }, maxRedirects: 0 }),
      page.request.post(`/contacts/import/${id}`, { form, headers: { Origin: baseURL }, maxRedirects: 0 }),
    ]);
    for (const answer of again) {
      expect(answer.status()).toBe(303);
      expect(answer.headers()["location"]).toBe(`/contacts/import/${id}`);
    }
    await expectText(flash(page), "Import started.");
    await page.waitForLoadState();
    // With JavaScript the first click disables the button: one POST. Without
    // it Chromium sends the form again when the second click comes before
    // the first answer (seen in CI once the import started at once): the
    // same key, so the first answer again, and the import still runs once.
    if (js) expect(posts).toHaveLength(1);
    else expect(posts.length).toBeLessThanOrEqual(2);

    await startButton(tab).click();
    await expectText(flash(tab), "This import has already been started.");
    await tab.close();

    await page.locator(".import-result").waitFor({ timeout: 30_000 });
    expect(await resultCounts(page)).toEqual({ created: 6, updated: 0, skipped: 0, rejected: 0 });
    expect(stored.contacts(email)).toHaveLength(6);
    expect(stored.importJobs(id)).toBe(1);
    expect(await allListedNames(page)).toHaveLength(6);
  });
});

describe.each([{ js: false }, { js: true }])("bad uploads, JavaScript $js", ({ js }) => {
  test("an empty file, a PNG, an XLSX, no file and a file over 20 MB each say what is wrong, and nothing is stored", async () => {
    const { page } = await open({ javaScriptEnabled: js });
    const email = await postSignUp(page, uniqueEmail("bad-upload"));
    const fileInput = page.getByLabel("File to import");
    const fileError = page.locator("#file-error");

    for (const [file, message] of [
      ["empty.csv", /^The file is empty\./],
      ["image.png", /^This is an image \(PNG\), not an address book/],
      ["workbook.xlsx", /^This looks like an Excel workbook \(\.xlsx\): save it as CSV first/],
    ] as const) {
      const response = await upload(page, fixture(file));
      if (response) expect(response.status(), file).toBe(422);
      await expectText(fileError, message);
      expect(await fileInput.getAttribute("aria-invalid"), file).toBe("true");
      expect(await fileInput.getAttribute("aria-describedby"), file).toBe("file-error");
      expect(currentPath(page), file).toMatch(/^\/contacts\/import(\?index)?$/);
    }

    const posts: string[] = [];
    page.on("request", (request) => {
      if (request.method() === "POST") posts.push(request.url());
    });
    // No file chosen: the browser's own validation (the input is required) stops the form.
    await visit(page, "/contacts/import");
    await page.getByRole("button", { name: "Upload and review" }).click();
    expect(await page.locator("input[name=file]:invalid").count()).toBe(1);
    expect(posts).toEqual([]);
    // A client that sends the form anyway (an empty file part, as browsers send for no file) gets the form back, with the error.
    const submissionKey = await page.locator("input[name=submissionKey]").inputValue();
    const boundary = "cardfile-no-file";
    const answer = await page.request.post("/contacts/import", {
      data: [
        `--${boundary}\r\nContent-Disposition: form-data; name="submissionKey"\r\n\r\n${submissionKey}\r\n`,
        `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename=""\r\nContent-Type: application/octet-stream\r\n\r\n\r\n`,
        `--${boundary}--\r\n`,
      ].join(""),
      headers: { Origin: baseURL, "Content-Type": `multipart/form-data; boundary=${boundary}` },
      maxRedirects: 0,
    });
    expect(answer.status()).toBe(400);
    expect(await answer.text()).toContain("Choose the CSV or vCard file your address book exported.");

    // Over 20 MB. A byte over: the upload stops there (the app's 413); far over: the server refuses it
    // from its Content-Length, before reading it (server/policy.js). With JavaScript neither is sent.
    for (const [name, size] of [
      ["just-over.csv", 20 * 1024 * 1024 + 1],
      ["far-over.csv", 21 * 1024 * 1024],
    ] as const) {
      const file = join(dir, name);
      writeFileSync(file, "Name,Email\n");
      truncateSync(file, size);
      const sent = posts.length;
      const response = await upload(page, file);
      if (js) {
        await expectText(fileError, "Files to import are limited to 20 MB.");
        expect(await fileInput.getAttribute("aria-invalid"), name).toBe("true");
        expect(posts.length, name).toBe(sent);
      } else {
        expect(response!.status(), name).toBe(413);
        await expectText(page.locator("h1"), name === "far-over.csv" ? "Request refused" : "Error 413");
        await expectText(page.locator("main p").first(), "Files to import are limited to 20 MB.");
      }
    }

    // Nothing of any of them was kept.
    await visit(page, "/contacts/import");
    expect(await page.getByRole("heading", { name: "Recent imports" }).count()).toBe(0);
    expect(stored.imports(email)).toBe(0);
    expect(await allListedNames(page)).toEqual([]);
  });
});

// A header alone is a CSV with nothing in it: refused like an empty file.
test("a header-only CSV is refused: it holds no contacts, and nothing is stored", async () => {
  const { page } = await open({ javaScriptEnabled: true });
  const email = await postSignUp(page, uniqueEmail("header-only"));
  await visit(page, "/contacts/import");
  await page.setInputFiles("input[name=file]", fixture("header-only.csv"));
  await page.locator("main button[type=submit]").click();
  await expectText(page.locator("#file-error"), "The file has no contacts in it, only its column names.");
  expect(stored.contacts(email)).toEqual([]);
  expect(stored.imports(email)).toBe(0);
});
