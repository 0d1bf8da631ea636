import { randomBytes } from "node:crypto";
import { beforeAll, describe, expect, it } from "vitest";
import { baseURL, PASSWORD, uniqueEmail } from "./browser";
import { frameworkMessagesIn } from "./framework-messages";

// Answers that once carried Remix's developer messages (decision 0028): a
// POST to a page without an action got a 405 that said "You made a POST
// request to … but did not provide an `action` for route …" (and, for a
// contact's page, the title "Contact not found"), without an Allow header;
// an unknown URL's 404 carried 'No route matches URL "…"' in its page data.

/** A client of its own (the server trusts the loopback proxy header): sign-ups are limited per address. */
const client = () => ({ "X-Forwarded-For": `10.${[...randomBytes(3)].join(".")}` });

async function send(method: string, path: string, cookie?: string) {
  const headers: Record<string, string> = { ...client(), Origin: baseURL };
  if (cookie) headers.Cookie = cookie;
  if (method === "POST") headers["Content-Type"] = "application/x-www-form-urlencoded";
  const res = await fetch(`${baseURL}${path}`, { method, headers, body: method === "POST" ? "name=x" : undefined, redirect: "manual" });
  return { res, body: await res.text() };
}

let cookie: string;
let contactId: string;

beforeAll(async () => {
  const signup = await fetch(`${baseURL}/signup`, {
    method: "POST",
    headers: { ...client(), Origin: baseURL, "Content-Type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({ email: uniqueEmail("post"), password: PASSWORD }),
    redirect: "manual",
  });
  expect(signup.status).toBe(303);
  cookie = signup.headers
    .getSetCookie()
    .find((c) => c.startsWith("cardfile_session="))!
    .split(";")[0]!;
  const created = await fetch(`${baseURL}/contacts/new`, {
    method: "POST",
    headers: { ...client(), Origin: baseURL, Cookie: cookie, "Content-Type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({ name: "Ada Lovelace", email: uniqueEmail("ada"), company: "", phone: "", notes: "" }),
    redirect: "manual",
  });
  expect(created.status).toBe(303);
  contactId = created.headers.get("Location")!.split("/").pop()!;
});

describe("a POST to a page that takes none", () => {
  const pages = () => [
    "/",
    "/contacts",
    "/contacts?q=ada",
    `/contacts/${contactId}`,
    "/contacts/AAAAAAAAAAAAAAAAAAAAAA",
    "/contacts.data",
    `/contacts/${contactId}.data`,
    "/_root.data",
    "/contacts?index",
  ];

  for (const who of ["signed out", "signed in"] as const) {
    it(`answers a plain 405 with Allow: GET, HEAD, ${who}`, async () => {
      for (const path of pages()) {
        const { res, body } = await send("POST", path, who === "signed in" ? cookie : undefined);
        expect(res.status, path).toBe(405);
        expect(res.headers.get("allow"), path).toBe("GET, HEAD");
        expect(res.headers.get("content-type"), path).toMatch(/^text\/html/);
        expect(body, path).toContain("<title>405 Method not allowed · Cardfile</title>");
        expect(body, path).not.toContain("Contact not found");
        expect(frameworkMessagesIn(body), path).toEqual([]);
      }
    });
  }

  it("still lets every form through to its action", async () => {
    // The contact's edit form without its fields: the action's own 400, not a 405.
    const { res } = await send("POST", `/contacts/${contactId}/edit`, cookie);
    expect(res.status).toBe(400);
    const login = await send("POST", "/login");
    expect(login.res.status).toBe(400);
  });
});

describe("an URL no route matches", () => {
  it("is the app's own 404, GET or POST, page or data, without the framework's message", async () => {
    for (const method of ["GET", "POST"]) {
      for (const path of ["/nope", "/contacts/a/b/c", "/nope.data", `/contacts/${contactId}/nope`]) {
        const { res, body } = await send(method, path, cookie);
        expect(res.status, `${method} ${path}`).toBe(404);
        expect(frameworkMessagesIn(body), `${method} ${path}`).toEqual([]);
        if (!path.endsWith(".data")) expect(body, `${method} ${path}`).toContain("There is nothing at this address.");
      }
    }
  });

  it("a missing contact is a 404 in the app's words too", async () => {
    const { res, body } = await send("GET", "/contacts/AAAAAAAAAAAAAAAAAAAAAA", cookie);
    expect(res.status).toBe(404);
    expect(body).toContain("This contact does not exist, or it is not one of yours.");
    expect(frameworkMessagesIn(body)).toEqual([]);
  });
});
