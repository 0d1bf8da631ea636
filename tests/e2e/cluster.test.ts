import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { createDatabase } from "#db/database.server";
import { migrateToLatest } from "#db/migrate";
import { startServer, type RunningServer } from "./spawn-server";

// WEB_CONCURRENCY=2 (issue 15, decision 0040): two workers on one port and
// one SQLite file, a session good on both, a dead worker replaced, and one
// SIGTERM that stops them all.

let dir: string;
let server: RunningServer;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "cardfile-cluster-"));
  const databaseUrl = `file:${join(dir, "cluster.sqlite")}`;
  const db = createDatabase(databaseUrl);
  try {
    await migrateToLatest(db);
  } finally {
    await db.destroy();
  }
  server = await startServer({ appDir: inject("appDir"), env: { DATABASE_URL: databaseUrl, WEB_CONCURRENCY: "2" } });
});

afterAll(async () => {
  await server?.stop();
  rmSync(dir, { recursive: true, force: true });
});

/** The pids of the workers that said they listen, in order. */
function workerPids(): number[] {
  return [...server.stdout().matchAll(/^Cardfile listening on .*\(worker (\d+)\)$/gm)].map((m) => Number(m[1]));
}

async function until<T>(read: () => T, ok: (value: T) => boolean, timeoutMs = 15_000): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const value = read();
    if (ok(value)) return value;
    if (Date.now() > end) throw new Error(`not there after ${timeoutMs} ms: ${JSON.stringify(value)}\n${server.logs()}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

describe("WEB_CONCURRENCY=2", () => {
  it("runs two workers on one port; a session made on one is good on every request; a killed worker is replaced; SIGTERM stops all and exits 0", async () => {
    expect(server.stdout()).toContain("Cardfile: starting 2 workers (WEB_CONCURRENCY)");
    const pids = await until(workerPids, (p) => p.length === 2);
    expect(new Set(pids).size).toBe(2);
    expect(pids).not.toContain(server.process.pid);

    const signup = await fetch(`${server.baseURL}/signup`, {
      method: "POST",
      body: new URLSearchParams({ email: `cluster-${Date.now()}@example.test`, password: "correct horse battery" }),
      headers: { "Content-Type": "application/x-www-form-urlencoded" },
      redirect: "manual",
    });
    expect(signup.status).toBe(303);
    const cookie = signup.headers
      .getSetCookie()
      .map((c) => c.split(";")[0])
      .join("; ");
    // New connections each (no keep-alive): the primary hands them to both workers.
    const statuses = await Promise.all(
      Array.from({ length: 40 }, () =>
        fetch(`${server.baseURL}/contacts`, { headers: { Cookie: cookie, Connection: "close" } }).then(
          async (r) => (await r.arrayBuffer(), r.status),
        ),
      ),
    );
    expect(new Set(statuses)).toEqual(new Set([200]));

    // A worker that dies is replaced. (A connection the primary handed it as it died is reset: only those.)
    process.kill(pids[0]!, "SIGKILL");
    const after = await until(workerPids, (p) => p.length === 3);
    const again = await Promise.all(
      Array.from({ length: 20 }, () => fetch(`${server.baseURL}/healthz`, { headers: { Connection: "close" } }).then((r) => r.status)),
    );
    expect(new Set(again)).toEqual(new Set([200]));
    expect(server.logs()).toMatch(new RegExp(`worker ${pids[0]} exited \\(SIGKILL\\); starting another`));
    expect(alive(after[2]!)).toBe(true);
    expect((await fetch(`${server.baseURL}/readyz`, { headers: { Connection: "close" } })).status).toBe(200);

    server.process.kill("SIGTERM");
    const { code } = await server.exited;
    expect(code).toBe(0);
    for (const pid of [pids[1]!, after[2]!]) expect(alive(pid), `worker ${pid}`).toBe(false);
  });
});
