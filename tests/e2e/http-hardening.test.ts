import { mkdtempSync, rmSync } from "node:fs";
import { request as httpRequest } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { newId } from "#app/shared/ids";
import { createDatabase } from "#db/database.server";
import { migrateToLatest } from "#db/migrate";
import { fillPattern, isCatchAll, type AppRoute } from "./routes";
import { startServer as spawnServer, type RunningServer } from "./spawn-server";

// server.js as a browser and an attacker see it: headers on every kind of
// response, and the refusals it makes before Remix reads anything. The
// routes come from the build's manifest, so a new route is covered as well.
const dir = mkdtempSync(join(tmpdir(), "cardfile-http-"));
/** server.js over this run's private build, on a port of its own choosing. */
const startServer = (env: Record<string, string>) => spawnServer({ appDir: inject("appDir"), env });
const routes: AppRoute[] = inject("routes");
const actionRoutes = routes.filter((r) => r.action);
/** A well-formed id that no contact has. */
const unknownId = newId();
let server: RunningServer;
let cookie = "";
let contactId = "";
let importId = "";
let trashedId = "";
let mergeId = "";

beforeAll(async () => {
  const url = `file:${join(dir, "http.sqlite")}`;
  const db = createDatabase(url);
  await migrateToLatest(db);
  await db.destroy();
  server = await startServer({ DATABASE_URL: url });
  const signup = await post("/signup", "email=headers%40example.com&password=correct+horse+battery");
  cookie = signup.headers
    .getSetCookie()
    .map((c) => c.split(";")[0])
    .join("; ");
  const created = await post("/contacts/new", "name=Ada&email=ada%40example.com");
  contactId = created.headers.get("location")!.split("/").pop()!;
  // A contact in the trash, for the trash's pages.
  const trashed = await post("/contacts/new", "name=Gone&email=gone%40example.com");
  trashedId = trashed.headers.get("location")!.split("/").pop()!;
  expect((await post(`/contacts/${trashedId}/delete`, "")).status).toBe(303);
  // A merge, for its Undo's route (made by another account: this one's contact writes are counted, per minute, by the tests below).
  const other = await post("/signup", "email=merger%40example.com&password=correct+horse+battery", { Cookie: "" });
  const merger = other.headers
    .getSetCookie()
    .map((c) => c.split(";")[0])
    .join("; ");
  const twins: string[] = [];
  for (const n of [1, 2]) {
    const twin = await post("/contacts/new", `name=Twin&email=twin${n}%40example.com`, { Cookie: merger });
    twins.push(twin.headers.get("location")!.split("/").pop()!);
  }
  const merged = await post("/contacts/merge?index", twins.map((id) => `contacts=${id}%3A1`).join("&"), { Cookie: merger });
  expect(merged.status).toBe(303);
  const flash = merged.headers.getSetCookie().find((c) => c.startsWith("cardfile_flash="))!;
  mergeId = JSON.parse(decodeURIComponent(flash.split(";")[0]!.slice("cardfile_flash=".length))).undoMergeId;
  // An import with a rejected row, so its page and its rejected rows' download have a real id.
  const upload = new FormData();
  upload.set("file", new File(["Name,Email\r\nGrace,grace@example.com\r\nBad,not-an-email\r\n"], "contacts.csv", { type: "text/csv" }));
  const uploaded = await fetch(`${server.baseURL}/contacts/import`, {
    method: "POST",
    body: upload,
    redirect: "manual",
    headers: { Cookie: cookie },
  });
  importId = uploaded.headers.get("location")!.split("/").pop()!;
});

afterAll(async () => {
  await server?.stop();
  rmSync(dir, { recursive: true, force: true });
});

function post(path: string, body: string, headers: Record<string, string> = {}) {
  return fetch(server.baseURL + path, {
    method: "POST",
    body,
    redirect: "manual",
    headers: { "Content-Type": "application/x-www-form-urlencoded", Cookie: cookie, ...headers },
  });
}

/** The name of this file's one contact, as its page shows it (it must still exist). */
async function contactName() {
  const html = await (await fetch(`${server.baseURL}/contacts/${contactId}`, { headers: { Cookie: cookie } })).text();
  return /<h1 id="contact-title">([^<]*)<\/h1>/.exec(html)![1];
}

/** What this file can fill a URL parameter with: its own contact, or (a splat) any path. */
const REAL_PARAMS: Record<string, () => string> = {
  contactId: () => contactId,
  importId: () => importId,
  trashedId: () => trashedId,
  mergeId: () => mergeId,
  "*": () => `no/such/page-${unknownId}`,
};

/**
 * Values for a route's URL parameters (REAL_PARAMS). A parameter this file
 * cannot make a real value for gets an unknown id (the route is then covered
 * by its "unknown" cases only, and a test below fails).
 */
function realParams(route: AppRoute): Record<string, string> {
  return Object.fromEntries(route.params.map((p) => [p, REAL_PARAMS[p]?.() ?? unknownId]));
}
function unknownParams(route: AppRoute): Record<string, string> {
  return Object.fromEntries(route.params.map((p) => [p, p === "*" ? `no/such/page-${unknownId}` : unknownId]));
}

/** Actions that take no fields (a bare button), and what they answer whatever the body. */
const FORMLESS_ACTIONS: Record<string, { status: number }> = {
  "routes/logout": { status: 303 },
};

/** Another session of this file's user (a log-in, not a sign-up: those are counted per address below). */
async function secondSession(): Promise<string> {
  const res = await post("/login", "email=headers%40example.com&password=correct+horse+battery", { Cookie: "" });
  expect(res.status).toBe(303);
  return res.headers
    .getSetCookie()
    .map((c) => c.split(";")[0])
    .join("; ");
}

/** The URL of a route's single-fetch data. */
const dataPath = (path: string) => (path === "/" ? "/_root.data" : `${path}.data`);

const EXPECTED_CSP =
  /^default-src 'self'; script-src 'nonce-([A-Za-z0-9+/=]{24})' 'strict-dynamic'; style-src 'self'; img-src 'self' data:; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'; object-src 'none'$/;

function expectSecurityHeaders(res: Response) {
  expect(res.headers.get("content-security-policy")).toMatch(EXPECTED_CSP);
  expect(res.headers.get("x-content-type-options")).toBe("nosniff");
  expect(res.headers.get("referrer-policy")).toBe("strict-origin-when-cross-origin");
  expect(res.headers.get("x-frame-options")).toBe("DENY");
  expect(res.headers.get("permissions-policy")).toBe("camera=(), microphone=(), geolocation=()");
  expect(res.headers.get("cross-origin-opener-policy")).toBe("same-origin");
  expect(res.headers.get("x-request-id")).toMatch(/^[0-9a-f]{12}$/);
  expect(res.headers.get("x-powered-by")).toBeNull();
}

describe("headers on every response", () => {
  it.each([
    ["a page", "/login", 200, false],
    ["a signed-in page", "/contacts", 200, true],
    ["a data request", "/contacts.data", 200, true],
    ["a static file", "/favicon.svg", 200, false],
    ["a static file with a query", "/favicon.svg?v=2", 200, false],
    ["a 404 page", "/no/such/page", 404, true],
    ["a redirect", "/", 303, true],
  ])("%s (%s)", async (_, path, status, signedIn) => {
    const res = await fetch(server.baseURL + path, { headers: signedIn ? { Cookie: cookie } : {}, redirect: "manual" });
    expect(res.status).toBe(status);
    expectSecurityHeaders(res);
    expect(res.headers.get("strict-transport-security")).toBeNull(); // plain HTTP, no trusted proxy
  });

  it("on hashed assets, with a year of immutable caching", async () => {
    const html = await (await fetch(`${server.baseURL}/login`)).text();
    const asset = /href="(\/assets\/[^"]+\.js)"/.exec(html)![1]!;
    const res = await fetch(server.baseURL + asset);
    expect(res.status).toBe(200);
    expectSecurityHeaders(res);
    expect(res.headers.get("cache-control")).toBe("public, max-age=31536000, immutable");
  });

  it("puts a fresh nonce on every script Remix renders, and nowhere in loader data", async () => {
    const [a, b] = await Promise.all([fetch(`${server.baseURL}/login`), fetch(`${server.baseURL}/login`)]);
    const nonceA = EXPECTED_CSP.exec(a.headers.get("content-security-policy")!)![1]!;
    const nonceB = EXPECTED_CSP.exec(b.headers.get("content-security-policy")!)![1]!;
    expect(nonceA).not.toBe(nonceB);
    const html = await a.text();
    const scripts = html.match(/<script[^>]*>/g)!;
    expect(scripts.length).toBeGreaterThan(0);
    for (const tag of scripts) expect(tag).toContain(`nonce="${nonceA}"`);
    // The nonce appears only in script attributes: never in the serialized loader data.
    expect(html.split(nonceA).length - 1).toBe(scripts.length);
    const data = await (await fetch(`${server.baseURL}/contacts.data`, { headers: { Cookie: cookie } })).text();
    expect(data).not.toContain(nonceA);
  });

  it("adds HSTS when served over HTTPS through a trusted proxy", async () => {
    const proxied = await startServer({ DATABASE_URL: `file:${join(dir, "http.sqlite")}`, TRUST_PROXY: "true" });
    try {
      const res = await fetch(`${proxied.baseURL}/login`, { headers: { "X-Forwarded-Proto": "https" } });
      expect(res.headers.get("strict-transport-security")).toBe("max-age=63072000; includeSubDomains");
      const plain = await fetch(`${proxied.baseURL}/login`);
      expect(plain.headers.get("strict-transport-security")).toBeNull();
    } finally {
      await proxied.stop();
    }
  });

  it("ignores X-Forwarded-Proto when no proxy is trusted", async () => {
    const res = await fetch(`${server.baseURL}/login`, { headers: { "X-Forwarded-Proto": "https" } });
    expect(res.headers.get("strict-transport-security")).toBeNull();
  });
});

describe("every route in the build's manifest", () => {
  it("is read from the build, and has the routes the URL contract names", () => {
    const patterns = routes.map((r) => r.pattern);
    for (const pattern of [
      "/",
      "/signup",
      "/login",
      "/logout",
      "/contacts",
      "/contacts/new",
      "/contacts/:contactId",
      "/contacts/:contactId/edit",
      "/contacts/:contactId/delete",
      "/contacts/:contactId/restore",
      "/account",
    ]) {
      expect(patterns).toContain(pattern);
    }
    // The tables below name routes by id: a renamed route must not fall out of them unnoticed.
    for (const id of Object.keys(FORMLESS_ACTIONS)) expect(routes.map((r) => r.id)).toContain(id);
  });

  it("has a real value, in this file, for every URL parameter", () => {
    // A route with a new kind of parameter is covered with unknown values only until one is added to realParams.
    const unknown = routes.flatMap((r) => r.params.filter((p) => !(p in REAL_PARAMS)).map((p) => `:${p} of ${r.id}`));
    expect(unknown, "add a real value for these to REAL_PARAMS").toEqual([]);
  });

  /** Pages only a link sent by email opens (decision 0038). */
  const LINK_PAGES = ["/reset-password", "/account/confirm-email"];

  it.each(routes.map((r) => [r.pattern, r] as const))(
    "GET %s: security headers, no 5xx, signed in or out, with a real or an unknown id",
    async (_, route) => {
      const answers: Record<string, { status: number; location: string | null }> = {};
      for (const [who, params, headers] of [
        ["signed in", realParams(route), { Cookie: cookie }],
        ["signed in, unknown id", unknownParams(route), { Cookie: cookie }],
        ["signed out", realParams(route), {}],
      ] as const) {
        const path = fillPattern(route.pattern, params);
        for (const url of [path, dataPath(path)]) {
          const res = await fetch(server.baseURL + url, { headers, redirect: "manual" });
          await res.arrayBuffer();
          const what = `GET ${url} ${who}`;
          expect(res.status, what).toBeLessThan(500);
          expectSecurityHeaders(res);
          const location = res.headers.get("location");
          if (location !== null) expect(location, what).toMatch(/^\/(?![/\\])/); // same origin
          if (url === path) answers[who] = { status: res.status, location };
          if (url === path && res.status === 200 && route.component)
            expect(res.headers.get("cache-control"), what).toBe("private, no-cache");
        }
      }
      if (isCatchAll(route)) {
        // The app's own "no such page": a 404 for everyone.
        for (const [who, answer] of Object.entries(answers)) expect(answer.status, `${route.pattern} ${who}`).toBe(404);
      } else if (LINK_PAGES.includes(route.pattern)) {
        // Opened from a link in a message (?token=…): without a live token, a 410 for everyone.
        for (const [who, answer] of Object.entries(answers)) expect(answer.status, `${route.pattern} ${who}`).toBe(410);
      } else if (route.component) {
        // A page: shown to its user, or (log-in, sign-up) to a visitor; a guarded page sends visitors to log in.
        expect([answers["signed in"]!.status, answers["signed out"]!.status], route.pattern).toContain(200);
        const out = answers["signed out"]!;
        if (out.status !== 200)
          expect(out, route.pattern).toMatchObject({ status: 303, location: expect.stringMatching(/^\/login\?redirectTo=/) });
        // Unknown ids are a 404, like another account's (tests/e2e/access.test.ts).
        if (route.params.length) expect(answers["signed in, unknown id"]!.status, route.pattern).toBe(404);
      }
    },
  );

  it.each(actionRoutes.map((r) => [r.pattern, r] as const))("POST %s from another site: 403 before the action runs", async (_, route) => {
    const path = fillPattern(route.pattern, realParams(route));
    for (const headers of [{ Origin: "https://evil.example" }, { "Sec-Fetch-Site": "cross-site" }] as Record<string, string>[]) {
      const res = await post(path, "name=Hacked&email=ada%40example.com&intent=revoke-all", headers);
      expect(res.status, `${path} ${JSON.stringify(headers)}`).toBe(403);
      expect(await res.text()).toContain("another site");
      expectSecurityHeaders(res);
    }
    expect(await contactName()).toBe("Ada");
    expect((await fetch(`${server.baseURL}/contacts`, { headers: { Cookie: cookie }, redirect: "manual" })).status).toBe(200); // still signed in
  });

  it.each(routes.map((r) => [r.pattern, r] as const))("%s answers 405 with Allow to PUT, DELETE and PATCH", async (_, route) => {
    const path = fillPattern(route.pattern, realParams(route));
    for (const method of ["PUT", "DELETE", "PATCH"]) {
      const { status, headers } = await rawRequest(method, path, {}, "");
      expect(status, `${method} ${path}`).toBe(405);
      expect(headers.allow).toBe("GET, HEAD, POST");
    }
  });
});

describe("small responses on a slow link", () => {
  it.each([
    ["br, gzip", "br"],
    ["gzip", "gzip"],
  ])("compresses pages, data and assets for Accept-Encoding: %s", async (accept, encoding) => {
    const page = await fetch(`${server.baseURL}/contacts`, { headers: { Cookie: cookie, "Accept-Encoding": accept } });
    expect(page.headers.get("content-encoding")).toBe(encoding);
    const html = await page.text(); // fetch decodes it
    expect(html).toContain("<h1");
    const asset = /href="(\/assets\/[^"]+\.js)"/.exec(html)![1]!;
    const js = await fetch(server.baseURL + asset, { headers: { "Accept-Encoding": accept } });
    expect(js.headers.get("content-encoding")).toBe(encoding);
    const data = await fetch(`${server.baseURL}/contacts.data`, { headers: { Cookie: cookie, "Accept-Encoding": accept } });
    expect(data.headers.get("content-encoding")).toBe(encoding);
  });

  it("sends pages and files as they are to a client that accepts no encoding", async () => {
    for (const path of ["/contacts", "/favicon.svg"]) {
      const { encoding, body } = await new Promise<{ encoding: string | undefined; body: string }>((done, fail) =>
        // node:http sends no Accept-Encoding unless told to (fetch always does).
        httpRequest(`${server.baseURL}${path}`, { headers: { Cookie: cookie } }, (res) => {
          let text = "";
          res.setEncoding("utf8");
          res.on("data", (chunk: string) => (text += chunk));
          res.on("end", () => done({ encoding: res.headers["content-encoding"], body: text }));
        })
          .on("error", fail)
          .end(),
      );
      expect(encoding, path).toBeUndefined();
      expect(body, path).toMatch(path === "/contacts" ? /<h1[^>]*>Contacts<\/h1>/ : /<svg/);
    }
  });

  it("sends /contacts with 50 contacts in at most 25 KB, compressed", async () => {
    // This file's user (a sign-up more would eat into the per-address limit tested below).
    const fifty = cookie;
    for (let i = 0; i < 50; i++) {
      const body = `name=Person+Number+${i}+Lovelace&email=person${i}%40example-company.com&company=Analytical+Engines+Ltd&phone=%2B44+20+7946+${1000 + i}&notes=Met+at+the+conference`;
      expect((await post("/contacts/new", body, { Cookie: fifty })).status).toBe(303);
    }
    await (await fetch(`${server.baseURL}/contacts`, { headers: { Cookie: fifty } })).text(); // shows the last flash
    for (const encoding of ["br", "gzip"]) {
      const bytes = await new Promise<number>((done, fail) =>
        httpRequest(`${server.baseURL}/contacts`, { headers: { Cookie: fifty, "Accept-Encoding": encoding } }, (res) => {
          expect(res.headers["content-encoding"]).toBe(encoding);
          let n = 0;
          res.on("data", (chunk: Buffer) => (n += chunk.length));
          res.on("end", () => done(n));
        })
          .on("error", fail)
          .end(),
      );
      console.log(`/contacts with 50 contacts: ${bytes} bytes on the wire (${encoding})`);
      expect(bytes).toBeLessThanOrEqual(25 * 1024);
    }
    const html = await (await fetch(`${server.baseURL}/contacts`, { headers: { Cookie: fifty } })).text();
    expect(html.match(/<li>/g)).toHaveLength(50);
  });

  it("marks pages and their data private, revalidated on every use", async () => {
    for (const path of ["/contacts", "/contacts.data", "/login"]) {
      const res = await fetch(server.baseURL + path, { headers: path === "/login" ? {} : { Cookie: cookie } });
      expect(res.headers.get("cache-control"), path).toBe("private, no-cache");
    }
  });
});

describe("revisits of an unchanged page cost a 304", () => {
  const get = (path: string, headers: Record<string, string> = {}) =>
    fetch(server.baseURL + path, { headers: { Cookie: cookie, ...headers } });

  it("answers If-None-Match with 304, no body and no CSP (the stored page keeps its own)", async () => {
    const first = await get("/contacts");
    const etag = first.headers.get("etag");
    expect(etag).toMatch(/^W\/"[\w-]{27}"$/);
    await first.text();
    // The nonce differs on every response, but the page is the same.
    const again = await get("/contacts");
    expect(again.headers.get("etag")).toBe(etag);
    expect(again.headers.get("content-security-policy")).toMatch(EXPECTED_CSP);
    await again.text();

    const revisit = await get("/contacts", { "If-None-Match": etag! });
    expect(revisit.status).toBe(304);
    expect(await revisit.text()).toBe("");
    expect(revisit.headers.get("etag")).toBe(etag);
    expect(revisit.headers.get("cache-control")).toBe("private, no-cache");
    expect(revisit.headers.get("content-security-policy")).toBeNull();
    expect(revisit.headers.get("x-content-type-options")).toBe("nosniff");
  });

  it("a changed page gets a new tag and the whole page", async () => {
    const before = await get("/contacts");
    const etag = before.headers.get("etag")!;
    await before.text();
    const created = await post("/contacts/new", `name=Grace+${Date.now()}&email=grace${Date.now()}%40example.com`);
    expect(created.status).toBe(303);
    // The flash of that redirect is on the next page: read it away first.
    await (await get("/contacts")).text();
    const after = await get("/contacts", { "If-None-Match": etag });
    expect(after.status).toBe(200);
    expect(after.headers.get("etag")).not.toBe(etag);
    expect(await after.text()).toContain("Grace");
  });

  it("never reuses a page with a one-time submission key", async () => {
    const first = await get("/contacts/new");
    const etag = first.headers.get("etag")!;
    const key = /name="submissionKey" value="([^"]+)"/.exec(await first.text())![1];
    const again = await get("/contacts/new", { "If-None-Match": etag });
    expect(again.status).toBe(200);
    expect(await again.text()).not.toContain(key);
  });

  it("renders whole pages in one pass, with the page's data in them (no fallback to streaming)", async () => {
    for (const path of ["/contacts", "/account", "/login"]) {
      const res = await fetch(server.baseURL + path, { headers: path === "/login" ? {} : { Cookie: cookie } });
      const html = await res.text();
      expect(html.startsWith("<!DOCTYPE html>"), path).toBe(true);
      expect(html.indexOf("streamController.enqueue("), path).toBeGreaterThan(0);
      expect(html.indexOf("streamController.close();"), path).toBeGreaterThan(html.indexOf("streamController.enqueue("));
    }
    expect(server.logs()).not.toContain("did not use the data read in advance");
  });

  it("only successful page reads are tagged", async () => {
    const missing = await get("/no/such/page");
    expect(missing.status).toBe(404);
    expect(missing.headers.get("etag")).toBeNull();
    const data = await get("/contacts.data");
    expect(data.headers.get("etag")).toBeNull();
  });
});

describe("cross-origin writes are refused before any action runs", () => {
  it.each([
    ["a foreign Origin", { Origin: "https://evil.example" }],
    ["Origin: null", { Origin: "null" }],
    ["Sec-Fetch-Site: cross-site", { "Sec-Fetch-Site": "cross-site" }],
    ["a foreign Referer and no Origin", { Referer: "https://evil.example/form" }],
  ])("%s → 403 and nothing changes", async (_, headers) => {
    const res = await post(`/contacts/${contactId}/edit`, "name=Hacked&email=ada%40example.com", headers);
    expect(res.status).toBe(403);
    expect(await res.text()).toContain("another site");
    expectSecurityHeaders(res);
    expect(await contactName()).toBe("Ada");
  });

  it.each([
    ["the app's own Origin", () => ({ Origin: server.baseURL })],
    ["same-origin Sec-Fetch-Site", () => ({ "Sec-Fetch-Site": "same-origin" })],
    ["the app's own Referer", () => ({ Referer: `${server.baseURL}/contacts/new` })],
    ["no Origin, Sec-Fetch-Site or Referer (old browsers: SameSite=Lax protects)", () => ({})],
  ])("accepts %s", async (_, headers) => {
    const res = await post("/contacts/new", `name=Ok&email=${Math.random().toString(36).slice(2)}%40example.com`, headers());
    expect(res.status).toBe(303);
  });

  it("lets GET through from anywhere (GET never changes data)", async () => {
    const res = await fetch(`${server.baseURL}/contacts`, { headers: { Cookie: cookie, "Sec-Fetch-Site": "cross-site" } });
    expect(res.status).toBe(200);
  });
});

describe("request limits", () => {
  it("answers 413 for a body over 64 KB, before reading it", async () => {
    const res = await post("/contacts/new", `name=${"a".repeat(70 * 1024)}&email=big%40example.com`);
    expect(res.status).toBe(413);
    expectSecurityHeaders(res);
  });

  it("answers 413 from the Content-Length alone, without waiting for the body", async () => {
    const { status } = await rawRequest(
      "POST",
      "/contacts/new",
      { "Content-Length": String(10 * 1024 * 1024), "Content-Type": "application/x-www-form-urlencoded" },
      "name=",
    );
    expect(status).toBe(413);
  });

  it("answers 411 to a chunked body without a length", async () => {
    const { status } = await rawRequest(
      "POST",
      "/contacts/new",
      { "Transfer-Encoding": "chunked", "Content-Type": "application/x-www-form-urlencoded" },
      "name=a",
    );
    expect(status).toBe(411);
  });

  it.each(["application/json", "text/plain", "application/xml"])("answers 415 to %s", async (type) => {
    const res = await post("/contacts/new", '{"name":"x"}', { "Content-Type": type });
    expect(res.status).toBe(415);
  });

  it("accepts multipart/form-data", async () => {
    const form = new FormData();
    form.set("name", "Multi Part");
    form.set("email", "multi@example.com");
    const res = await fetch(`${server.baseURL}/contacts/new`, {
      method: "POST",
      body: form,
      headers: { Cookie: cookie },
      redirect: "manual",
    });
    expect(res.status).toBe(303);
  });
});

describe("requests the app cannot make sense of get a 4xx, never a 500", () => {
  it("answers 405 with Allow to methods browsers never use here", async () => {
    for (const method of ["PUT", "DELETE", "PATCH", "TRACE"]) {
      const { status, headers } = await rawRequest(method, "/contacts/new", {}, "");
      expect(status, method).toBe(405);
      expect(headers.allow).toBe("GET, HEAD, POST");
    }
  });

  it.each(["a b", "127.0.0.1:99999", "[::1", "user@evil.example"])("answers 400 to Host: %s", async (host) => {
    const { status } = await rawRequest("GET", "/login", { Host: host }, "");
    expect(status).toBe(400);
  });

  it("answers 400 to ?_data requests (single fetch does not use them)", async () => {
    expect((await fetch(`${server.baseURL}/contacts?_data=routes%2Fcontacts._index`, { headers: { Cookie: cookie } })).status).toBe(400);
  });

  it("answers 400 to a multipart body that cannot be parsed, on every form", async () => {
    // Every route with an action (the manifest's), a contact id filled in with this file's own contact.
    const paths = actionRoutes.map((r) => fillPattern(r.pattern, realParams(r)));
    for (const path of ["/login", "/signup", "/contacts/new", `/contacts/${contactId}/edit`, "/account"]) expect(paths).toContain(path);
    for (const route of actionRoutes) {
      const path = fillPattern(route.pattern, realParams(route));
      const signedOut = path === "/login" || path === "/signup";
      // An action that takes no fields never reads the body: its answer is its
      // usual one (on a session of its own); the catch-all's is a 404.
      const formless = isCatchAll(route) ? { status: 404 } : FORMLESS_ACTIONS[route.id];
      const headers = {
        "Content-Type": "multipart/form-data; boundary=nope",
        Cookie: signedOut ? "" : formless ? await secondSession() : cookie,
      };
      const res = await post(path, "name=x", headers);
      expect(res.status, path).toBe(formless?.status ?? 400);
      expectSecurityHeaders(res);
    }
    expect(await contactName()).toBe("Ada"); // the delete and the restore read nothing, did nothing
  });

  it("answers 400 to a path Express cannot decode, with the plain page", async () => {
    const res = await fetch(`${server.baseURL}/contacts/%E0%A4%A/edit`, { headers: { Cookie: cookie } });
    expect(res.status).toBe(400);
    expect(await res.text()).not.toContain("    at ");
  });
});

/** A request with exactly these headers (fetch would fix up Content-Length and chunking). */
function rawRequest(method: string, path: string, headers: Record<string, string>, body: string) {
  return new Promise<{ status: number; headers: import("node:http").IncomingHttpHeaders }>((resolve, reject) => {
    const url = new URL(server.baseURL + path);
    const req = httpRequest(
      { host: url.hostname, port: url.port, path: url.pathname, method, headers: { Cookie: cookie, ...headers } },
      (res) => {
        res.resume();
        resolve({ status: res.statusCode!, headers: res.headers });
      },
    );
    req.on("error", reject);
    req.write(body);
    // For the oversized Content-Length, the answer must come without the rest of the body.
    if (!headers["Content-Length"]) req.end();
  });
}

describe("the client address behind rate limits", () => {
  const signUp = (base: string, forwardedFor: string) =>
    fetch(`${base}/signup`, {
      method: "POST",
      body: new URLSearchParams({ email: `${Math.random().toString(36).slice(2)}@example.com`, password: "correct horse battery" }),
      headers: { "X-Forwarded-For": forwardedFor },
      redirect: "manual",
    });

  it("is the socket's address unless TRUST_PROXY is set: X-Forwarded-For cannot dodge the sign-up limit", async () => {
    // Two sign-ups from 127.0.0.1 happened in beforeAll (the account, and the merge's); the limit is 10 an hour.
    for (let i = 0; i < 8; i++) expect((await signUp(server.baseURL, `10.9.0.${i}`)).status).toBe(303);
    const refused = await signUp(server.baseURL, "10.9.1.1");
    expect(refused.status).toBe(429);
    expect(Number(refused.headers.get("retry-after"))).toBeGreaterThan(0);
  });

  it("is X-Forwarded-For's when TRUST_PROXY trusts the proxy", async () => {
    const proxied = await startServer({ DATABASE_URL: `file:${join(dir, "http.sqlite")}`, TRUST_PROXY: "loopback" });
    try {
      for (let i = 0; i < 10; i++) expect((await signUp(proxied.baseURL, "10.8.0.1")).status).toBe(303);
      expect((await signUp(proxied.baseURL, "10.8.0.1")).status).toBe(429);
      expect((await signUp(proxied.baseURL, "10.8.0.2")).status).toBe(303);
    } finally {
      await proxied.stop();
    }
  });
});
