import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { createDatabase } from "#db/database.server";
import { migrateToLatest } from "#db/migrate";
import { startServer, type RunningServer } from "./spawn-server";

// A server with no SMTP_URL (the zero-config `npm start`) and a PUBLIC_URL:
// the start-up line says where mail goes, messages are written to the log
// whole, and their links come from PUBLIC_URL whatever Host or
// X-Forwarded-Host the request carried (decision 0038).

const PUBLIC_URL = "https://cardfile.example.com";
let server: RunningServer;
let dir: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "cardfile-mail-setup-"));
  const databaseUrl = `file:${join(dir, "mail.sqlite")}`;
  const db = createDatabase(databaseUrl);
  try {
    await migrateToLatest(db);
  } finally {
    await db.destroy();
  }
  server = await startServer({ appDir: inject("appDir"), env: { DATABASE_URL: databaseUrl, PUBLIC_URL, TRUST_PROXY: "loopback" } });
});

afterAll(async () => {
  await server?.stop();
  rmSync(dir, { recursive: true, force: true });
});

/** A POST as a script sends it: no Origin (nothing for the cross-origin check to compare), whatever headers it likes. */
async function post(path: string, form: Record<string, string>, headers: Record<string, string> = {}) {
  const res = await fetch(server.baseURL + path, {
    method: "POST",
    body: new URLSearchParams(form),
    headers: { "Content-Type": "application/x-www-form-urlencoded", ...headers },
    redirect: "manual",
  });
  await res.arrayBuffer();
  return res;
}

describe("mail without SMTP_URL", () => {
  it("says so at start-up, writes each message to the log, and links to PUBLIC_URL, never to the request's host", async () => {
    expect(server.stdout()).toMatch(
      /^Cardfile listening on http:\/\/127\.0\.0\.1:\d+; mail written to this log \(no SMTP_URL\), links to https:\/\/cardfile\.example\.com$/m,
    );
    const email = `log-${Date.now()}@example.test`;
    expect((await post("/signup", { email, password: "correct horse battery" })).status).toBe(303);
    const asked = await post("/forgot-password", { email }, { "X-Forwarded-Host": "evil.example", "X-Forwarded-Proto": "https" });
    expect(asked.status).toBe(303);
    const until = Date.now() + 10_000;
    while (!server.stdout().includes(`to ${email}: Choose a new Cardfile password`)) {
      if (Date.now() > until) throw new Error(`no message in the log:\n${server.logs()}`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    const logged = server.stdout().slice(server.stdout().indexOf(`to ${email}:`));
    expect(logged).toMatch(/^to .+: Choose a new Cardfile password\nHello,/);
    expect(logged).toMatch(/\nhttps:\/\/cardfile\.example\.com\/reset-password\?token=[A-Za-z0-9_-]{43}\n/);
    expect(logged).not.toContain("evil.example");
    expect(server.stdout()).not.toMatch(/https?:\/\/(evil\.example|127\.0\.0\.1)[^\s]*reset-password/);
  });
});
