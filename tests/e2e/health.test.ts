import { mkdtempSync, rmSync } from "node:fs";
import net from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { createDatabase } from "#db/database.server";
import { migrateToLatest } from "#db/migrate";
import { startServer, type RunningServer } from "./spawn-server";

// Liveness and readiness for a load balancer, and the drain on SIGTERM
// (issue 15). The database outage's /readyz is in faults.test.ts.

let dir: string;
let databaseUrl: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "cardfile-health-"));
  databaseUrl = `file:${join(dir, "health.sqlite")}`;
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

/** A request as a bare probe sends it, on a raw socket: the status line and body it got. */
function probe(port: number, raw: string): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, "127.0.0.1", () => socket.write(raw));
    let answer = "";
    socket.setEncoding("latin1");
    socket.on("data", (chunk: string) => (answer += chunk));
    socket.on("end", () => resolve({ status: Number(answer.split(" ")[1]), text: answer }));
    socket.on("error", reject);
  });
}

describe("health probes", () => {
  let server: RunningServer;
  beforeAll(async () => {
    server = await startServer({ appDir: inject("appDir"), env: { DATABASE_URL: databaseUrl } });
  });
  afterAll(async () => {
    await server?.stop();
  });

  it("answers /healthz and /readyz with 200, uncached, to fetch and to HTTP/1.0 without a Host header", async () => {
    for (const path of ["/healthz", "/readyz"]) {
      const res = await fetch(server.baseURL + path);
      expect(res.status, path).toBe(200);
      expect(res.headers.get("cache-control")).toBe("no-store");
      expect(res.headers.get("x-content-type-options")).toBe("nosniff");
      expect(await res.text()).toMatch(/^(ok|ready)\n$/);
      const bare = await probe(server.port, `GET ${path} HTTP/1.0\r\n\r\n`);
      expect(bare.status, `HTTP/1.0 ${path}`).toBe(200);
      expect((await probe(server.port, `HEAD ${path} HTTP/1.0\r\n\r\n`)).status).toBe(200);
    }
  });

  it("is never rate limited and never logged: 300 probes in a row, all 200, no line printed", async () => {
    const before = server.logs().length;
    const statuses = await Promise.all(
      Array.from({ length: 300 }, (_, i) => fetch(`${server.baseURL}/${i % 2 ? "healthz" : "readyz"}`).then((r) => r.status)),
    );
    expect(new Set(statuses)).toEqual(new Set([200]));
    expect(server.logs().length).toBe(before);
  });
});

describe("SIGTERM", () => {
  it("turns /readyz to 503 at once, serves on for SHUTDOWN_GRACE_MS, then stops accepting and exits 0", async () => {
    const grace = 1_500;
    const server = await startServer({ appDir: inject("appDir"), env: { DATABASE_URL: databaseUrl, SHUTDOWN_GRACE_MS: String(grace) } });
    try {
      const termAt = performance.now();
      server.process.kill("SIGTERM");
      await new Promise((resolve) => setTimeout(resolve, 100));
      expect((await fetch(`${server.baseURL}/readyz`)).status).toBe(503);
      // Still serving while the load balancer drains it: probes and pages alike.
      expect((await fetch(`${server.baseURL}/healthz`)).status).toBe(200);
      expect((await fetch(`${server.baseURL}/login`)).status).toBe(200);
      const { code } = await server.exited;
      const stoppedAfter = performance.now() - termAt;
      expect(code).toBe(0);
      expect(stoppedAfter).toBeGreaterThanOrEqual(grace);
      await expect(fetch(`${server.baseURL}/healthz`)).rejects.toThrow();
      expect(server.logs()).toContain(`SIGTERM: not ready; serving for ${grace} ms more`);
      console.log(`SIGTERM with a ${grace} ms grace: exited 0 after ${stoppedAfter.toFixed(0)} ms`);
    } finally {
      await server.stop(2_000);
    }
  });
});
