import type { Page } from "playwright-core";
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
  waitForPath,
} from "./browser";

// The trash (decision 0032), JavaScript off and on: deleted contacts listed
// latest first, restored (or refused, with the reason), deleted for good and
// emptied through their confirmation pages; the list links to it.

const open = useBrowser();

const trashedNames = (page: Page) => page.locator("ol.trash-list li > strong").allInnerTexts();

/** Deletes a contact as the delete page's form does, from the page's context (it shares the cookie). */
async function postDelete(page: Page, id: string) {
  const response = await page.request.post(`/contacts/${id}/delete`, { form: {}, headers: { Origin: baseURL }, maxRedirects: 0 });
  expect(response.status()).toBe(303);
}

for (const javaScriptEnabled of [false, true]) {
  describe(`the trash, JavaScript ${javaScriptEnabled ? "on" : "off"}`, () => {
    test("restores a contact, refuses one whose email is taken with the reason, deletes one for good and empties the rest", async () => {
      const { page } = await open({ javaScriptEnabled });
      await postSignUp(page);
      const ada = await postContact(page, { name: "Ada Lovelace", email: uniqueEmail("ada") });
      const taken = uniqueEmail("grace");
      const grace = await postContact(page, { name: "Grace Hopper", email: taken });
      const alan = await postContact(page, { name: "Alan Turing", email: uniqueEmail("alan") });
      const edsger = await postContact(page, { name: "Edsger Dijkstra", email: uniqueEmail("edsger") });
      for (const id of [ada, grace, alan, edsger]) await postDelete(page, id);
      await postContact(page, { name: "Grace Again", email: taken });

      await visit(page, "/contacts");
      await follow(page, page.getByRole("link", { name: "Trash" }));
      await waitForPath(page, "/contacts/trash");
      expect(await trashedNames(page)).toEqual(["Edsger Dijkstra", "Alan Turing", "Grace Hopper", "Ada Lovelace"]);
      await expectText(page.locator("p.hint").first(), /^4 deleted contacts\./);

      await submit(page, page.getByRole("button", { name: "Restore Ada Lovelace" }));
      await expectText(flash(page), "Restored Ada Lovelace.");
      expect(currentPath(page)).toBe("/contacts/trash");
      expect(await trashedNames(page)).toEqual(["Edsger Dijkstra", "Alan Turing", "Grace Hopper"]);

      await submit(page, page.getByRole("button", { name: "Restore Grace Hopper" }));
      await expectText(
        page.locator("p.flash-error"),
        new RegExp(`^Couldn't restore Grace Hopper: ${taken.replace(/[.+]/g, "\\$&")} now belongs to Grace Again\\.`),
      );
      expect(await trashedNames(page)).toEqual(["Edsger Dijkstra", "Alan Turing", "Grace Hopper"]);

      await follow(page, page.getByRole("link", { name: "Delete Alan Turing forever" }));
      await waitForPath(page, `/contacts/trash/${alan}/delete?returnTo=%2Fcontacts%2Ftrash`);
      await expectText(page.locator("h1"), "Delete Alan Turing forever?");
      await submit(page, page.getByRole("button", { name: "Delete forever" }));
      await waitForPath(page, "/contacts/trash");
      await expectText(flash(page), "Deleted Alan Turing for good.");
      expect(await trashedNames(page)).toEqual(["Edsger Dijkstra", "Grace Hopper"]);

      await follow(page, page.getByRole("link", { name: "Empty trash" }));
      await waitForPath(page, "/contacts/trash/empty");
      await expectText(page.locator("h1"), "Empty the trash?");
      await submit(page, page.getByRole("button", { name: "Delete 2 contacts forever" }));
      await waitForPath(page, "/contacts/trash");
      await expectText(flash(page), "Deleted 2 contacts for good.");
      await expectText(page.locator("p.empty"), /^The trash is empty\./);

      await visit(page, "/contacts");
      expect(await listedNames(page)).toEqual(["Grace Again", "Ada Lovelace"]);
    });
  });
}
