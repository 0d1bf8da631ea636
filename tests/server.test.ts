import express from "express";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { listFiles } from "#server/app.js";
import { remixRequest } from "#server/remix-adapter.js";

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
    const res = await fetch(`${baseURL}/contacts?q=a%20b`, { method: "POST", body: "name=Ada", headers: [["x-two", "1"], ["x-two", "2"], ["content-type", "application/x-www-form-urlencoded"]] });
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

describe("listFiles", () => {
  it("lists build/client's public files as URL paths, without the hashed assets", () => {
    expect(listFiles("public", "assets")).toContain("/favicon.svg");
    expect(listFiles("public", "assets").every((url: string) => url.startsWith("/") && !url.startsWith("/assets/"))).toBe(true);
  });
});
