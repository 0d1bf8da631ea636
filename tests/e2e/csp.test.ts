import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { launchBrowser, newSession, visit } from "./browser";

// The other browser tests fail on any console error, CSP violations included.
// This one shows that a violation does reach that check: the policy is
// enforced (not report-only) and an injected inline script is blocked.
describe("Content-Security-Policy in Chromium", () => {
  let browser: Browser;
  beforeAll(async () => {
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
  });

  it("runs Remix's own scripts (hydration works) and blocks an injected inline script", async () => {
    const session = await newSession(browser, { javaScriptEnabled: true });
    try {
      await visit(session.page, "/login"); // waits for hydration: the nonced scripts ran
      expect(session.errors).toEqual([]);

      // What an HTML injection would look like: a script in the markup without
      // the nonce. The page's real response headers (the CSP) are kept.
      await session.page.route("**/signup", async (route) => {
        const response = await route.fetch();
        const html = (await response.text()).replace("<body>", "<body><script>window.__injected = true</script>");
        await route.fulfill({ response, body: html });
      });
      await session.page.goto("/signup");
      expect(await session.page.evaluate(() => (window as { __injected?: boolean }).__injected)).toBeUndefined();
      expect(session.errors.join("\n")).toMatch(/Content Security Policy/);
    } finally {
      await session.context.close();
    }
  });
});
