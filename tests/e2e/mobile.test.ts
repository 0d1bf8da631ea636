import { expect, test } from "vitest";
import { postContact, signUp, uniqueTag, useBrowser, visit } from "./browser";

const open = useBrowser();

test("at 320 px wide nothing scrolls sideways", async () => {
  const { page } = await open({ javaScriptEnabled: true, viewport: { width: 320, height: 640 } });
  await signUp(page, `a-rather-long-address-${uniqueTag()}@subdomain.example-company.test`);
  const id = await postContact(page, {
    name: "Maximiliane Wilhelmina Konstantinopoulou-Brandenburg",
    email: `maximiliane.wilhelmina.konstantinopoulou-${uniqueTag()}@very-long-domain-name.example.com`,
    company: "Internationale Gesellschaft für Datenverarbeitung",
    notes: "https://example.com/a/very/long/url/without/any/spaces/in/it/that/could/push/the/layout/wider",
  });

  for (const path of [
    "/contacts",
    "/contacts/new",
    `/contacts/${id}`,
    `/contacts/${id}/edit`,
    `/contacts?q=${encodeURIComponent("zzz-no-match-for-this-rather-long-query")}`,
  ]) {
    await visit(page, path);
    const width = await page.evaluate(() => document.documentElement.scrollWidth);
    expect(width, `${path} is ${width}px wide`).toBeLessThanOrEqual(320);
  }
});

test("at 320 px the sign-up and log-in pages fit too", async () => {
  const { page } = await open({ javaScriptEnabled: true, viewport: { width: 320, height: 640 } });
  for (const path of ["/signup", "/login"]) {
    await visit(page, path);
    expect(await page.evaluate(() => document.documentElement.scrollWidth), path).toBeLessThanOrEqual(320);
  }
});

test("at 320–340 px the header's links stay whole words, on one line", async () => {
  // overflow-wrap: anywhere on <body> let the header break "Account" mid-word (decision 0028).
  const { page } = await open({ javaScriptEnabled: true, viewport: { width: 320, height: 640 } });
  await signUp(page, `a-rather-long-address-${uniqueTag()}@subdomain.example-company.test`);
  /** How many lines the text of each header link or button takes. */
  const lineCounts = () =>
    page.evaluate(() =>
      [...document.querySelectorAll(".site-header a, .site-header button")].map((el) => {
        const range = document.createRange();
        range.selectNodeContents(el);
        const tops = new Set([...range.getClientRects()].filter((r) => r.width > 0).map((r) => Math.round(r.top)));
        return `${el.textContent!.trim()}: ${tops.size}`;
      }),
    );
  for (let width = 320; width <= 340; width += 4) {
    await page.setViewportSize({ width, height: 640 });
    for (const path of ["/contacts", "/account"]) {
      await visit(page, path);
      expect(await lineCounts(), `${path} at ${width} px`).toEqual(["Cardfile: 1", "Account: 1", "Log out: 1"]);
      expect(await page.evaluate(() => document.documentElement.scrollWidth), `${path} at ${width} px`).toBeLessThanOrEqual(width);
    }
  }
});
