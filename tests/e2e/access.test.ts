import { describe, expect, test } from "vitest";
import { baseURL, expectText, postContact, signUp, uniqueEmail, useBrowser, visit } from "./browser";

const open = useBrowser();

describe.each([{ js: false }, { js: true }])("another account's contact, JavaScript $js", ({ js }) => {
  test("answers 404, exactly like a contact that does not exist", async () => {
    const owner = await open({ javaScriptEnabled: js });
    await signUp(owner.page, uniqueEmail("owner"));
    const id = await postContact(owner.page, { name: "Secret Person", email: uniqueEmail("secret") });

    const other = await open({ javaScriptEnabled: js });
    await signUp(other.page, uniqueEmail("other"));
    const missing = "A".repeat(22); // a well-formed id that nobody has

    for (const suffix of ["", "/edit", "/delete"]) {
      const theirs = await visit(other.page, `/contacts/${id}${suffix}`);
      expect(theirs.status(), `/contacts/:id${suffix}`).toBe(404);
      await expectText(other.page.locator("h1"), "Not found");
      const theirsText = await other.page.locator("main").innerText();
      expect(theirsText).not.toContain("Secret");

      const nobodys = await visit(other.page, `/contacts/${missing}${suffix}`);
      expect(nobodys.status()).toBe(404);
      await expectText(other.page.locator("h1"), "Not found");
      expect(await other.page.locator("main").innerText()).toBe(theirsText);
    }

    // Nor can the other account change or delete it by posting directly.
    const headers = { Origin: baseURL };
    const edit = await other.page.request.post(`/contacts/${id}/edit`, {
      form: { name: "Hijacked", email: uniqueEmail("hijack"), company: "", phone: "", notes: "" },
      headers,
      maxRedirects: 0,
    });
    expect(edit.status()).toBe(404);
    const invalidEdit = await other.page.request.post(`/contacts/${id}/edit`, {
      form: { name: "", email: "" },
      headers,
      maxRedirects: 0,
    });
    expect(invalidEdit.status(), "an invalid edit must not reveal that the contact exists").toBe(404);
    const remove = await other.page.request.post(`/contacts/${id}/delete`, { headers, maxRedirects: 0 });
    expect(remove.status()).toBe(404);

    await visit(other.page, `/contacts?q=secret`);
    expect(await other.page.locator("ol.contact-list li").count()).toBe(0);

    // The owner still has it, unchanged.
    const mine = await visit(owner.page, `/contacts/${id}`);
    expect(mine.status()).toBe(200);
    await expectText(owner.page.locator("h1"), "Secret Person");
  });
});
