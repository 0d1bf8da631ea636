import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { startServer, type RunningServer } from "./spawn-server";

// The production build (the e2e global setup's private one) against a database that
// was never migrated: every query fails with SQL in its message. The pages
// must say only that something went wrong, with a request id that matches
// exactly one log line, and never show a stack trace or SQL.
describe("server errors in production", () => {
  let server: RunningServer;
  let baseURL: string;
  const logs = () => server.logs();
  const dir = mkdtempSync(join(tmpdir(), "cardfile-errors-"));

  beforeAll(async () => {
    server = await startServer({ appDir: inject("appDir"), env: { DATABASE_URL: `file:${join(dir, "unmigrated.sqlite")}` } });
    baseURL = server.baseURL;
  });

  afterAll(async () => {
    await server?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it("renders a 500 page in the layout with a request id, and logs the error once under that id", async () => {
    const res = await fetch(`${baseURL}/contacts`, { headers: { Cookie: "cardfile_session=anything" } });
    expect(res.status).toBe(500);
    const html = await res.text();
    const id = res.headers.get("X-Request-Id");
    expect(id).toMatch(/^[0-9a-f]{12}$/);
    expect(html).toContain("Something went wrong");
    expect(html).toContain(`<code>${id}</code>`);
    expect(html).toContain('class="site-header"');
    for (const leak of ["no such table", "SqliteError", "select", "sessions", "node_modules", "    at "]) {
      expect(html).not.toContain(leak);
    }
    await new Promise((r) => setTimeout(r, 100));
    const lines = logs()
      .split("\n")
      .filter((line) => line.includes(`[request ${id}]`));
    expect(lines, logs()).toHaveLength(1);
    expect(lines[0]).toContain("GET /contacts failed");
    expect(logs()).toContain("no such table");
  });

  it("does not leak SQL through data requests either", async () => {
    const res = await fetch(`${baseURL}/contacts.data`, { headers: { Cookie: "cardfile_session=anything" } });
    expect(res.status).toBe(500);
    const body = await res.text();
    expect(body).not.toContain("no such table");
    expect(body).not.toContain("    at ");
  });

  it("answers an unknown URL with a 404 page and does not log it as an error", async () => {
    const before = logs();
    const res = await fetch(`${baseURL}/no/such/page`);
    expect(res.status).toBe(404);
    expect(await res.text()).toContain("Not found");
    await new Promise((r) => setTimeout(r, 100));
    expect(logs().slice(before.length)).not.toContain("[request");
  });
});
