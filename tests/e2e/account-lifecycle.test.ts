import { readFileSync } from "node:fs";
import type { ParsedMail } from "mailparser";
import type { Locator, Page, Request, Response } from "playwright-core";
import { describe, expect, test } from "vitest";
import {
  PASSWORD,
  baseURL,
  currentPath,
  expectText,
  flash,
  follow,
  logIn,
  logOut,
  postContact,
  postSignUp,
  submit,
  uniqueEmail,
  useBrowser,
  visit,
  waitForPath,
} from "./browser";
import { inbox, linkIn } from "./mailbox";

// The account's life (issue 14, decision 0038), JavaScript off and on: a
// forgotten password reset by a link in a real mail, a new address confirmed
// by a link sent to it, a changed password, and the account deleted. Mail
// goes through the job runner to the SMTP server of global-setup.ts.

const open = useBrowser();

const NEW_PASSWORD = "a brand new secret 42";
const LINK_GONE = 410;
const WRONG_PASSWORD = "That is not your current password.";
const BAD_LOGIN = "Email or password is incorrect";

/** The form that holds the button named `button` (the account page has several "Current password" fields). */
function formWith(page: Page, button: string): Locator {
  return page.locator("form", { has: page.getByRole("button", { name: button, exact: true }) });
}

/**
 * Waits until the field labelled `label` in `scope` is invalid with `message`
 * next to it: the text of what its aria-describedby points at.
 */
async function expectFieldError(scope: Locator, label: string, message: string): Promise<void> {
  const input = scope.getByLabel(label, { exact: true });
  const page = scope.page();
  await expect
    .poll(
      async () => {
        if ((await input.getAttribute("aria-invalid")) !== "true") return null;
        const ids = ((await input.getAttribute("aria-describedby")) ?? "").split(/\s+/).filter(Boolean);
        const texts = await Promise.all(ids.map((id) => page.locator(`[id="${id}"]`).innerText()));
        return texts.join(" ").trim();
      },
      { timeout: 10_000 },
    )
    .toBe(message);
}

/** Fails unless `response` (a document answer, JavaScript off) has `status`; with JavaScript there is none to check. */
function expectStatus(response: Response | null, status: number): void {
  if (response) expect(response.status()).toBe(status);
}

/** Text and HTML bodies of `message` both hold `url`. */
function expectLinkInBothBodies(message: ParsedMail, url: string): void {
  expect(message.text).toContain(url);
  expect(typeof message.html === "string" ? message.html : "").toContain(`href="${url}"`);
}

/** The e2e server's origin as its messages' links name it (localhost, its port; never the Host a request used). */
const LINK_ORIGIN = `http://localhost:${new URL(baseURL).port}`;

/** Tries to log in from /login with a password that must not work. */
async function expectLogInRefused(page: Page, email: string, password: string): Promise<void> {
  await visit(page, "/login");
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill(password);
  expectStatus(await submit(page, page.getByRole("button", { name: "Log in" })), 400);
  await expectText(page.locator(".form-error[role=alert]"), BAD_LOGIN);
  expect(currentPath(page)).toBe("/login");
}

/** Whether a visit to /contacts is sent to log in (the page's session is over). */
async function expectSignedOut(page: Page): Promise<void> {
  await visit(page, "/contacts");
  expect(currentPath(page)).toBe("/login?redirectTo=%2Fcontacts");
}

for (const javaScriptEnabled of [false, true]) {
  describe(`account lifecycle, JavaScript ${javaScriptEnabled ? "on" : "off"}`, () => {
    test("forgot password: the same answer for any address, a link by mail, a new password, every session ended", async () => {
      const session = await open({ javaScriptEnabled });
      const { page } = session;
      const email = await postSignUp(page, uniqueEmail("forgot"));
      // A second device, signed in too.
      const other = await open({ javaScriptEnabled });
      await logIn(other.page, email);
      await visit(page, "/contacts");
      await logOut(page);

      await follow(page, page.getByRole("link", { name: "Forgot your password?" }));
      await waitForPath(page, "/forgot-password");
      await expectText(page.locator("h1"), "Forgot your password?");

      // An address with no account first, then the account's: the one answer for both.
      const nobody = uniqueEmail("nobody");
      const answers: string[][] = [];
      for (const address of [nobody, email]) {
        if (address === email) await visit(page, "/forgot-password");
        await page.getByLabel("Email").fill(address);
        expectStatus(await submit(page, page.getByRole("button", { name: "Send me a link" })), 303);
        await waitForPath(page, "/forgot-password?sent");
        await expectText(flash(page), "If an account uses that address, a link to choose a new password is on its way.");
        await expectText(page.locator("h1"), "Check your email");
        expect(await page.getByRole("button", { name: "Send another link" }).count()).toBe(1);
        answers.push([
          await page.locator("h1").innerText(),
          await page.locator("section.narrow > p").first().innerText(),
          await flash(page).innerText(),
        ]);
      }
      expect(answers[1]).toEqual(answers[0]);
      expect(answers[0]![1]).toMatch(/^If an account uses the address you entered, we have sent it a link/);

      const [resetMail] = await inbox(email);
      expect(resetMail!.subject).toBe("Choose a new Cardfile password");
      const link = linkIn(resetMail!, "/reset-password");
      expect(new URL(link.url).origin).toBe(LINK_ORIGIN);
      expectLinkInBothBodies(resetMail!, link.url);
      // By now the runner has sent what the first request queued, had it queued anything.
      expect(await inbox(nobody, { count: 0 })).toEqual([]);

      const form = await visit(page, link.visit);
      expect(form.status()).toBe(200);
      await expectText(page.locator("h1"), "Choose a new password");
      const newPassword = page.getByLabel("New password", { exact: true });
      const posts: Request[] = [];
      page.on("request", (request) => {
        if (request.method() === "POST") posts.push(request);
      });

      // Too short: with JavaScript the form says so and sends nothing; without, the server does (the input has no minlength).
      await newPassword.fill("short");
      const short = await submit(page, page.getByRole("button", { name: "Set new password" }));
      expectStatus(short, 400);
      await expectFieldError(formWith(page, "Set new password"), "New password", "Password must be at least 8 characters");
      if (javaScriptEnabled) expect(posts).toEqual([]);
      expect(currentPath(page)).toBe(link.visit);

      // Long enough but common: the server's answer, next to the field, on the same form.
      await newPassword.fill("password1");
      expectStatus(await submit(page, page.getByRole("button", { name: "Set new password" })), 400);
      await expectFieldError(
        formWith(page, "Set new password"),
        "New password",
        "This password is too common. Choose one that is harder to guess.",
      );
      expect(currentPath(page)).toBe(link.visit);
      // The page sent back does not hold the password typed (with JavaScript the input keeps it).
      if (!javaScriptEnabled) expect(await newPassword.inputValue()).toBe("");

      await newPassword.fill(NEW_PASSWORD);
      expectStatus(await submit(page, page.getByRole("button", { name: "Set new password" })), 303);
      await waitForPath(page, "/login");
      await expectText(flash(page), "Your password has been changed. Log in with your new password.");

      await expectLogInRefused(page, email, PASSWORD);
      await logIn(page, email, NEW_PASSWORD);
      expect(currentPath(page)).toBe("/contacts");
      await expectText(page.locator(".site-header .who"), email);

      // The other device was signed out by the reset.
      await expectSignedOut(other.page);

      const [, notice] = await inbox(email, { count: 2 });
      expect(notice!.subject).toBe("Your Cardfile password was changed");
      expect(notice!.text).toMatch(/was just reset with a link sent to this address/);

      // The link worked once.
      const again = await visit(page, link.visit);
      expect(again.status()).toBe(LINK_GONE);
      await expectText(page.locator("h1"), "This link no longer works");
      expect(await page.getByRole("link", { name: "Send me a new link" }).getAttribute("href")).toBe("/forgot-password");
    });

    test("change email: the current password first, a link to the new address, then it logs in", async () => {
      const session = await open({ javaScriptEnabled });
      const { page } = session;
      const oldEmail = await postSignUp(page, uniqueEmail("oldaddr"));
      const newEmail = uniqueEmail("newaddr");
      const someoneElse = await postSignUp((await open({ javaScriptEnabled })).page, uniqueEmail("taken"));

      await visit(page, "/account");
      await expectText(page.locator("section.narrow > p").first(), `Signed in as ${oldEmail}.`);
      const form = formWith(page, "Send confirmation link");

      // A wrong password: refused next to its field, the typed address kept, nothing sent.
      await form.getByLabel("New email", { exact: true }).fill(newEmail);
      await form.getByLabel("Current password", { exact: true }).fill("not my password");
      expectStatus(await submit(page, form.getByRole("button", { name: "Send confirmation link" })), 400);
      await expectFieldError(form, "Current password", WRONG_PASSWORD);
      expect(await form.getByLabel("New email", { exact: true }).inputValue()).toBe(newEmail);
      if (!javaScriptEnabled) expect(await form.getByLabel("Current password", { exact: true }).inputValue()).toBe("");
      // Only this form shows an error.
      expect(await page.locator('[aria-invalid="true"]').count()).toBe(1);

      // Another account's address.
      await form.getByLabel("New email", { exact: true }).fill(someoneElse);
      await form.getByLabel("Current password", { exact: true }).fill(PASSWORD);
      expectStatus(await submit(page, form.getByRole("button", { name: "Send confirmation link" })), 409);
      await expectFieldError(form, "New email", "Another account uses this address.");

      await form.getByLabel("New email", { exact: true }).fill(newEmail);
      await form.getByLabel("Current password", { exact: true }).fill(PASSWORD);
      expectStatus(await submit(page, form.getByRole("button", { name: "Send confirmation link" })), 303);
      await expectText(flash(page), `We sent a link to ${newEmail}. Your address changes when you open it (within 24 hours).`);
      expect(currentPath(page)).toBe("/account");
      // Nothing changes until the link is opened.
      await expectText(page.locator("section.narrow > p").first(), `Signed in as ${oldEmail}.`);

      const [confirmMail] = await inbox(newEmail);
      expect(confirmMail!.subject).toBe("Confirm your new Cardfile address");
      const link = linkIn(confirmMail!, "/account/confirm-email");
      expect(new URL(link.url).origin).toBe(LINK_ORIGIN);
      expectLinkInBothBodies(confirmMail!, link.url);

      // Opening the link changes nothing by itself; the button does.
      const confirm = await visit(page, link.visit);
      expect(confirm.status()).toBe(200);
      await expectText(page.locator("h1"), "Confirm your new address");
      await expectText(page.locator("section.narrow strong"), newEmail);
      expectStatus(await submit(page, page.getByRole("button", { name: "Use this address" })), 303);
      await waitForPath(page, "/account");
      await expectText(flash(page), `Your account now uses ${newEmail}. Log in with it from now on.`);
      await expectText(page.locator("section.narrow > p").first(), `Signed in as ${newEmail}.`);
      await expectText(page.locator(".site-header .who"), newEmail);

      const [notice] = await inbox(oldEmail);
      expect(notice!.subject).toBe("Your Cardfile address was changed");
      expect(notice!.text).toContain(`Your Cardfile account now uses ${newEmail}.`);
      // One message each: the refused attempts sent nothing.
      expect(await inbox(newEmail, { count: 0 })).toHaveLength(1);
      expect(await inbox(oldEmail, { count: 0 })).toHaveLength(1);

      const again = await visit(page, link.visit);
      expect(again.status()).toBe(LINK_GONE);
      await expectText(page.locator("h1"), "This link no longer works");

      await visit(page, "/account");
      await logOut(page);
      await expectLogInRefused(page, oldEmail, PASSWORD);
      await logIn(page, newEmail, PASSWORD);
      expect(currentPath(page)).toBe("/contacts");
      await expectText(page.locator(".site-header .who"), newEmail);
    });

    test("change password signs out the other sessions, then delete the account for good", async () => {
      const { page, context } = await open({ javaScriptEnabled });
      const email = await postSignUp(page, uniqueEmail("delete"));
      const kept = uniqueEmail("kept");
      await postContact(page, { name: "Ada Lovelace", email: kept });
      const other = await open({ javaScriptEnabled });
      await logIn(other.page, email);

      await visit(page, "/account");
      const change = formWith(page, "Change password");
      await change.getByLabel("Current password", { exact: true }).fill("not my password");
      await change.getByLabel("New password", { exact: true }).fill(NEW_PASSWORD);
      expectStatus(await submit(page, change.getByRole("button", { name: "Change password" })), 400);
      await expectFieldError(change, "Current password", WRONG_PASSWORD);
      // Nothing changed: the other device is still signed in.
      await visit(other.page, "/contacts");
      expect(currentPath(other.page)).toBe("/contacts");

      await change.getByLabel("Current password", { exact: true }).fill(PASSWORD);
      await change.getByLabel("New password", { exact: true }).fill(NEW_PASSWORD);
      expectStatus(await submit(page, change.getByRole("button", { name: "Change password" })), 303);
      await expectText(flash(page), "Your password has been changed. 1 other session signed out.");
      expect(currentPath(page)).toBe("/account");
      await expectSignedOut(other.page);
      // This one stays signed in.
      await visit(page, "/contacts");
      expect(currentPath(page)).toBe("/contacts");
      const [notice] = await inbox(email);
      expect(notice!.subject).toBe("Your Cardfile password was changed");
      expect(notice!.text).toMatch(/was just changed on the account page/);

      // The page offers the data before it goes.
      await visit(page, "/account");
      for (const [name, href] of [
        ["CSV", "/contacts/export.csv"],
        ["vCard", "/contacts/export.vcf"],
      ]) {
        const download = page.getByRole("link", { name, exact: true });
        expect(await download.getAttribute("href")).toBe(href);
        expect(await download.getAttribute("download")).not.toBeNull();
      }
      const [csv] = await Promise.all([page.waitForEvent("download"), page.getByRole("link", { name: "CSV", exact: true }).click()]);
      expect(readFileSync(await csv.path(), "utf8")).toContain(kept);

      // The old password does not delete it any more.
      const remove = formWith(page, "Delete my account");
      await remove.getByLabel("Current password", { exact: true }).fill(PASSWORD);
      await remove.getByLabel("Delete my account and every contact, label and import in it, for good").check();
      expectStatus(await submit(page, remove.getByRole("button", { name: "Delete my account" })), 400);
      await expectFieldError(remove, "Current password", WRONG_PASSWORD);
      await visit(page, "/contacts");
      expect(currentPath(page)).toBe("/contacts");

      await visit(page, "/account");
      await remove.getByLabel("Current password", { exact: true }).fill(NEW_PASSWORD);
      await remove.getByLabel("Delete my account and every contact, label and import in it, for good").check();
      expectStatus(await submit(page, remove.getByRole("button", { name: "Delete my account" })), 303);
      await waitForPath(page, "/goodbye");
      await expectText(flash(page), "Your account and everything in it have been deleted.");
      await expectText(page.locator("h1"), "Your account is deleted");
      expect(await page.locator(".site-header .who").count()).toBe(0);
      expect((await context.cookies()).filter((cookie) => cookie.name === "cardfile_session")).toEqual([]);

      await expectSignedOut(page);
      await expectLogInRefused(page, email, NEW_PASSWORD);
      await expectLogInRefused(page, email, PASSWORD);
    });
  });
}
