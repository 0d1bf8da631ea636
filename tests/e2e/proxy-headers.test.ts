import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { createDatabase } from "#db/database.server";
import { migrateToLatest } from "#db/migrate";
import { PASSWORD, uniqueEmail } from "./browser";

// X-Forwarded-* is believed only under TRUST_PROXY (decision 0028). The
// server decides once whether a request came over HTTPS (Express's
// req.protocol, which follows `trust proxy`), and the session cookie's
// Secure, HSTS and the origin check all follow that one decision. Before,
// the cookie code read X-Forwarded-Proto itself: with TRUST_PROXY off, a
// client's own `X-Forwarded-Proto: https` made its session cookie Secure,
// so over plain HTTP it could not stay signed in, while the origin check
// (rightly) ignored the header.

const repoRoot = fileURLToPath(new URL("../..", import.meta.url));
/** Where the e2e build is: the global setup's private folder when it provides one, else the checkout's build/. */
const appDir = (inject as unknown as (key: string) => string | undefined)("appDir") ?? repoRoot;

interface Server {
  url: string;
  child: ChildProcess;
  output: () => string;
}

/** server.js over the e2e build, in production, on a free port it picks itself (PORT=0). */
async function startServer(trustProxy: string, databaseUrl: string): Promise<Server> {
  let output = "";
  const child = spawn(process.execPath, [join(repoRoot, "server.js")], {
    cwd: appDir,
    env: { PATH: process.env.PATH, HOME: process.env.HOME, NODE_ENV: "production", HOST: "127.0.0.1", PORT: "0", TRUST_PROXY: trustProxy, DATABASE_URL: databaseUrl },
    stdio: ["ignore", "pipe", "pipe"],
  });
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`server.js did not start:\n${output}`)), 30_000);
    const read = (chunk: Buffer) => {
      output += chunk.toString();
      const listening = /Cardfile listening on (http:\/\/\S+)\r?\n/.exec(output);
      if (listening) {
        clearTimeout(timer);
        resolve(listening[1]!);
      }
    };
    child.stdout!.on("data", read);
    child.stderr!.on("data", (chunk: Buffer) => (output += chunk.toString()));
    child.once("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`server.js exited (${code}):\n${output}`));
    });
  });
  return { url, child, output: () => output };
}

function stop(server: Server | undefined): Promise<void> {
  return new Promise((done) => {
    if (!server || server.child.exitCode !== null || server.child.signalCode !== null) return done();
    const force = setTimeout(() => server.child.kill("SIGKILL"), 10_000);
    server.child.once("exit", () => {
      clearTimeout(force);
      done();
    });
    server.child.kill("SIGTERM");
  });
}

/** A sign-up from a client that says it came over HTTPS; `origin` is the Origin its browser would send. */
function signUp(server: Server, { origin, forwardedProto }: { origin: string; forwardedProto?: string }) {
  const headers: Record<string, string> = { Origin: origin, "Content-Type": "application/x-www-form-urlencoded" };
  if (forwardedProto) headers["X-Forwarded-Proto"] = forwardedProto;
  return fetch(`${server.url}/signup`, { method: "POST", headers, body: new URLSearchParams({ email: uniqueEmail("proxy"), password: PASSWORD }), redirect: "manual" });
}

const sessionCookie = (res: Response) => res.headers.getSetCookie().find((c) => c.startsWith("cardfile_session="));
const https = (url: string) => url.replace(/^http:/, "https:");

const dir = mkdtempSync(join(tmpdir(), "cardfile-proxy-"));
let untrusting: Server | undefined;
let trusting: Server | undefined;

beforeAll(async () => {
  const databaseUrl = `file:${join(dir, "proxy.sqlite")}`;
  const db = createDatabase(databaseUrl);
  try {
    await migrateToLatest(db);
  } finally {
    await db.destroy();
  }
  [untrusting, trusting] = await Promise.all([startServer("false", databaseUrl), startServer("loopback", databaseUrl)]);
});

afterAll(async () => {
  await Promise.all([stop(untrusting), stop(trusting)]);
  rmSync(dir, { recursive: true, force: true });
});

describe("with TRUST_PROXY off, X-Forwarded-Proto is the client's word, and changes nothing", () => {
  it("keeps the session cookie without Secure and sends no HSTS, so the client stays signed in over HTTP", async () => {
    const res = await signUp(untrusting!, { origin: untrusting!.url, forwardedProto: "https" });
    expect(res.status).toBe(303);
    const cookie = sessionCookie(res);
    expect(cookie).toBeDefined();
    expect(cookie).not.toMatch(/;\s*Secure/i);
    expect(res.headers.getSetCookie().filter((c) => /;\s*Secure/i.test(c))).toEqual([]);
    expect(res.headers.get("strict-transport-security")).toBeNull();
    // The next page over HTTP, with the cookie a browser keeps for HTTP: still signed in.
    const next = await fetch(`${untrusting!.url}/contacts`, { headers: { Cookie: cookie!.split(";")[0]! }, redirect: "manual" });
    expect(next.status).toBe(200);
  });

  it("checks the origin against http, as it always did", async () => {
    expect((await signUp(untrusting!, { origin: https(untrusting!.url), forwardedProto: "https" })).status).toBe(403);
  });
});

describe("with TRUST_PROXY set, a trusted proxy's X-Forwarded-Proto decides for cookies, HSTS and the origin check alike", () => {
  it("makes the session cookie Secure and sends HSTS over HTTPS", async () => {
    const res = await signUp(trusting!, { origin: https(trusting!.url), forwardedProto: "https" });
    expect(res.status).toBe(303);
    expect(sessionCookie(res)).toMatch(/;\s*Secure/i);
    expect(res.headers.get("strict-transport-security")).toMatch(/^max-age=\d+/);
  });

  it("refuses an http Origin when the proxy says https, and takes plain HTTP as HTTP", async () => {
    expect((await signUp(trusting!, { origin: trusting!.url, forwardedProto: "https" })).status).toBe(403);
    const plain = await signUp(trusting!, { origin: trusting!.url });
    expect(plain.status).toBe(303);
    expect(sessionCookie(plain)).not.toMatch(/;\s*Secure/i);
    expect(plain.headers.get("strict-transport-security")).toBeNull();
  });
});
