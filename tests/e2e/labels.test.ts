import type { Page } from "playwright-core";
import { describe, expect, test } from "vitest";
import {
  expectText,
  fillContactForm,
  flash,
  follow,
  listedNames,
  postContact,
  postLabel,
  postSignUp,
  submit,
  useBrowser,
  visit,
  waitForPath,
} from "./browser";

// /labels (decision 0034), JavaScript off and on: create, a taken name
// refused beside its input with the name as typed, rename, delete; a
// contact's labels as checkboxes in its form, on its page and its row, the
// list of a label's contacts, and the counts.

const open = useBrowser();

const labelNames = (page: Page) =>
  page.locator("ul.label-list li input[name=name]").evaluateAll((inputs) => inputs.map((i) => (i as HTMLInputElement).value));

for (const javaScriptEnabled of [false, true]) {
  describe(`labels, JavaScript ${javaScriptEnabled ? "on" : "off"}`, () => {
    test("create, refuse a taken name, rename and delete", async () => {
      const { page } = await open({ javaScriptEnabled });
      await postSignUp(page);
      await visit(page, "/contacts");
      await follow(page, page.getByRole("link", { name: "Labels", exact: true }));
      await waitForPath(page, "/labels");
      await expectText(page.locator("p.empty"), /^You have no labels yet\./);

      for (const name of ["Family", "Book club"]) {
        await page.getByLabel("New label").fill(name);
        await submit(page, page.getByRole("button", { name: "Create label" }));
        await expectText(flash(page), `Created the label ${name}.`);
      }
      expect(await labelNames(page)).toEqual(["Book club", "Family"]);

      await page.getByLabel("New label").fill("family");
      const refused = await submit(page, page.getByRole("button", { name: "Create label" }));
      if (refused) expect(refused.status()).toBe(409);
      await expectText(page.locator(".label-form .field-error"), "You already have a label with this name");
      expect(await page.getByLabel("New label").inputValue()).toBe("family");
      expect(await page.getByLabel("New label").getAttribute("aria-invalid")).toBe("true");

      await page.getByLabel("Name of Book club").fill("Readers");
      await submit(page, page.getByRole("button", { name: "Rename Book club" }));
      await expectText(flash(page), "Renamed the label to Readers.");
      expect(await labelNames(page)).toEqual(["Family", "Readers"]);

      await submit(page, page.getByRole("button", { name: "Delete Family" }));
      await expectText(flash(page), "Deleted the label Family. Its contacts are still there.");
      expect(await labelNames(page)).toEqual(["Readers"]);
    });

    test("a contact's labels: checked in its form, shown on its page and row, and the list of a label", async () => {
      const { page } = await open({ javaScriptEnabled });
      await postSignUp(page);
      for (const name of ["Work", "Family"]) await postLabel(page, name);
      await postContact(page, { name: "Unlabelled Una", email: "" });

      await visit(page, "/contacts/new");
      await fillContactForm(page, { name: "Ada Lovelace" });
      await page.getByRole("checkbox", { name: "Family" }).check();
      await submit(page, page.getByRole("button", { name: "Create contact" }));
      await expectText(flash(page), "Created Ada Lovelace.");
      const labels = page.locator("dl.details dt:text-is('Labels') + dd");
      await expectText(labels, "Family");

      await follow(page, page.getByRole("link", { name: "Edit" }));
      expect(await page.getByRole("checkbox", { name: "Family" }).isChecked()).toBe(true);
      await page.getByRole("checkbox", { name: "Family" }).uncheck();
      await page.getByRole("checkbox", { name: "Work" }).check();
      await submit(page, page.getByRole("button", { name: "Save changes" }));
      await expectText(flash(page), "Saved Ada Lovelace.");
      await expectText(labels, "Work");

      await visit(page, "/contacts");
      expect(await listedNames(page)).toEqual(["Ada Lovelace", "Unlabelled Una"]);
      await follow(page, page.locator("ol.contact-list li small a", { hasText: "Work" }));
      await waitForPath(page, /^\/contacts\?label=/);
      expect(await listedNames(page)).toEqual(["Ada Lovelace"]);
      await expectText(page.locator("nav.filters"), /Label: Work/);
      // A search keeps to the label.
      await page.getByLabel("Search contacts").fill("una");
      await submit(page, page.getByRole("button", { name: "Search" }));
      await waitForPath(page, /q=una/);
      await expectText(page.locator("p.empty"), /No contacts with the label Work match “una”/);
      await follow(page, page.getByRole("link", { name: "Show them without the label" }));
      await waitForPath(page, /^\/contacts\?q=una$/);
      expect(await listedNames(page)).toEqual(["Unlabelled Una"]);

      await visit(page, "/labels");
      await expectText(page.locator("ul.label-list"), /Family: 0 contacts[\s\S]*Work: 1 contact\b/);
    });
  });
}
