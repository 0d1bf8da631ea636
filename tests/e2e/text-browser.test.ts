import { spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync } from "node:fs";
import type { Page } from "playwright-core";
import { beforeAll, describe, expect, it } from "vitest";
import { baseURL, PASSWORD, postContact, postSignUp, uniqueEmail, uniqueTag, useBrowser, visit } from "./browser";

// Cardfile in a text browser (decision 0028): Debian's w3m renders the real
// pages, and each part of a row, of the header and of a row of buttons is
// its own word. w3m ran them together ("Extra Person 16extra.person16@…",
// "Skip to contentCardfile…Account", "EditDelete", "Delete contactCancel"):
// the markup had no separators of its own, only CSS gaps. The separators are
// white space between the parts, which Chromium's flex and grid boxes leave
// out: the second half checks that the pages look the same without them.
//
// w3m is required under CI=true (like Chromium, see tests/run.js); elsewhere
// a missing w3m skips the text-browser half with a warning.

const W3M = process.env.W3M_PATH ?? "/usr/bin/w3m";
const CI = ["true", "1"].includes(String(process.env.CI).toLowerCase());
const haveW3m = existsSync(W3M);
if (!haveW3m && !CI)
  console.warn(`WARNING: w3m is not at ${W3M} (apt-get install -y w3m, or set W3M_PATH): skipping the text-browser test`);

const client = () => ({ "X-Forwarded-For": `10.${[...randomBytes(3)].join(".")}` });

/** The page as `w3m -dump` shows it, one string per line, trailing spaces dropped. */
async function dump(path: string, cookie: string): Promise<string[]> {
  const res = await fetch(`${baseURL}${path}`, { headers: { ...client(), Cookie: cookie } });
  expect(res.status, path).toBe(200);
  const html = await res.text();
  const run = spawnSync(W3M, ["-dump", "-T", "text/html", "-I", "UTF-8", "-O", "UTF-8", "-cols", "200", "-o", "display_link_number=0"], {
    input: html,
    encoding: "utf8",
  });
  if (run.status !== 0) throw new Error(`w3m failed (exit ${run.status}): ${run.stderr}`);
  return run.stdout.split("\n").map((line) => line.trimEnd());
}

async function post(path: string, form: Record<string, string>, cookie?: string): Promise<Response> {
  return fetch(`${baseURL}${path}`, {
    method: "POST",
    headers: { ...client(), Origin: baseURL, "Content-Type": "application/x-www-form-urlencoded", ...(cookie ? { Cookie: cookie } : {}) },
    body: new URLSearchParams(form),
    redirect: "manual",
  });
}

const DATE = String.raw`\d{1,2} \w{3} \d{4}, \d\d:\d\d UTC`;
const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

describe.skipIf(!haveW3m && !CI)("in w3m, a text browser", () => {
  const email = uniqueEmail("w3m");
  let cookie = "";
  const contacts: { id: string; name: string; email: string; company: string }[] = [];

  beforeAll(async () => {
    if (!haveW3m)
      throw new Error(`w3m is not at ${W3M}: under CI=true the text-browser test needs it (apt-get install -y w3m, as .ci/run does)`);
    const signup = await post("/signup", { email, password: PASSWORD });
    expect(signup.status).toBe(303);
    cookie = signup.headers
      .getSetCookie()
      .find((c) => c.startsWith("cardfile_session="))!
      .split(";")[0]!;
    for (const [name, company] of [
      ["Extra Person 16", "Globex"],
      ["Ada Lovelace", ""],
    ] as const) {
      const contact = { name, email: uniqueEmail(name.split(" ")[0]!.toLowerCase()), company };
      const res = await post("/contacts/new", { ...contact, phone: "+44 20 7946 0001", notes: "" }, cookie);
      expect(res.status).toBe(303);
      contacts.push({ ...contact, id: res.headers.get("Location")!.split("/").pop()! });
    }
  });

  it("shows each list row's name, email · company, date, Delete, star and checkbox as separate words", async () => {
    const lines = await dump("/contacts", cookie);
    const [extra, ada] = contacts;
    // Newest first: Ada, then Extra Person 16.
    expect(lines, lines.join("\n")).toContainEqual(
      expect.stringMatching(new RegExp(`^\\s*1\\. ${escape(ada!.name)} ${escape(ada!.email)} ${DATE} Delete ☆ \\[ \\]$`)),
    );
    expect(lines, lines.join("\n")).toContainEqual(
      expect.stringMatching(
        new RegExp(`^\\s*2\\. ${escape(extra!.name)} ${escape(extra!.email)} · ${escape(extra!.company)} ${DATE} Delete ☆ \\[ \\]$`),
      ),
    );
    expect(lines).toContainEqual(expect.stringMatching(/^\[ +\] Search$/));
  });

  it("shows the header's parts as separate words", async () => {
    const lines = await dump("/contacts", cookie);
    expect(lines[0]).toBe(`Skip to content Cardfile ${email} Account`);
    expect(lines[1]).toBe("Log out");
  });

  it("shows a contact's buttons apart", async () => {
    const lines = await dump(`/contacts/${contacts[0]!.id}`, cookie);
    expect(lines[0]).toBe(`Skip to content Cardfile ${email} Account`);
    expect(lines).toContain(contacts[0]!.name);
    expect(lines).toContain("Edit Delete");
  });

  it("shows the delete confirmation's buttons apart", async () => {
    const lines = await dump(`/contacts/${contacts[0]!.id}/delete`, cookie);
    expect(lines).toContain(`Delete ${contacts[0]!.name}?`);
    expect(lines).toContain("Delete contact Cancel");
  });

  it("shows each form field's label apart from its input", async () => {
    const lines = await dump("/contacts/new", cookie);
    expect(lines).toContainEqual(expect.stringMatching(/^Name \[/));
    expect(lines).toContainEqual(expect.stringMatching(/^Company \(optional\) \[/));
  });

  it("shows a session's device and when it signed in apart", async () => {
    const lines = await dump("/account", cookie);
    expect(lines).toContainEqual(expect.stringMatching(new RegExp(` · This device Signed in ${DATE}$`)));
  });
});

// ---------------------------------------------------------------------------
// The separators change nothing in Chromium: every element is where it was.

const open = useBrowser();

/** Every element's box in the page, in document order. */
function boxes(page: Page): Promise<string[]> {
  return page.evaluate(() =>
    [...document.body.querySelectorAll("*")].map((el) => {
      const r = el.getBoundingClientRect();
      return `${el.tagName} ${r.x},${r.y} ${r.width}x${r.height}`;
    }),
  );
}

/** Takes out the white-space-only text nodes between elements (the separators), as the markup had it before. */
function withoutSeparators(page: Page): Promise<number> {
  return page.evaluate(() => {
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    const blank: Text[] = [];
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      const text = node as Text;
      if (/^\s+$/.test(text.data) && text.parentElement?.closest("pre, textarea, script, style") === null) blank.push(text);
    }
    for (const text of blank) text.remove();
    return blank.length;
  });
}

for (const width of [1024, 320]) {
  it(`at ${width} px the separators take no room in Chromium`, async () => {
    const { page } = await open({ javaScriptEnabled: false, viewport: { width, height: 800 } });
    await postSignUp(page);
    const tag = uniqueTag();
    const id = await postContact(page, { name: `Extra Person ${tag}`, email: `extra.${tag}@example.test`, company: "Globex" });
    await postContact(page, { name: `Ada ${tag}`, email: `ada.${tag}@example.test` });
    for (const path of ["/contacts", `/contacts/${id}`, `/contacts/${id}/delete`, "/account", "/contacts/new"]) {
      await visit(page, path);
      const before = await boxes(page);
      expect(await withoutSeparators(page), path).toBeGreaterThan(0);
      expect(await boxes(page), path).toEqual(before);
    }
  });
}
