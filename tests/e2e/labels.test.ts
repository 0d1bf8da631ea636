import type { Page } from "playwright-core";
import { describe, expect, test } from "vitest";
import { expectText, flash, follow, postSignUp, submit, useBrowser, visit, waitForPath } from "./browser";

// /labels (decision 0034), JavaScript off and on: create, a taken name
// refused beside its input with the name as typed, rename, delete.

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
  });
}
