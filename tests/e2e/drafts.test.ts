import { describe, expect, test } from "vitest";
import {
  baseURL,
  expectText,
  fillContactForm,
  flash,
  postContact,
  signUp,
  submit,
  uniqueEmail,
  useBrowser,
  visit,
  waitForPath,
} from "./browser";

// With JavaScript, what is typed into the new and edit forms survives a
// reload (or a crashed tab) of that tab, and is forgotten once saved.

const open = useBrowser();
const NOTICE = /Restored what you typed before the page was reloaded/;
const CONTACT_PATH = /^\/contacts\/[A-Za-z0-9_-]{22}$/;

describe("drafts of the contact forms, with JavaScript", () => {
  test("a new contact's typed values come back after a reload, and are gone once saved", async () => {
    const { page } = await open({ javaScriptEnabled: true });
    await signUp(page);
    await visit(page, "/contacts/new");
    const email = uniqueEmail("draft");
    await fillContactForm(page, { name: "Katherine Johnson", email, notes: "Orbital mechanics\nsecond line" });

    await page.reload();
    await waitForPath(page, "/contacts/new");
    await expectText(page.locator(".draft-notice"), NOTICE);
    expect(await page.inputValue("input[name=name]")).toBe("Katherine Johnson");
    expect(await page.inputValue("input[name=email]")).toBe(email);
    expect(await page.inputValue("textarea[name=notes]")).toBe("Orbital mechanics\nsecond line");

    await submit(page, page.getByRole("button", { name: "Create contact" }));
    await waitForPath(page, CONTACT_PATH);
    await expectText(flash(page), "Created Katherine Johnson.");
    await visit(page, "/contacts/new");
    expect(await page.inputValue("input[name=name]")).toBe("");
    expect(await page.locator(".draft-notice").count()).toBe(0);
  });

  test("a restored draft whose first send did land is not saved twice", async () => {
    const session = await open({ javaScriptEnabled: true });
    const { page } = session;
    await signUp(page);
    await visit(page, "/contacts/new");
    const name = `Once ${uniqueEmail().slice(5, 13)}`;
    await fillContactForm(page, { name, email: uniqueEmail("once") });
    // The save reaches the server but the tab never hears back (it is closed, say, or crashes).
    await page.route("**/contacts/new.data*", async (route) => {
      await route.fetch();
      await route.abort("connectionreset");
    });
    await page.getByRole("button", { name: "Create contact" }).click();
    await expectText(page.locator("p.form-error[role=alert]"), /Couldn't reach Cardfile/);
    await page.unroute("**/contacts/new.data*");

    await page.reload();
    await waitForPath(page, "/contacts/new");
    await expectText(page.locator(".draft-notice"), NOTICE);
    await submit(page, page.getByRole("button", { name: "Create contact" }));
    await waitForPath(page, CONTACT_PATH);
    await visit(page, `/contacts?q=${encodeURIComponent(name)}`);
    expect(await page.locator("ol.contact-list li").count()).toBe(1);
    session.errors.splice(0, session.errors.length, ...session.errors.filter((e) => !/ERR_CONNECTION_RESET/.test(e)));
  });

  test("an edit draft keeps the version it started from: a newer contact gets the conflict page", async () => {
    const session = await open({ javaScriptEnabled: true });
    const { page } = session;
    await signUp(page);
    const email = uniqueEmail("mary");
    const id = await postContact(page, { name: "Mary Jackson", email });
    await visit(page, `/contacts/${id}/edit`);
    await page.fill("input[name=company]", "NACA");

    // Meanwhile another tab saves a change.
    const other = await page.request.post(`/contacts/${id}/edit`, {
      form: { name: "Mary Winston Jackson", email, company: "", phone: "", notes: "", version: "1" },
      headers: { Origin: baseURL },
      maxRedirects: 0,
    });
    expect(other.status()).toBe(303);

    await page.reload();
    await waitForPath(page, `/contacts/${id}/edit`);
    await expectText(page.locator(".draft-notice"), NOTICE);
    expect(await page.inputValue("input[name=name]")).toBe("Mary Jackson");
    expect(await page.inputValue("input[name=company]")).toBe("NACA");
    await page.getByRole("button", { name: "Save changes" }).click();
    await expectText(page.locator(".conflict"), /This contact was changed since you opened this form/);
    expect(await page.inputValue("input[name=company]")).toBe("NACA");
    session.errors.splice(0, session.errors.length, ...session.errors.filter((e) => !/status of 409/.test(e)));
  });

  test("Discard puts the form back as it was and forgets the draft", async () => {
    const { page } = await open({ javaScriptEnabled: true });
    await signUp(page);
    const id = await postContact(page, { name: "Dorothy Vaughan", email: uniqueEmail("dorothy") });
    await visit(page, `/contacts/${id}/edit`);
    await page.fill("input[name=name]", "Dorothy V.");
    await page.reload();
    await waitForPath(page, `/contacts/${id}/edit`);
    expect(await page.inputValue("input[name=name]")).toBe("Dorothy V.");

    await page.getByRole("button", { name: "Discard it" }).click();
    expect(await page.inputValue("input[name=name]")).toBe("Dorothy Vaughan");
    expect(await page.locator(".draft-notice").count()).toBe(0);
    await page.reload();
    await waitForPath(page, `/contacts/${id}/edit`);
    expect(await page.inputValue("input[name=name]")).toBe("Dorothy Vaughan");
    expect(await page.locator(".draft-notice").count()).toBe(0);
  });
});
