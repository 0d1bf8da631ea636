import { describe, expect, test } from "vitest";
import { baseURL, expectText, flash, postContact, signUp, submit, uniqueEmail, useBrowser, visit, waitForPath } from "./browser";

const open = useBrowser();

describe.each([{ js: false }, { js: true }])("edit conflict, JavaScript $js", ({ js }) => {
  test("a stale form shows the contact as it is now, keeps what was typed, and can save it anyway", async () => {
    const { page } = await open({ javaScriptEnabled: js });
    await signUp(page);
    const email = uniqueEmail("grace");
    const id = await postContact(page, { name: "Grace Hopper", email });
    await visit(page, `/contacts/${id}/edit`);

    // Meanwhile another tab saves first, from the same form version.
    const other = await page.request.post(`/contacts/${id}/edit`, {
      form: { name: "Grace Brewster Hopper", email, company: "US Navy", phone: "", notes: "", version: "1" },
      headers: { Origin: baseURL },
      maxRedirects: 0,
    });
    expect(other.status()).toBe(303);

    await page.fill("input[name=phone]", "+1 555 0100");
    const response = await submit(page, page.getByRole("button", { name: "Save changes" }));
    if (!js) expect(response?.status()).toBe(409);
    await expectText(page.locator(".conflict"), /This contact was changed since you opened this form/);
    await expectText(page.locator(".conflict table"), /Grace Brewster Hopper/);
    expect(await page.inputValue("input[name=name]")).toBe("Grace Hopper");
    expect(await page.inputValue("input[name=phone]")).toBe("+1 555 0100");

    await submit(page, page.getByRole("button", { name: "Save mine anyway" }));
    await waitForPath(page, `/contacts/${id}`);
    await expectText(flash(page), "Saved Grace Hopper.");
    await expectText(page.locator("h1"), "Grace Hopper");
    await expectText(page.locator("dl.details"), /\+1 555 0100/);
  });
});
