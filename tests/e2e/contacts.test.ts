import type { Page, Request } from "playwright-core";
import { describe, expect, test } from "vitest";
import {
  createContact,
  currentPath,
  expectText,
  fillContactForm,
  flash,
  listedNames,
  postContact,
  signUp,
  submit,
  uniqueEmail,
  uniqueTag,
  useBrowser,
  visit,
  waitForPath,
} from "./browser";

const open = useBrowser();

const CONTACT_PATH = /^\/contacts\/[A-Za-z0-9_-]{22}$/;

/** The input (or textarea) of a contact form field, by its name. */
function field(page: Page, name: string) {
  return page.locator(`form [name="${name}"]`);
}

/** The error shown next to a field: the element its aria-describedby points at. */
async function fieldError(page: Page, name: string): Promise<string> {
  const input = field(page, name);
  expect(await input.getAttribute("aria-invalid")).toBe("true");
  const describedBy = (await input.getAttribute("aria-describedby")) ?? "";
  const texts = await Promise.all(
    describedBy
      .split(/\s+/)
      .filter(Boolean)
      .map((id) => page.locator(`[id="${id}"]`).innerText()),
  );
  return texts.join(" ").trim();
}

async function waitForFieldError(page: Page, name: string, message: string) {
  await field(page, name).and(page.locator('[aria-invalid="true"]')).waitFor();
  expect(await fieldError(page, name)).toBe(message);
}

/** The details of the contact page, as label → text. */
async function details(page: Page): Promise<Record<string, string>> {
  const terms = await page.locator("dl.details dt").allInnerTexts();
  const values = await page.locator("dl.details dd").allInnerTexts();
  return Object.fromEntries(terms.map((term, i) => [term.trim(), values[i]!.trim()]));
}

/** Names in the contact list on the current page. */

describe.each([{ js: false }, { js: true }])("contacts, JavaScript $js", ({ js }) => {
  test("create a contact", async () => {
    const { page } = await open({ javaScriptEnabled: js });
    await signUp(page, uniqueEmail("create"));

    const response = await visit(page, "/contacts/new");
    expect(response.status()).toBe(200);
    if (!js) {
      // Before hydration the browser's own validation guards the form.
      expect(await page.locator("form[novalidate]").count()).toBe(0);
      expect(await field(page, "name").getAttribute("required")).not.toBeNull();
      expect(await field(page, "email").getAttribute("type")).toBe("email");
    }

    const email = uniqueEmail("ada");
    const id = await createContact(page, {
      name: "  Ada Lovelace ",
      email,
      company: "Analytical Engines",
      phone: "+44 20 7946 0000",
      notes: "Met at the Babbage lecture.\nLikes Bernoulli numbers.",
    });

    expect(currentPath(page)).toBe(`/contacts/${id}`);
    await expectText(page.locator("h1"), "Ada Lovelace");
    const shown = await details(page);
    expect(shown).toMatchObject({
      Email: email,
      Company: "Analytical Engines",
      Phone: "+44 20 7946 0000",
      Notes: "Met at the Babbage lecture.\nLikes Bernoulli numbers.",
    });

    await visit(page, "/contacts");
    expect(await listedNames(page)).toEqual(["Ada Lovelace"]);
    // The flash was shown once and is gone now.
    expect(await flash(page).count()).toBe(0);
  });

  test("a validation error keeps every typed value", async () => {
    const { page } = await open({ javaScriptEnabled: js });
    await signUp(page, uniqueEmail("invalid"));
    await visit(page, "/contacts/new");
    const posts: Request[] = [];
    page.on("request", (request) => {
      if (request.method() === "POST") posts.push(request);
    });

    const typed = {
      // Only spaces: native `required` accepts it, the schema (trimmed) does not.
      name: "   ",
      email: "grace@navy.example",
      company: "US Navy",
      phone: "+1 555 0100",
      notes: "Found the moth.",
    };
    await fillContactForm(page, typed);
    const response = await submit(page, page.getByRole("button", { name: "Create contact" }));

    if (js) {
      // Client validation answers; nothing is sent.
      await waitForFieldError(page, "name", "Name is required");
      expect(posts).toEqual([]);
    } else {
      expect(response!.status()).toBe(400);
      expect(currentPath(page)).toBe("/contacts/new");
      expect(await fieldError(page, "name")).toBe("Name is required");
      // The first invalid field has the focus.
      expect(await page.locator(":focus").getAttribute("name")).toBe("name");
    }
    for (const [name, value] of Object.entries(typed)) {
      expect(await field(page, name).inputValue(), name).toBe(value);
    }
    for (const name of ["email", "company", "phone", "notes"]) {
      expect(await field(page, name).getAttribute("aria-invalid"), name).toBeNull();
    }

    // Correcting the name is enough to create the contact.
    await field(page, "name").fill("Grace Hopper");
    const fixed = await submit(page, page.getByRole("button", { name: "Create contact" }));
    if (fixed) expect(fixed.status()).toBe(303);
    await waitForPath(page, CONTACT_PATH);
    await expectText(flash(page), "Created Grace Hopper.");
  });

  test("an email the browser accepts but the server does not gets a 400 next to the field", async () => {
    const { page } = await open({ javaScriptEnabled: js });
    await signUp(page, uniqueEmail("bademail"));
    await visit(page, "/contacts/new");
    // `type=email` accepts a@b; the schema wants a domain with a dot.
    await fillContactForm(page, { name: "Alan Turing", email: "alan@bletchley", company: "GC&CS" });
    const response = await submit(page, page.getByRole("button", { name: "Create contact" }));
    if (response) expect(response.status()).toBe(400);
    await waitForFieldError(page, "email", "Enter a valid email address, like ada@example.com");
    expect(await field(page, "name").inputValue()).toBe("Alan Turing");
    expect(await field(page, "email").inputValue()).toBe("alan@bletchley");
    expect(await field(page, "company").inputValue()).toBe("GC&CS");
  });

  test("a duplicate email (ignoring case) is refused with 409 and the values kept", async () => {
    const { page } = await open({ javaScriptEnabled: js });
    await signUp(page, uniqueEmail("dup"));
    const tag = uniqueTag();
    await postContact(page, { name: "Ada Lovelace", email: `ada-${tag}@example.com` });

    await visit(page, "/contacts/new");
    const typed = { name: "Ada Again", email: `ADA-${tag}@Example.COM`, company: "Second try", notes: "same person" };
    await fillContactForm(page, typed);
    const response = await submit(page, page.getByRole("button", { name: "Create contact" }));
    if (response) expect(response.status()).toBe(409);

    await waitForFieldError(page, "email", "You already have a contact with this email address");
    expect(currentPath(page)).toBe("/contacts/new");
    for (const [name, value] of Object.entries(typed)) {
      expect(await field(page, name).inputValue(), name).toBe(value);
    }
    expect(await field(page, "name").getAttribute("aria-invalid")).toBeNull();

    await visit(page, `/contacts?q=${tag}`);
    expect(await listedNames(page)).toEqual(["Ada Lovelace"]);
  });

  test("edit a contact: the form is filled in, saving shows the new values", async () => {
    const { page } = await open({ javaScriptEnabled: js });
    await signUp(page, uniqueEmail("edit"));
    const email = uniqueEmail("ada");
    const id = await postContact(page, {
      name: "Ada Lovelace",
      email,
      company: "Analytical Engines",
      phone: "+44 20 7946 0000",
      notes: "First programmer.",
    });

    await visit(page, `/contacts/${id}`);
    await page.getByRole("link", { name: "Edit" }).click();
    await waitForPath(page, `/contacts/${id}/edit`);
    const response = await visit(page, `/contacts/${id}/edit`);
    expect(response.status()).toBe(200);
    expect(await field(page, "name").inputValue()).toBe("Ada Lovelace");
    expect(await field(page, "email").inputValue()).toBe(email);
    expect(await field(page, "company").inputValue()).toBe("Analytical Engines");
    expect(await field(page, "phone").inputValue()).toBe("+44 20 7946 0000");
    expect(await field(page, "notes").inputValue()).toBe("First programmer.");

    await fillContactForm(page, { name: "Ada King", company: "Countess of Lovelace", phone: "", notes: "Née Byron." });
    const saved = await submit(page, page.getByRole("button", { name: "Save changes" }));
    if (saved) expect(saved.status()).toBe(303);
    await waitForPath(page, `/contacts/${id}`);
    await expectText(flash(page), "Saved Ada King.");
    await expectText(page.locator("h1"), "Ada King");
    expect(await details(page)).toMatchObject({
      Email: email,
      Company: "Countess of Lovelace",
      Phone: "—",
      Notes: "Née Byron.",
    });
  });

  test("delete a contact through its confirmation page", async () => {
    const { page } = await open({ javaScriptEnabled: js });
    await signUp(page, uniqueEmail("delete"));
    const keep = await postContact(page, { name: "Charles Babbage", email: uniqueEmail("charles") });
    const id = await postContact(page, { name: "Ada Lovelace", email: uniqueEmail("ada") });

    await visit(page, `/contacts/${id}`);
    await page.getByRole("link", { name: "Delete" }).click();
    await waitForPath(page, `/contacts/${id}/delete`);
    await expectText(page.locator("h1"), "Delete Ada Lovelace?");
    const form = page.locator("form", { has: page.getByRole("button", { name: "Delete contact" }) });
    expect(await form.getAttribute("method")).toBe("post");
    expect((await visit(page, `/contacts/${id}/delete`)).status()).toBe(200);

    const response = await submit(page, page.getByRole("button", { name: "Delete contact" }));
    if (response) expect(response.status()).toBe(303);
    await waitForPath(page, "/contacts");
    await expectText(flash(page), "Deleted Ada Lovelace.");
    expect(await listedNames(page)).toEqual(["Charles Babbage"]);

    // Undo is a plain POST form beside the message; it brings the contact back.
    const undoForm = page.locator("form", { has: page.getByRole("button", { name: "Undo" }) });
    expect(await undoForm.getAttribute("method")).toBe("post");
    expect(await undoForm.getAttribute("action")).toBe(`/contacts/${id}/restore`);
    const undone = await submit(page, page.getByRole("button", { name: "Undo" }));
    if (undone) expect(undone.status()).toBe(303);
    await waitForPath(page, "/contacts");
    await expectText(flash(page), "Restored Ada Lovelace.");
    // Sorted: both were created within moments, and the DB tests check the exact place.
    expect((await listedNames(page)).sort()).toEqual(["Ada Lovelace", "Charles Babbage"]);
    expect(await page.getByRole("button", { name: "Undo" }).count()).toBe(0);

    // Deleted again, it is gone from every page.
    await visit(page, `/contacts/${id}/delete`);
    const again = await submit(page, page.getByRole("button", { name: "Delete contact" }));
    if (again) expect(again.status()).toBe(303);
    await waitForPath(page, "/contacts");
    await expectText(flash(page), "Deleted Ada Lovelace.");
    expect(await listedNames(page)).toEqual(["Charles Babbage"]);

    for (const path of [`/contacts/${id}`, `/contacts/${id}/edit`, `/contacts/${id}/delete`]) {
      const gone = await visit(page, path);
      expect(gone.status(), path).toBe(404);
      await expectText(page.locator("h1"), "Not found");
    }
    expect((await visit(page, `/contacts/${keep}`)).status()).toBe(200);
  });
});

describe("contacts, JavaScript true, pending state", () => {
  test("the submit button says Saving… and is disabled while the create is pending", async () => {
    const { page } = await open({ javaScriptEnabled: true });
    await signUp(page, uniqueEmail("pending"));
    await visit(page, "/contacts/new");

    let release!: () => void;
    const released = new Promise<void>((done) => (release = done));
    await page.route(
      (url) => url.pathname.startsWith("/contacts/new"),
      async (route) => {
        if (route.request().method() === "POST") await released;
        await route.continue();
      },
    );

    const posts: string[] = [];
    page.on("request", (request) => {
      if (request.method() === "POST") posts.push(new URL(request.url()).pathname);
    });

    const name = `Slow ${uniqueTag()}`;
    await fillContactForm(page, { name, email: uniqueEmail("slow") });
    const button = page.locator("form button.primary");
    await button.click();
    await expectText(button, "Saving…");
    expect(await button.isDisabled()).toBe(true);
    expect(await button.getAttribute("aria-disabled")).toBe("true");
    // Clicking again while it is pending sends nothing.
    await button.click({ force: true });
    await page.getByLabel("Name").press("Enter");

    release();
    await waitForPath(page, CONTACT_PATH);
    await expectText(flash(page), `Created ${name}.`);
    expect(posts).toHaveLength(1);
    await visit(page, "/contacts");
    expect(await listedNames(page)).toEqual([name]);
  });

  test("a fast double click creates exactly one contact", async () => {
    const { page } = await open({ javaScriptEnabled: true });
    await signUp(page, uniqueEmail("double"));
    await visit(page, "/contacts/new");
    const posts: string[] = [];
    page.on("request", (request) => {
      if (request.method() === "POST") posts.push(new URL(request.url()).pathname);
    });

    const name = `Double ${uniqueTag()}`;
    await fillContactForm(page, { name, email: uniqueEmail("double") });
    await page.getByRole("button", { name: "Create contact" }).dblclick();
    await waitForPath(page, CONTACT_PATH);
    await expectText(flash(page), `Created ${name}.`);

    expect(posts).toHaveLength(1);
    await visit(page, "/contacts");
    expect(await listedNames(page)).toEqual([name]);
  });
});
