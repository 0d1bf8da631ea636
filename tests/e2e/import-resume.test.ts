import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Page } from "playwright-core";
import { afterAll, expect, inject, test } from "vitest";
import { createDatabase } from "#db/database.server";
import { migrateToLatest } from "#db/migrate";
import { PASSWORD, expectText, flash, submit, uniqueEmail, useBrowser, visit } from "./browser";
import {
  awaitResult,
  documentMarker,
  hasOwnRefresh,
  importFacts,
  markDocument,
  resultCounts,
  showsProgress,
  startButton,
  storedData,
  uploadForReview,
} from "./imports";
import { startServer, type RunningServer } from "./spawn-server";

// An import is a job in the server process (app/imports/import-job.server.ts):
// stopped by SIGTERM while it runs, it hands itself back, and the next start
// of the server goes on where it stopped, each row imported once. On a server
// and a database of this file's own (it stops a server). The pages of the
// resumed import are where the progress is followed strictly: the page's own
// refresh without JavaScript, live with it.

const open = useBrowser();

/** Rows enough that the import runs for a while (about 20,000 a second here), on both sides of the restart. */
const ROWS = 40_000;

const dir = mkdtempSync(join(tmpdir(), "cardfile-import-resume-"));
const servers: RunningServer[] = [];
afterAll(async () => {
  await Promise.all(servers.map((server) => server.stop(5_000)));
  rmSync(dir, { recursive: true, force: true });
});

/** A Google Contacts CSV of `rows` people, each with their own email. */
function googleCsv(rows: number): string {
  const lines = ["First Name,Last Name,E-mail 1 - Value,Organization Name,Phone 1 - Value,Notes"];
  for (let i = 0; i < rows; i++) {
    lines.push(`Person ${i},Bulk,person-${i}@bulk.example,Bulk Co,+1 555 ${String(i).padStart(7, "0")},"Row ${i}, generated"`);
  }
  return `${lines.join("\r\n")}\r\n`;
}

/** Signs the page's context in on `origin` (sign-up or login); the session is in the database, so it holds on the restarted server too. */
async function signIn(page: Page, origin: string, path: "/signup" | "/login", email: string): Promise<void> {
  const response = await page.request.post(`${origin}${path}`, {
    form: { email, password: PASSWORD },
    headers: { Origin: origin },
    maxRedirects: 0,
  });
  expect(response.status(), await response.text()).toBe(303);
}

test("an import stopped by SIGTERM while it runs goes on after the restart, ends done with exact counts, each contact once", async () => {
  const databaseUrl = `file:${join(dir, "resume.sqlite")}`;
  const migrated = createDatabase(databaseUrl);
  await migrateToLatest(migrated);
  await migrated.destroy();
  const file = join(dir, "many-contacts.csv");
  writeFileSync(file, googleCsv(ROWS));
  const serve = async () => {
    const server = await startServer({ appDir: inject("appDir"), env: { DATABASE_URL: databaseUrl } });
    servers.push(server);
    return server;
  };

  let server = await serve();
  const email = uniqueEmail("resume");
  const offline = await open({ javaScriptEnabled: false });
  const live = await open({ javaScriptEnabled: true });
  await signIn(offline.page, server.baseURL, "/signup", email);
  await signIn(live.page, server.baseURL, "/login", email);

  const id = await uploadForReview(offline.page, file, server.baseURL);
  expect(await importFacts(offline.page)).toMatchObject({ Format: "Google Contacts (CSV), separated by commas", Encoding: "UTF-8" });
  const started = await submit(offline.page, startButton(offline.page));
  expect(started!.status()).toBe(303);
  await expectText(flash(offline.page), "Import started.");
  expect(await showsProgress(offline.page)).toBe(true);
  // Away from the page before the server goes (its refresh would find no server).
  await offline.page.goto("about:blank");

  // Stop the server once the import has taken a batch or more: its contacts and its progress are in.
  const stored = storedData(databaseUrl);
  const progress = () =>
    stored.sqlite.prepare("select state, records_done as done, created_count as created from imports where id = ?").get(id) as {
      state: string;
      done: number;
      created: number;
    };
  try {
    await expect.poll(() => progress().done > 0, { interval: 5, timeout: 20_000 }).toBe(true);
    const stopping = performance.now();
    expect(await server.stop()).toBe(0);
    const stoppedAt = progress();
    console.log(`import stopped by SIGTERM at ${stoppedAt.done} of ${ROWS} rows, in ${(performance.now() - stopping).toFixed(0)} ms`);
    expect(server.logs()).toMatch(/import job \S+ handed back/);
    expect(stoppedAt.state, "the import was still running when the server stopped").toBe("running");
    expect(stoppedAt.done, `the import ended before the server stopped: make ROWS bigger than ${ROWS}`).toBeLessThan(ROWS);
    // What it took is in, exactly: each batch's contacts commit with its progress.
    expect(stoppedAt.created).toBe(stoppedAt.done);
    expect(stored.contacts(email)).toHaveLength(stoppedAt.done);

    server = await serve();
    const page = `${server.baseURL}/contacts/import/${id}`;
    await Promise.all([visit(offline.page, page), visit(live.page, page)]);
    const label = `the resumed import was done before its page loaded: make ROWS bigger than ${ROWS}`;
    expect(await showsProgress(offline.page), label).toBe(true);
    expect(await showsProgress(live.page), label).toBe(true);
    // It goes on from where it stopped, not from the start.
    const shownDone = Number(
      (/([\d,]+) rows read so far/.exec(await offline.page.locator(".import-progress").innerText())?.[1] ?? "").replace(/,/g, ""),
    );
    expect(shownDone).toBeGreaterThanOrEqual(stoppedAt.done);
    expect(await hasOwnRefresh(offline.page)).toBe(true);
    expect(await hasOwnRefresh(live.page)).toBe(false);
    await markDocument(live.page);

    const [offlineLoads, liveLoads] = await Promise.all([awaitResult(offline.page), awaitResult(live.page)]);
    expect(offlineLoads, "without JavaScript the page reloaded itself").toBeGreaterThan(0);
    expect(liveLoads, "with JavaScript the page followed the import live").toBe(0);
    expect(await documentMarker(live.page)).toBe("still here");
    const counts = { created: ROWS, updated: 0, skipped: 0, rejected: 0 };
    expect(await resultCounts(offline.page)).toEqual(counts);
    expect(await resultCounts(live.page)).toEqual(counts);

    expect(progress()).toEqual({ state: "done", done: ROWS, created: ROWS });
    const ownerId = stored.ownerIdOf(email);
    const contacts = stored.sqlite
      .prepare("select count(*) as rows, count(distinct email_key) as emails from contacts where owner_id = ? and deleted_at is null")
      .get(ownerId);
    expect(contacts).toEqual({ rows: ROWS, emails: ROWS });
  } finally {
    stored.close();
  }
});
