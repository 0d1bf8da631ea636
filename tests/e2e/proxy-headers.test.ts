import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { createDatabase } from "#db/database.server";
import { migrateToLatest } from "#db/migrate";
import { PASSWORD, uniqueEmail } from "./browser";
import { startServer, type RunningServer } from "./spawn-server";

// X-Forwarded-* is believed only under TRUST_PROXY (decision 0028). The
// server decides once whether a request came over HTTPS (Express's
// req.protocol, which follows `trust proxy`), and the session cookie's
// Secure, HSTS and the origin check all follow that one decision. Before,
// the cookie code read X-Forwarded-Proto itself: with TRUST_PROXY off, a
// client's own `X-Forwarded-Proto: https` made its session cookie Secure,
// so over plain HTTP it could not stay signed in, while the origin check
// (rightly) ignored the header.

type Server = RunningServer;

/** A sign-up from a client that says it came over HTTPS; `origin` is the Origin its browser would send. */
function signUp(server: Server, { origin, forwardedProto }: { origin: string; forwardedProto?: string }) {
  const headers: Record<string, string> = { Origin: origin, "Content-Type": "application/x-www-form-urlencoded" };
  if (forwardedProto) headers["X-Forwarded-Proto"] = forwardedProto;
  return fetch(`${server.baseURL}/signup`, {
    method: "POST",
    headers,
    body: new URLSearchParams({ email: uniqueEmail("proxy"), password: PASSWORD }),
    redirect: "manual",
  });
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
  const start = (TRUST_PROXY: string) => startServer({ appDir: inject("appDir"), env: { TRUST_PROXY, DATABASE_URL: databaseUrl } });
  [untrusting, trusting] = await Promise.all([start("false"), start("loopback")]);
});

afterAll(async () => {
  await Promise.all([untrusting?.stop(), trusting?.stop()]);
  rmSync(dir, { recursive: true, force: true });
});

describe("with TRUST_PROXY off, X-Forwarded-Proto is the client's word, and changes nothing", () => {
  it("keeps the session cookie without Secure and sends no HSTS, so the client stays signed in over HTTP", async () => {
    const res = await signUp(untrusting!, { origin: untrusting!.baseURL, forwardedProto: "https" });
    expect(res.status).toBe(303);
    const cookie = sessionCookie(res);
    expect(cookie).toBeDefined();
    expect(cookie).not.toMatch(/;\s*Secure/i);
    expect(res.headers.getSetCookie().filter((c) => /;\s*Secure/i.test(c))).toEqual([]);
    expect(res.headers.get("strict-transport-security")).toBeNull();
    // The next page over HTTP, with the cookie a browser keeps for HTTP: still signed in.
    const next = await fetch(`${untrusting!.baseURL}/contacts`, { headers: { Cookie: cookie!.split(";")[0]! }, redirect: "manual" });
    expect(next.status).toBe(200);
  });

  it("checks the origin against http, as it always did", async () => {
    expect((await signUp(untrusting!, { origin: https(untrusting!.baseURL), forwardedProto: "https" })).status).toBe(403);
  });
});

describe("with TRUST_PROXY set, a trusted proxy's X-Forwarded-Proto decides for cookies, HSTS and the origin check alike", () => {
  it("makes the session cookie Secure and sends HSTS over HTTPS", async () => {
    const res = await signUp(trusting!, { origin: https(trusting!.baseURL), forwardedProto: "https" });
    expect(res.status).toBe(303);
    expect(sessionCookie(res)).toMatch(/;\s*Secure/i);
    expect(res.headers.get("strict-transport-security")).toMatch(/^max-age=\d+/);
  });

  it("refuses an http Origin when the proxy says https, and takes plain HTTP as HTTP", async () => {
    expect((await signUp(trusting!, { origin: trusting!.baseURL, forwardedProto: "https" })).status).toBe(403);
    const plain = await signUp(trusting!, { origin: trusting!.baseURL });
    expect(plain.status).toBe(303);
    expect(sessionCookie(plain)).not.toMatch(/;\s*Secure/i);
    expect(plain.headers.get("strict-transport-security")).toBeNull();
  });
});
