import Database from "better-sqlite3";
import { parse } from "csv-parse/sync";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import type { Download, Locator, Page, Response } from "playwright-core";
import { expect } from "vitest";
import { currentPath, expectText, flash, listedNames, submit, visit, waitForPath } from "./browser";
import { repoRoot } from "./spawn-server";

// The import pages and the export downloads as the browser tests drive them
// (import-export.test.ts, import-refusals.test.ts, import-resume.test.ts),
// and a read-only look at a server's database to count what an import stored.

export const fixture = (name: string) => join(repoRoot, "app/imports/fixtures", name);

export const IMPORT_PATH = /^\/contacts\/import\/[A-Za-z0-9_-]{22}$/;

export interface StoredContact {
  name: string;
  email: string | null;
  company: string | null;
  phone: string | null;
  notes: string | null;
}

/** A server's SQLite database (`file:…`), opened read only: what imports stored, counted by the test itself. */
export function storedData(databaseUrl: string) {
  const sqlite = new Database(databaseUrl.replace(/^file:/, ""), { readonly: true, fileMustExist: true });
  const ownerIdOf = (email: string): string => {
    const row = sqlite.prepare("select id from users where email = ?").get(email) as { id: string } | undefined;
    if (!row) throw new Error(`no account ${email}`);
    return row.id;
  };
  return {
    sqlite,
    ownerIdOf,
    /** The account's live contacts, every field, ordered by name, then email. */
    contacts(email: string): StoredContact[] {
      return sqlite
        .prepare(
          "select name, email, company, phone, notes from contacts where owner_id = ? and deleted_at is null order by name, coalesce(email, '')",
        )
        .all(ownerIdOf(email)) as StoredContact[];
    },
    /** The account's imports in any state, an upload still arriving included. */
    imports(email: string): number {
      return (sqlite.prepare("select count(*) as n from imports where owner_id = ?").get(ownerIdOf(email)) as { n: number }).n;
    },
    /** The jobs enqueued for an import (at most one may ever be). */
    importJobs(importId: string): number {
      return (sqlite.prepare("select count(*) as n from jobs where unique_key = ?").get(`import:${importId}`) as { n: number }).n;
    },
    close: () => sqlite.close(),
  };
}

/** Chooses `file` on the upload page (of `origin`, default the shared server) and sends it; without JavaScript returns the document response. */
export async function upload(page: Page, file: string, origin = ""): Promise<Response | null> {
  await visit(page, `${origin}/contacts/import`);
  await page.getByLabel("File to import").setInputFiles(file);
  return submit(page, page.getByRole("button", { name: "Upload and review" }));
}

/** Uploads `file` and lands on its review; returns the import's id. */
export async function uploadForReview(page: Page, file: string, origin = ""): Promise<string> {
  const response = await upload(page, file, origin);
  if (response) expect(response.status()).toBe(303);
  await waitForPath(page, IMPORT_PATH);
  return currentPath(page).split("/")[3]!;
}

/** A description list's terms and values, as term → text. */
export async function describedAs(list: Locator): Promise<Record<string, string>> {
  const terms = await list.locator("dt").allInnerTexts();
  const values = await list.locator("dd").allInnerTexts();
  return Object.fromEntries(terms.map((term, i) => [term.trim(), values[i]!.trim()]));
}

/**
 * What the import's page says of the file: File, Format, Encoding. Waits for
 * them: on a busy machine the page after the upload's redirect may not be
 * drawn yet when the URL already is its own (CI once read an empty list).
 */
export async function importFacts(page: Page): Promise<Record<string, string>> {
  const list = page.locator("main dl.details").first();
  await list.locator("dt", { hasText: "Format" }).waitFor();
  return describedAs(list);
}

/** The mapping <select> of the file's column `column` (its label is the column's name). */
export function mappingOf(page: Page, column: string): Locator {
  return page.locator("table.mapping").getByLabel(column, { exact: true });
}

/** The preview table's rows: Row, Name, Email, Company, Phone, Result (a rejected row: Row, the reason). */
export async function previewRows(page: Page): Promise<string[][]> {
  const rows = page.locator("table.preview tbody tr");
  const cells = await Promise.all(Array.from({ length: await rows.count() }, (_, i) => rows.nth(i).locator("td").allInnerTexts()));
  return cells.map((row) => row.map((cell) => cell.trim()));
}

/** The review form's fields as the page would send them with `intent`, its submission key included. */
export async function reviewForm(page: Page, intent: "start" | "preview"): Promise<Record<string, string>> {
  const form: Record<string, string> = {
    submissionKey: await page.locator("input[name=submissionKey]").inputValue(),
    intent,
    onDuplicate: (await page.locator("input[name=onDuplicate]:checked").getAttribute("value")) ?? "",
  };
  const selects = page.locator("table.mapping select");
  for (let i = 0; i < (await selects.count()); i++) form[(await selects.nth(i).getAttribute("name"))!] = await selects.nth(i).inputValue();
  return form;
}

export function startButton(page: Page): Locator {
  return page.getByRole("button", { name: "Start import" });
}

export interface Counts {
  created: number;
  updated: number;
  skipped: number;
  rejected: number;
}

/** The result's counts, as the page shows them. */
export async function resultCounts(page: Page): Promise<Counts> {
  const shown = await describedAs(page.locator(".import-result dl.details"));
  const n = (term: string) => Number(shown[term]!.replace(/,/g, ""));
  return { created: n("Created"), updated: n("Updated"), skipped: n("Skipped (already there)"), rejected: n("Rejected") };
}

/** Whether the page shows an import in progress (and then its <progress>). */
export async function showsProgress(page: Page): Promise<boolean> {
  // Read in one go: with JavaScript the page follows the import live, and a
  // fast one can turn into its result between two separate reads.
  // Without JavaScript the page refreshes itself: a read that a refresh cut short is read again from the new page.
  const read = () =>
    page.evaluate(() => {
      const progress = document.querySelector(".import-progress");
      return progress ? progress.querySelectorAll("progress").length : null;
    });
  const bar = await read().catch(async (error: Error) => {
    if (!/Execution context was destroyed/.test(error.message)) throw error;
    await page.waitForLoadState();
    return read();
  });
  if (bar !== null) expect(bar, "the progress has its one bar").toBe(1);
  return bar !== null;
}

/** Without JavaScript the browser parses <noscript>'s content: the page's refresh is a real <meta> then. */
export async function hasOwnRefresh(page: Page): Promise<boolean> {
  return (await page.locator('head meta[http-equiv="refresh"]').count()) > 0;
}

/**
 * Waits, with no help from the test (no reload, no click), for the page to
 * show the import's result. Returns how many documents the page loaded on the
 * way: without JavaScript it reloads itself while the import runs (its
 * <noscript><meta http-equiv=refresh>); with JavaScript it follows the
 * import live and loads none.
 */
export async function awaitResult(page: Page): Promise<number> {
  let loads = 0;
  const onLoad = () => loads++;
  page.on("load", onLoad);
  try {
    await page.locator(".import-result").waitFor({ timeout: 30_000 });
  } finally {
    page.off("load", onLoad);
  }
  // The result stays as it is.
  expect(await hasOwnRefresh(page)).toBe(false);
  return loads;
}

/** Sets a value on window that lasts only as long as the document does (no full reload). */
export async function markDocument(page: Page): Promise<void> {
  await page.evaluate(() => Object.assign(window, { importTestMarker: "still here" }));
}

export async function documentMarker(page: Page): Promise<unknown> {
  return page.evaluate(() => (window as unknown as { importTestMarker?: string }).importTestMarker);
}

/**
 * Starts the reviewed import on the page and waits for its result: without
 * JavaScript the progress comes by the page's own refresh, with it live (the
 * same document all along). A small import may be done before its page
 * first loads, and then there is no progress to follow; import-resume.test.ts
 * follows a long one, strictly.
 */
export async function startAndAwaitResult(page: Page, js: boolean): Promise<Counts> {
  const response = await submit(page, startButton(page));
  if (response) expect(response.status()).toBe(303);
  await expectText(flash(page), "Import started.");
  if (js) await markDocument(page);
  const progressShown = await showsProgress(page);
  const ownRefresh = await hasOwnRefresh(page);
  const loads = await awaitResult(page);
  if (js) {
    expect(loads, "documents loaded while the import ran").toBe(0);
    expect(await documentMarker(page)).toBe("still here");
  } else if (progressShown) {
    expect(ownRefresh, "the progress page has its own refresh").toBe(true);
    expect(loads, "the page reloaded itself").toBeGreaterThan(0);
  }
  return resultCounts(page);
}

/** The names in the contact list, sorted. */
export async function allListedNames(page: Page): Promise<string[]> {
  await visit(page, "/contacts");
  return (await listedNames(page)).sort();
}

/** Clicks a link that downloads; saves the file in `dir` and returns the download, its text and its path. */
export async function download(page: Page, link: Locator, dir: string): Promise<{ download: Download; text: string; path: string }> {
  const [started] = await Promise.all([page.waitForEvent("download"), link.click()]);
  const path = join(dir, `${Date.now()}-${Math.random().toString(36).slice(2)}-${started.suggestedFilename()}`);
  await started.saveAs(path);
  return { download: started, text: readFileSync(path, "utf8"), path };
}

/** A download's headers (the download event has none): the same URL asked again, with the page's cookies. */
export async function downloadHeaders(page: Page, url: string): Promise<Record<string, string>> {
  const response = await page.request.get(url);
  expect(response.status()).toBe(200);
  const headers = response.headers();
  await response.dispose();
  return headers;
}

/** Asserts that `name` is `stem-YYYY-MM-DD.extension`, dated today (UTC, as the server dates it; or yesterday, for a run at midnight). */
export function expectDated(name: string, stem: string, extension: string): void {
  const date = new RegExp(`^${stem}-(\\d{4}-\\d{2}-\\d{2})\\.${extension}$`).exec(name)?.[1];
  expect(date, name).toBeDefined();
  const today = new Date().toISOString().slice(0, 10);
  const yesterday = new Date(Date.now() - 86_400_000).toISOString().slice(0, 10);
  expect([today, yesterday]).toContain(date);
}

/** A CSV download's records, after its UTF-8 byte order mark (checked). */
export function csvRecords(text: string): string[][] {
  expect(text.startsWith("\uFEFF"), "a UTF-8 byte order mark first").toBe(true);
  return parse(text.slice(1)) as string[][];
}

/** A vCard download's cards. */
export function vcards(text: string): string[] {
  return text.split(/(?=BEGIN:VCARD\r\n)/).filter(Boolean);
}
