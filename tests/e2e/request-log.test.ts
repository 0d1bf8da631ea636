import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { createDatabase } from "#db/database.server";
import { migrateToLatest } from "#db/migrate";
import { startServer, type RunningServer } from "./spawn-server";

// The request log (issue 15, decision 0042): one JSON line per request on
// stdout, with the route's pattern and never the path, query, cookies,
// passwords or form bodies; probes only at debug; LOG_LEVEL decides.

let dir: string;
let databaseUrl: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "cardfile-log-"));
  databaseUrl = `file:${join(dir, "log.sqlite")}`;
  const db = createDatabase(databaseUrl);
  try {
    await migrateToLatest(db);
  } finally {
    await db.destroy();
  }
});

afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

interface Line {
  time: string;
  level: string;
  pid: number;
  requestId: string;
  method: string;
  route: string;
  status: number;
  durationMs: number;
}

/** The JSON lines the server printed (its start-up line is plain text). */
function jsonLines(server: RunningServer): Line[] {
  return server
    .stdout()
    .split("\n")
    .filter((line) => line.startsWith("{"))
    .map((line) => JSON.parse(line) as Line);
}

const PASSWORD = "secret horse battery staple";
const SEARCH = "zanzibar-term";
const NAME = "Quintessa Marlowe";

/** Signs up, creates a contact, reads it, searches: what a person does, with personal data in every URL and body. */
async function browse(server: RunningServer): Promise<{ contactPath: string; cookie: string }> {
  const signup = await fetch(`${server.baseURL}/signup`, {
    method: "POST",
    body: new URLSearchParams({ email: "logged@example.com", password: PASSWORD }),
    redirect: "manual",
  });
  expect(signup.status).toBe(303);
  const cookie = signup.headers
    .getSetCookie()
    .map((c) => c.split(";")[0])
    .join("; ");
  const created = await fetch(`${server.baseURL}/contacts/new`, {
    method: "POST",
    headers: { cookie },
    body: new URLSearchParams({ name: NAME, email: "quintessa@example.com" }),
    redirect: "manual",
  });
  expect(created.status).toBe(303);
  const contactPath = new URL(created.headers.get("location")!, server.baseURL).pathname;
  expect((await fetch(server.baseURL + contactPath, { headers: { cookie } })).status).toBe(200);
  expect((await fetch(`${server.baseURL}/contacts?q=${SEARCH}`, { headers: { cookie } })).status).toBe(200);
  expect((await fetch(`${server.baseURL}/contacts.data?q=${SEARCH}`, { headers: { cookie } })).status).toBe(200);
  expect((await fetch(`${server.baseURL}/healthz`)).status).toBe(200);
  expect((await fetch(`${server.baseURL}/readyz`)).status).toBe(200);
  return { contactPath, cookie };
}

describe("the request log", () => {
  it("has one JSON line per request with the route pattern, status, duration and pid, and no personal data", async () => {
    const server = await startServer({ appDir: inject("appDir"), env: { DATABASE_URL: databaseUrl } });
    let visited: { contactPath: string; cookie: string };
    try {
      visited = await browse(server);
    } finally {
      expect(await server.stop()).toBe(0);
    }
    const lines = jsonLines(server);
    const routes = lines.map((l) => `${l.method} ${l.route} ${l.status}`);
    expect(routes).toEqual([
      "POST /signup 303",
      "POST /contacts/new 303",
      "GET /contacts/:contactId 200",
      "GET /contacts 200",
      "GET /contacts 200",
    ]);
    for (const line of lines) {
      expect(line.level).toBe("info");
      expect(line.pid).toBe(server.process.pid);
      expect(line.requestId).toMatch(/^[0-9a-f]{12}$/);
      expect(Date.parse(line.time)).not.toBeNaN();
      expect(line.durationMs).toBeGreaterThanOrEqual(0);
    }
    const all = server.stdout();
    for (const secret of [PASSWORD, SEARCH, NAME, "quintessa", "logged@example.com", visited.contactPath, visited.cookie.split("=")[1]!])
      expect(all, secret).not.toContain(secret);
  });

  it("logs probes at debug only, and nothing below LOG_LEVEL", async () => {
    const debug = await startServer({ appDir: inject("appDir"), env: { DATABASE_URL: databaseUrl, LOG_LEVEL: "debug" } });
    let requestId: string | null;
    try {
      expect((await fetch(`${debug.baseURL}/readyz`)).status).toBe(200);
      const login = await fetch(`${debug.baseURL}/login`);
      expect(login.status).toBe(200);
      requestId = login.headers.get("x-request-id");
    } finally {
      await debug.stop();
    }
    expect(jsonLines(debug).map((l) => `${l.level} ${l.route}`)).toEqual(["debug /readyz", "info /login"]);
    // The reference a person can quote from a page (X-Request-Id) finds its line.
    expect(jsonLines(debug)[1]?.requestId).toBe(requestId);

    const quiet = await startServer({ appDir: inject("appDir"), env: { DATABASE_URL: databaseUrl, LOG_LEVEL: "warn" } });
    try {
      expect((await fetch(`${quiet.baseURL}/login`)).status).toBe(200);
      expect((await fetch(`${quiet.baseURL}/no/such/page`)).status).toBe(404);
    } finally {
      await quiet.stop();
    }
    expect(jsonLines(quiet)).toEqual([]);
  });
});
