import { describe, expect, test } from "vitest";
import {
  baseURL,
  currentPath,
  expectText,
  flash,
  follow,
  listedNames,
  postContact,
  postSignUp,
  submit,
  uniqueEmail,
  useBrowser,
  visit,
} from "./browser";

// Merging duplicates (decision 0037), JavaScript off and on: from the
// duplicates page to the side-by-side merge page, a radio per field, the
// merge with its Undo, and a stale merge page's conflict.

const open = useBrowser();

for (const javaScriptEnabled of [false, true]) {
  describe(`merging duplicates, JavaScript ${javaScriptEnabled ? "on" : "off"}`, () => {
    test("merge a group with chosen values, undo it, and merge again after a conflict", async () => {
      const { page } = await open({ javaScriptEnabled });
      await postSignUp(page);
      const [first, second] = [uniqueEmail("merge"), uniqueEmail("merge")];
      const older = await postContact(page, { name: "Ada Lovelace", email: first, company: "Engines" });
      const newer = await postContact(page, { name: "Ada Lovelace", email: second, phone: "+44 20 7946 0000" });

      await visit(page, "/contacts/duplicates");
      await expectText(page.locator(".duplicate-groups h2"), "2 contacts with the name Ada Lovelace");
      await follow(page, page.getByRole("link", { name: "Merge both…" }));
      await expectText(page.locator("h1"), "Merge contacts");
      // The most recent value where there is one: the older one's company, since the newer has none.
      expect(await page.getByRole("radio", { name: "Company: Engines (Ada Lovelace)" }).isChecked()).toBe(true);
      expect(await page.getByRole("radio", { name: `Email: ${second} (Ada Lovelace)` }).isChecked()).toBe(true);
      await page.getByRole("radio", { name: `Email: ${first} (Ada Lovelace)` }).check();
      const merged = await submit(page, page.getByRole("button", { name: "Merge 2 contacts" }));
      if (merged) expect(merged.status()).toBe(303);
      await expectText(flash(page), "Merged 2 contacts into Ada Lovelace.");
      expect(currentPath(page)).toBe("/contacts/duplicates?kind=name");
      await expectText(page.locator(".empty"), "No two of your contacts share the name.");

      // The Undo, beside the message.
      await submit(page, page.locator(".flash-row").getByRole("button", { name: "Undo" }));
      await expectText(flash(page), "Undid the merge: Ada Lovelace is as it was, and 1 contact is back.");
      await expectText(page.locator(".duplicate-groups h2"), "2 contacts with the name Ada Lovelace");

      // Someone changes one of them while the merge page is open: the merge gets the conflict, with the group as it is now.
      await follow(page, page.getByRole("link", { name: "Merge both…" }));
      await page.getByRole("radio", { name: `Email: ${first} (Ada Lovelace)` }).check();
      const edit = await page.request.post(`/contacts/${older}/edit`, {
        form: { name: "Ada Lovelace", email: first, company: "Engines Ltd", phone: "", notes: "", version: "1" },
        headers: { Origin: baseURL },
        maxRedirects: 0,
      });
      expect(edit.status()).toBe(303);
      const stale = await submit(page, page.getByRole("button", { name: "Merge 2 contacts" }));
      if (stale) expect(stale.status()).toBe(409);
      await expectText(page.locator(".conflict[role=alert]"), /^Ada Lovelace was changed since you opened this page\./);
      expect(await page.getByRole("radio", { name: `Email: ${first} (Ada Lovelace)` }).isChecked()).toBe(true);
      expect(await page.getByRole("radio", { name: "Company: Engines Ltd (Ada Lovelace)" }).isChecked()).toBe(true);
      await submit(page, page.getByRole("button", { name: "Merge 2 contacts" }));
      await expectText(flash(page), "Merged 2 contacts into Ada Lovelace.");

      // Changed last, the older one is the one kept now, with the values chosen.
      await visit(page, `/contacts/${older}`);
      await expectText(page.locator(".details"), new RegExp(`${first}[\\s\\S]*Engines Ltd[\\s\\S]*\\+44 20 7946 0000`));
      expect((await visit(page, `/contacts/${newer}`)).status()).toBe(404);

      // Two contacts the duplicates page does not pair: checked in the list, merged from its bulk form.
      const grace = await postContact(page, { name: "Grace Hopper", email: uniqueEmail("merge") });
      await postContact(page, { name: "G. M. Hopper", email: uniqueEmail("merge"), company: "Navy" });
      await visit(page, "/contacts?q=hopper");
      await page.getByLabel("Select Grace Hopper").check();
      await page.getByLabel("Select G. M. Hopper").check();
      await follow(page, page.locator(".bulk").getByRole("button", { name: "Merge", exact: true }));
      await expectText(page.locator(".merge caption"), "Merging 2 contacts: choose a value for each field");
      await page.getByRole("radio", { name: "Name: Grace Hopper (Grace Hopper)" }).check();
      await submit(page, page.getByRole("button", { name: "Merge 2 contacts" }));
      await expectText(flash(page), "Merged 2 contacts into Grace Hopper.");
      expect(currentPath(page)).toBe("/contacts?q=hopper");
      expect(await listedNames(page)).toEqual(["Grace Hopper"]);
      await expectText(page.locator("ol.contact-list li"), /Navy/);
      // The one kept is the more recently changed, the other is in the trash.
      expect((await visit(page, `/contacts/${grace}`)).status()).toBe(404);
    });
  });
}
