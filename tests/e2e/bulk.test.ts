import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Page } from "playwright-core";
import { describe, expect, test } from "vitest";
import {
  expectText,
  flash,
  follow,
  listedNames,
  postContact,
  postLabel,
  postSignUp,
  submit,
  uniqueEmail,
  useBrowser,
  visit,
} from "./browser";
import { download } from "./imports";

// Bulk actions (decision 0036), JavaScript off and on: the rows' checkboxes
// in one form, star and label the checked, every contact matching the list
// deleted with one Undo, the checked exported.

const open = useBrowser();
const dir = mkdtempSync(join(tmpdir(), "cardfile-bulk-"));

const bulkButton = (page: Page, name: string) => page.locator(".bulk").getByRole("button", { name, exact: true });

for (const javaScriptEnabled of [false, true]) {
  describe(`bulk actions, JavaScript ${javaScriptEnabled ? "on" : "off"}`, () => {
    test("star and label the checked, delete every contact matching with one Undo, export the checked", async () => {
      const { page } = await open({ javaScriptEnabled });
      await postSignUp(page);
      await postLabel(page, "Work");
      for (const name of ["Ada Lovelace", "Grace Hopper", "Alan Turing"]) await postContact(page, { name, email: uniqueEmail("bulk") });

      await visit(page, "/contacts");
      // Inside the one form, not tied to it by a form attribute, which text browsers do not know.
      expect(await page.locator("form#bulk ol.contact-list input[type=checkbox][name=ids]:not([form])").count()).toBe(3);
      await page.getByLabel("Select Ada Lovelace").check();
      await page.getByLabel("Select Grace Hopper").check();
      await submit(page, bulkButton(page, "Star"));
      await expectText(flash(page), "Starred 2 contacts.");
      expect(await page.getByRole("button", { name: "Star Ada Lovelace", exact: true }).getAttribute("aria-pressed")).toBe("true");
      expect(await page.getByRole("button", { name: "Star Alan Turing", exact: true }).getAttribute("aria-pressed")).toBe("false");

      await page.getByLabel("Select Alan Turing").check();
      await page.locator(".bulk").getByLabel("Label").selectOption({ label: "Work" });
      await submit(page, bulkButton(page, "Add label"));
      await expectText(flash(page), "Labelled 1 contact Work.");
      await expectText(page.locator("ol.contact-list li", { hasText: "Alan Turing" }).locator("small"), "Work");

      // The checked ones, exported: a download of the export with their ids.
      await page.getByLabel("Select Grace Hopper").check();
      const csv = await download(page, bulkButton(page, "CSV"), dir);
      expect(
        csv.text
          .split("\r\n")
          .slice(1, -1)
          .map((row) => row.split(",").slice(0, 2).join(" ")),
      ).toEqual(["Grace Hopper"]);

      // Every contact matching the list: a search's.
      await visit(page, "/contacts?q=bulk");
      await follow(page, page.getByRole("link", { name: "select every contact matching this list" }));
      await expectText(page.locator(".bulk-scope"), "All 3 contacts matching this list are selected. Select only some");
      await submit(page, bulkButton(page, "Delete"));
      await expectText(flash(page), "Moved 3 contacts to the trash.");
      expect(await listedNames(page)).toEqual([]);
      await submit(page, page.locator(".flash-row").getByRole("button", { name: "Undo" }));
      await expectText(flash(page), "Restored 3 contacts.");
      expect((await listedNames(page)).sort()).toEqual(["Ada Lovelace", "Alan Turing", "Grace Hopper"]);
    });
  });
}
