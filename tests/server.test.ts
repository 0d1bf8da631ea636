import compression from "compression";
import express from "express";
import { randomBytes } from "node:crypto";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { listFiles } from "#server/app.js";
import { postsNowhere } from "#server/policy.js";
import { remixRequest, writeBody } from "#server/remix-adapter.js";

// The part of the server (server/remix-adapter.js) that turns Express's request into the Fetch Request
// Remix answers (the rest of the server is tested as a process in tests/e2e).
let baseURL: string;
let close: () => void;
const seen: { request: Request; abortedDuring: boolean }[] = [];

beforeAll(async () => {
  const app = express();
  app.set("trust proxy", false);
  app.all("*", async (req, res) => {
    const request: Request = remixRequest(req, res);
    const body = req.method === "POST" ? await request.text() : "";
    seen.push({ request, abortedDuring: request.signal.aborted });
    res.type("text").send(`${request.method} ${request.url} ${request.headers.get("x-two")} ${body}`);
  });
  const server = app.listen(0, "127.0.0.1");
  await new Promise((ready) => server.once("listening", ready));
  baseURL = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  close = () => server.close();
});
afterAll(() => close());

describe("remixRequest", () => {
  it("carries the method, the URL with its port and query, repeated headers and the body", async () => {
    const res = await fetch(`${baseURL}/contacts?q=a%20b`, {
      method: "POST",
      body: "name=Ada",
      headers: [
        ["x-two", "1"],
        ["x-two", "2"],
        ["content-type", "application/x-www-form-urlencoded"],
      ],
    });
    expect(await res.text()).toBe(`POST ${baseURL}/contacts?q=a%20b 1, 2 name=Ada`);
  });

  it("aborts the request's signal once the response is over, not before", async () => {
    seen.length = 0;
    await (await fetch(`${baseURL}/contacts`)).text();
    await new Promise((settled) => setTimeout(settled, 50));
    expect(seen).toHaveLength(1);
    expect(seen[0]!.abortedDuring).toBe(false);
    // What clears the 5-second timer Remix 2's single fetch sets for every page.
    expect(seen[0]!.request.signal.aborted).toBe(true);
  });
});

describe("remixRequest behind a proxy", () => {
  /** The URL Remix would see for a request that claims to have come over HTTPS, with `trust proxy` set so. */
  async function urlSeen(trustProxy: boolean | string): Promise<string> {
    const app = express();
    app.set("trust proxy", trustProxy);
    app.all("*", (req, res) => {
      res.type("text").send(remixRequest(req, res).url);
    });
    const server = app.listen(0, "127.0.0.1");
    await new Promise((ready) => server.once("listening", ready));
    try {
      const port = (server.address() as AddressInfo).port;
      const res = await fetch(`http://127.0.0.1:${port}/contacts`, { headers: { "X-Forwarded-Proto": "https" } });
      return await res.text();
    } finally {
      server.close();
    }
  }

  it("keeps the connection's protocol when no proxy is trusted: a client's own X-Forwarded-Proto changes nothing", async () => {
    expect(await urlSeen(false)).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/contacts$/);
  });

  it("takes a trusted proxy's X-Forwarded-Proto (what cookies, HSTS and the origin check then follow)", async () => {
    expect(await urlSeen("loopback")).toMatch(/^https:\/\/127\.0\.0\.1:\d+\/contacts$/);
  });
});

describe("listFiles", () => {
  it("lists build/client's public files as URL paths, without the hashed assets", () => {
    expect(listFiles("public", "assets")).toContain("/favicon.svg");
    expect(listFiles("public", "assets").every((url: string) => url.startsWith("/") && !url.startsWith("/assets/"))).toBe(true);
  });
});

describe("postsNowhere", () => {
  // The shape of the build's `routes` (flat routes, as Remix 2 makes them), with a splat route for unknown URLs.
  const route = (id: string, path: string | undefined, { index = false, action = false } = {}) => ({
    id,
    parentId: id === "root" ? undefined : "root",
    path,
    index,
    module: action ? { action: () => null } : {},
  });
  const routes = Object.fromEntries(
    [
      route("root", ""),
      route("routes/_index", undefined, { index: true }),
      route("routes/contacts._index", "contacts", { index: true }),
      route("routes/contacts.new", "contacts/new", { action: true }),
      route("routes/contacts.$contactId._index", "contacts/:contactId", { index: true }),
      route("routes/contacts.$contactId.edit", "contacts/:contactId/edit", { action: true }),
      route("routes/login", "login", { action: true }),
      route("routes/$", "*", { action: true }),
    ].map((r) => [r.id, r]),
  ) as unknown as Parameters<typeof postsNowhere>[0];
  const hasNoAction = postsNowhere(routes);

  it("finds the pages without an action, as pages and as .data requests", () => {
    for (const url of [
      "/",
      "/contacts",
      "/contacts/",
      "/contacts?q=a",
      "/contacts/AAAAAAAAAAAAAAAAAAAAAA",
      "/contacts.data",
      "/_root.data",
      "/contacts/AAAAAAAAAAAAAAAAAAAAAA.data",
      "/contacts?index",
      "/...data",
      "/contacts/x/../..data",
    ]) {
      expect(hasNoAction(url), url).toBe(true);
    }
  });

  it("lets through what reaches an action, the splat route's 404 included", () => {
    for (const url of [
      "/contacts/new",
      "/contacts/new.data",
      "/contacts/new?index",
      "/contacts/AAAAAAAAAAAAAAAAAAAAAA/edit",
      "/login?redirectTo=%2Fcontacts",
      "/nope",
      "/contacts/a/b/c",
      "/nope.data",
      "/%E0%A4%A",
    ]) {
      expect(hasNoAction(url), url).toBe(false);
    }
  });
});

describe("writeBody", () => {
  // A body read slowly (an export to a phone) must not be read ahead of the
  // client into the server's memory, compressed or not; a client that goes
  // away stops the reading.
  it.each([false, true])(
    "reads the body only as fast as the client takes it (compressed: %s), and stops when the client goes away",
    async (compressed) => {
      let pulls = 0;
      let cancelled = false;
      const app = express();
      if (compressed) app.use(compression());
      app.get("/", (_req, res) => {
        const body = new ReadableStream<Uint8Array>({
          pull(controller) {
            pulls++;
            controller.enqueue(randomBytes(64 * 1024)); // incompressible
          },
          cancel() {
            cancelled = true;
          },
        });
        void writeBody(body, res);
      });
      const server = app.listen(0, "127.0.0.1");
      await new Promise((ready) => server.once("listening", ready));
      try {
        const port = (server.address() as AddressInfo).port;
        const request = http.get({ port, host: "127.0.0.1", path: "/", headers: { "Accept-Encoding": compressed ? "gzip" : "identity" } });
        const response = await new Promise<http.IncomingMessage>((resolve) => request.once("response", resolve));
        response.pause();
        await new Promise((r) => setTimeout(r, 400));
        // Without backpressure this is thousands of 64 KB chunks in 400 ms; with it, what the sockets' buffers hold.
        expect(pulls).toBeLessThan(200);
        const before = pulls;
        await new Promise((r) => setTimeout(r, 200));
        expect(pulls - before).toBeLessThan(5);
        request.destroy();
        for (let i = 0; i < 50 && !cancelled; i++) await new Promise((r) => setTimeout(r, 20));
        expect(cancelled).toBe(true);
      } finally {
        server.close();
      }
    },
  );
});
