import Database from "better-sqlite3";
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { request as httpRequest } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pg from "pg";
import { afterAll, describe, expect, inject, it } from "vitest";
import { createDatabase } from "#db/database.server";
import { migrateToLatest } from "#db/migrate";
import { Outage } from "#tests/pg-outage";
import { startServer as spawnServer, type RunningServer } from "./spawn-server";

const ci = ["true", "1"].includes(String(process.env.CI).toLowerCase());
const POSTGRES_ADMIN_URL = process.env.TEST_POSTGRES_URL ?? "postgres://postgres@127.0.0.1:5432/postgres";
const dir = mkdtempSync(join(tmpdir(), "cardfile-faults-"));
const servers: RunningServer[] = [];
/** server.js over this run's private build, on a port of its own choosing. */
const startServer = (env: Record<string, string>) => spawnServer({ appDir: inject("appDir"), env });

afterAll(async () => {
  await Promise.all(servers.map((s) => s.stop(2_000)));
  rmSync(dir, { recursive: true, force: true });
});

async function signUp(server: RunningServer, email = `${randomBytes(4).toString("hex")}@example.com`): Promise<string> {
  const res = await fetch(`${server.baseURL}/signup`, {
    method: "POST",
    body: new URLSearchParams({ email, password: "correct horse battery" }),
    redirect: "manual",
  });
  expect(res.status).toBe(303);
  return res.headers
    .getSetCookie()
    .map((c) => c.split(";")[0])
    .join("; ");
}

async function migratedSqlite(name: string): Promise<string> {
  const url = `file:${join(dir, name)}`;
  const db = createDatabase(url);
  await migrateToLatest(db);
  await db.destroy();
  return url;
}

async function postgresReachable(): Promise<boolean> {
  const client = new pg.Client({ connectionString: POSTGRES_ADMIN_URL, connectionTimeoutMillis: 2_000 });
  try {
    await client.connect();
    await client.end();
    return true;
  } catch {
    return false;
  }
}

describe("database outage (PostgreSQL)", async () => {
  const available = await postgresReachable();
  if (!available && ci) throw new Error(`PostgreSQL at ${POSTGRES_ADMIN_URL} is required under CI`);

  it.runIf(available)("answers 503 with Retry-After within 2 s while Postgres is unreachable, and recovers by itself", async () => {
    const name = `cardfile_faults_${randomBytes(4).toString("hex")}`;
    const admin = new pg.Client({ connectionString: POSTGRES_ADMIN_URL });
    await admin.connect();
    await admin.query(`create database ${name}`);
    // Port 0: the relay picks a free port on its first up() and keeps it for the outage's ups and downs.
    const outage = new Outage();
    try {
      await outage.up();
      const url = new URL(POSTGRES_ADMIN_URL);
      url.port = String(outage.port);
      url.pathname = `/${name}`;
      const db = createDatabase(url.toString());
      await migrateToLatest(db);
      await db.destroy();
      const server = await startServer({ DATABASE_URL: url.toString() });
      servers.push(server);
      const cookie = await signUp(server);
      expect((await fetch(`${server.baseURL}/contacts`, { headers: { Cookie: cookie } })).status).toBe(200);

      await outage.down();
      for (const path of ["/contacts", "/contacts.data"]) {
        const started = performance.now();
        const res = await fetch(server.baseURL + path, { headers: { Cookie: cookie } });
        const elapsed = performance.now() - started;
        expect(res.status, path).toBe(503);
        expect(res.headers.get("retry-after")).toBe("5");
        expect(elapsed, `${path} took ${elapsed} ms`).toBeLessThan(2_000);
        console.log(`database down: ${path} answered ${res.status} in ${elapsed.toFixed(0)} ms`);
        const body = await res.text();
        if (path === "/contacts") expect(body).toContain("briefly unavailable");
        expect(body).not.toMatch(/ECONNREFUSED|Connection terminated| {4}at /);
      }
      const write = await fetch(`${server.baseURL}/contacts/new`, {
        method: "POST",
        body: new URLSearchParams({ name: "Lost?", email: "lost@example.com" }),
        headers: { Cookie: cookie },
        redirect: "manual",
      });
      expect(write.status).toBe(503);
      expect((await fetch(`${server.baseURL}/readyz`)).status).toBe(503);

      // A server that accepts connections but never answers: the connection timeout decides.
      await outage.hang();
      {
        const started = performance.now();
        const res = await fetch(`${server.baseURL}/contacts`, { headers: { Cookie: cookie } });
        const elapsed = performance.now() - started;
        expect(res.status).toBe(503);
        expect(elapsed).toBeLessThan(2_000);
        console.log(`database hanging: /contacts answered ${res.status} in ${elapsed.toFixed(0)} ms`);
      }
      // Readiness says so within its 1 s budget (a load balancer takes the instance out); liveness does not care.
      {
        const started = performance.now();
        const ready = await fetch(`${server.baseURL}/readyz`);
        const elapsed = performance.now() - started;
        expect(ready.status).toBe(503);
        expect(elapsed).toBeGreaterThanOrEqual(900);
        expect(elapsed).toBeLessThan(2_000);
        expect((await fetch(`${server.baseURL}/healthz`)).status).toBe(200);
        console.log(`database hanging: /readyz answered 503 in ${elapsed.toFixed(0)} ms`);
      }
      await outage.down();

      await outage.up();
      let status = 0;
      for (let i = 0; i < 30 && status !== 200; i++) {
        status = (await fetch(`${server.baseURL}/contacts`, { headers: { Cookie: cookie } })).status;
        if (status !== 200) await new Promise((r) => setTimeout(r, 200));
      }
      expect(status).toBe(200);
      expect((await fetch(`${server.baseURL}/readyz`)).status).toBe(200);
      expect(server.process.exitCode).toBeNull(); // no restart was needed
      const check = new pg.Client({ connectionString: POSTGRES_ADMIN_URL.replace(/\/[^/]*$/, `/${name}`) });
      await check.connect();
      expect((await check.query("select count(*)::int as n from contacts")).rows[0].n).toBe(0);
      await check.end();
    } finally {
      await Promise.all(servers.splice(0).map((s) => s.stop(2_000)));
      await outage.down();
      await admin.query(`drop database if exists ${name} with (force)`);
      await admin.end();
    }
  });
});

describe("shutdown", () => {
  it("on SIGTERM stops accepting, finishes the request in flight, and exits 0", async () => {
    const server = await startServer({ DATABASE_URL: await migratedSqlite("sigterm.sqlite") });
    servers.push(server);
    const cookie = await signUp(server);
    const url = new URL(`${server.baseURL}/contacts/new`);
    const body = new URLSearchParams({ name: "In Flight", email: "inflight@example.com" }).toString();

    // A create whose body arrives slowly: it is in flight when SIGTERM comes.
    const response = new Promise<number>((resolve, reject) => {
      const req = httpRequest(
        {
          host: url.hostname,
          port: url.port,
          path: url.pathname,
          method: "POST",
          headers: { Cookie: cookie, "Content-Type": "application/x-www-form-urlencoded", "Content-Length": Buffer.byteLength(body) },
        },
        (res) => {
          res.resume();
          resolve(res.statusCode!);
        },
      );
      req.on("error", reject);
      req.write(body.slice(0, 10));
      setTimeout(() => req.end(body.slice(10)), 1_000);
    });
    await new Promise((r) => setTimeout(r, 200));
    const termAt = performance.now();
    const exit = server.stop();
    await new Promise((r) => setTimeout(r, 200));
    await expect(fetch(`${server.baseURL}/login`)).rejects.toThrow(); // no new connections
    expect(await response).toBe(303);
    expect(await exit).toBe(0);
    console.log(`SIGTERM to exit: ${(performance.now() - termAt).toFixed(0)} ms`);
    expect(server.logs()).toContain("SIGTERM");
  });
});

describe("crash safety (SQLite)", () => {
  it("kill -9 during a stream of creates loses no acknowledged write", async () => {
    const url = await migratedSqlite("crash.sqlite");
    const server = await startServer({ DATABASE_URL: url });
    servers.push(server);
    const cookies = await Promise.all([signUp(server), signUp(server), signUp(server)]);
    const acknowledged: string[] = [];
    let killed = false;

    const writer = async (cookie: string, w: number) => {
      for (let i = 0; !killed; i++) {
        try {
          const res = await fetch(`${server.baseURL}/contacts/new`, {
            method: "POST",
            body: new URLSearchParams({ name: `Writer ${w} #${i}`, email: `w${w}-${i}@example.com` }),
            headers: { Cookie: cookie },
            redirect: "manual",
          });
          if (res.status === 303) acknowledged.push(res.headers.get("location")!.split("/").pop()!);
          else if (res.status === 429) await new Promise((r) => setTimeout(r, 50));
        } catch {
          return; // the server died mid-request: that write was never acknowledged
        }
      }
    };
    const writers = cookies.map((cookie, w) => writer(cookie, w));
    await new Promise((r) => setTimeout(r, 1_500));
    killed = true;
    server.process.kill("SIGKILL");
    await Promise.all(writers);
    expect(acknowledged.length).toBeGreaterThan(20);

    const sqlite = new Database(url.replace(/^file:/, ""));
    try {
      expect(sqlite.pragma("integrity_check", { simple: true })).toBe("ok");
      const stored = new Set(sqlite.prepare("select id from contacts").pluck().all() as string[]);
      const lost = acknowledged.filter((id) => !stored.has(id));
      expect(lost).toEqual([]);
    } finally {
      sqlite.close();
    }

    // And the app starts again on the same file.
    const again = await startServer({ DATABASE_URL: url });
    servers.push(again);
    expect((await fetch(`${again.baseURL}/contacts`, { headers: { Cookie: cookies[0]! } })).status).toBe(200);
  });
});
