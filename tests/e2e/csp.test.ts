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

  it("is never tripped by Cardfile's own scripts, not even by a caught probe", async () => {
    // Chromium reports a violation even when the script catches the error
    // (zod 4 tries `new Function` to see whether it may compile its parsers);
    // Lighthouse counts the report against best practices. See app/zod.ts.
    const session = await newSession(browser, { javaScriptEnabled: true });
    try {
      await session.context.addInitScript(() => {
        const seen: string[] = [];
        Object.assign(window, { __violations: seen });
        document.addEventListener("securitypolicyviolation", (e) => seen.push(`${e.violatedDirective} ${e.blockedURI}`));
      });
      for (const path of ["/login", "/signup"]) {
        await visit(session.page, path);
        expect(await session.page.evaluate(() => (window as unknown as { __violations: string[] }).__violations), path).toEqual([]);
      }
      expect(session.errors).toEqual([]);
    } finally {
      await session.context.close();
    }
  });
});
