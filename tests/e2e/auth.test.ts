import { describe, expect, test } from "vitest";
import {
  PASSWORD,
  currentPath,
  expectText,
  flash,
  logIn,
  logOut,
  signUp,
  submit,
  uniqueEmail,
  useBrowser,
  visit,
  waitForPath,
} from "./browser";

const open = useBrowser();

describe.each([{ js: false }, { js: true }])("accounts, JavaScript $js", ({ js }) => {
  test("sign up lands on an empty contact list, signed in", async () => {
    const { page } = await open({ javaScriptEnabled: js });
    const response = await visit(page, "/signup");
    expect(response.status()).toBe(200);

    const email = await signUp(page, uniqueEmail("signup"));

    expect(currentPath(page)).toBe("/contacts");
    await expectText(page.locator(".site-header .who"), email);
    await expectText(page.locator("p.empty"), /You have no contacts yet/);
    expect(await page.getByRole("button", { name: "Log out" }).count()).toBe(1);
  });

  test("log in after logging out: a wrong password is refused, then back to the page asked for", async () => {
    const { page } = await open({ javaScriptEnabled: js });
    const email = await signUp(page, uniqueEmail("login"));
    await logOut(page);

    // A signed-out visit is sent to log in, and remembers where it was going.
    const bounced = await visit(page, "/contacts/new");
    expect(bounced.request().redirectedFrom()?.url()).toBe(new URL("/contacts/new", page.url()).href);
    expect((await bounced.request().redirectedFrom()!.response())!.status()).toBe(303);
    expect(currentPath(page)).toBe("/login?redirectTo=%2Fcontacts%2Fnew");

    await page.getByLabel("Email").fill(email);
    await page.getByLabel("Password").fill("not the password");
    const refused = await submit(page, page.getByRole("button", { name: "Log in" }));
    if (refused) expect(refused.status()).toBe(400);
    await expectText(page.locator(".form-error[role=alert]"), "Email or password is incorrect");
    expect(await page.getByLabel("Email").inputValue()).toBe(email);

    await logIn(page, email, PASSWORD);
    expect(currentPath(page)).toBe("/contacts/new");
    await expectText(page.locator(".site-header .who"), email);
  });

  test("log out ends the session on the server", async () => {
    const { context, page } = await open({ javaScriptEnabled: js });
    await signUp(page, uniqueEmail("logout"));
    const session = (await context.cookies()).find((cookie) => cookie.name === "cardfile_session");
    expect(session).toBeDefined();
    // Every signed-in page offers a POST form to /logout.
    for (const path of ["/contacts", "/contacts/new"]) {
      await visit(page, path);
      const form = page.locator("form", { has: page.getByRole("button", { name: "Log out" }) });
      expect(await form.getAttribute("method")).toBe("post");
      expect(await form.getAttribute("action")).toBe("/logout");
    }

    await logOut(page);
    expect(await page.locator(".site-header .who").count()).toBe(0);

    const bounced = await visit(page, "/contacts");
    expect((await bounced.request().redirectedFrom()?.response())?.status()).toBe(303);
    expect(currentPath(page)).toBe("/login?redirectTo=%2Fcontacts");

    // The old cookie, replayed, no longer signs anyone in.
    await context.addCookies([session!]);
    await visit(page, "/contacts");
    expect(currentPath(page)).toBe("/login?redirectTo=%2Fcontacts");
  });
});

test("a GET to /logout signs nobody out", async () => {
  const { page } = await open({ javaScriptEnabled: false });
  const email = await signUp(page, uniqueEmail("getlogout"));
  await visit(page, "/logout");
  await waitForPath(page, "/contacts");
  await expectText(page.locator(".site-header .who"), email);
  expect(await flash(page).count()).toBe(0);
});
