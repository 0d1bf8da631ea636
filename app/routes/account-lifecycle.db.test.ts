import { describe, expect, it } from "vitest";
import { db } from "#app/db.server";
import { verifyLogin } from "#app/auth/users.server";
import { WRONG_PASSWORD } from "#app/accounts/account-changes.server";
import { RESET_REQUEST_JOB, resetRequestKey } from "#app/accounts/password-reset.server";
import { newId } from "#app/shared/ids";
import { createTestContact, createTestUser, signedInUser, TEST_PASSWORD, uniqueEmail } from "#tests/factories";
import { call, cookieFrom, get, post } from "#tests/route-helpers";
import { runResetRequests } from "#tests/reset-requests";
import * as account from "./account";
import * as confirmEmail from "./account_.confirm-email";
import * as contacts from "./contacts._index";
import * as forgot from "./forgot-password";
import * as reset from "./reset-password";

// The account lifecycle's routes with real Requests (issue 14): what a
// browser without JavaScript sends, and what it gets back.

const SESSION = "cardfile_session";
const NEW_PASSWORD = "a brand new secret 42";
const key = () => newId();

async function lastLink(to: string, path: string): Promise<string> {
  await runResetRequests(to);
  const row = await db
    .selectFrom("outbox")
    .select("text_body")
    .where("to_address", "=", to)
    .orderBy("created_at", "desc")
    .orderBy("id", "desc")
    .executeTakeFirst();
  const match = row?.text_body.match(new RegExp(`https?://[^\\s/]+(${path.replace("/", "\\/")}\\?token=[A-Za-z0-9_-]{43})`));
  if (!match) throw new Error(`no ${path} link to ${to}`);
  return match[1]!;
}

async function isSignedIn(cookie: string): Promise<boolean> {
  return (await call(contacts.loader, get("/contacts", cookie))).status === 200;
}

async function outboxCount(to: string): Promise<number> {
  await runResetRequests(to);
  return (await db.selectFrom("outbox").select("id").where("to_address", "=", to).execute()).length;
}

describe(`/forgot-password (${process.env.TEST_DIALECT})`, () => {
  it("answers an address with an account exactly as one without, and only the first gets a link", async () => {
    const user = await createTestUser();
    const answers = [];
    for (const email of [user.email, uniqueEmail("nobody")]) {
      const res = await call(forgot.action, post("/forgot-password", { email, submissionKey: key() }));
      answers.push({ status: res.status, location: res.location, cookies: res.headers.getSetCookie() });
    }
    expect(answers[0]).toMatchObject({
      status: 303,
      location: "/forgot-password?sent",
      cookies: [expect.stringMatching(/^cardfile_flash=/)],
    });
    expect(answers[1]).toEqual(answers[0]); // the same flash, byte for byte
    // And the same page after it.
    const pages = await Promise.all(answers.map((a) => call(forgot.loader, get(a.location!, a.cookies[0]!.split(";")[0]))));
    expect(pages.map((p) => ({ ...p.data, submissionKey: "" }))).toEqual([
      { sent: true, submissionKey: "" },
      { sent: true, submissionKey: "" },
    ]);
    expect(await outboxCount(user.email)).toBe(1);
    expect((await lastLink(user.email, "/reset-password")).startsWith("/reset-password?token=")).toBe(true);
  });

  it("does the same work for an address with an account and one without: one job, which alone looks it up", async () => {
    // Not a stopwatch (a loaded machine's medians wander by tens of
    // milliseconds either way): what each request wrote.
    const user = await createTestUser();
    const stranger = uniqueEmail("nobody");
    const written = [];
    for (const email of [user.email, stranger]) {
      await call(forgot.action, post("/forgot-password", { email, submissionKey: key() }));
      const jobs = await db.selectFrom("jobs").select(["kind", "state"]).where("unique_key", "=", resetRequestKey(email)).execute();
      const outbox = await db.selectFrom("outbox").select("id").where("to_address", "=", email).execute();
      written.push({ jobs, outbox });
    }
    expect(written[0]).toEqual({ jobs: [{ kind: RESET_REQUEST_JOB, state: "pending" }], outbox: [] });
    expect(written[1]).toEqual(written[0]);
    expect(await db.selectFrom("account_tokens").select("id").where("user_id", "=", user.id).execute()).toEqual([]);
  });

  it("refuses an invalid address with 400 and the error next to the field", async () => {
    const res = await call(forgot.action, post("/forgot-password", { email: "not an address", submissionKey: key() }));
    expect(res.status).toBe(400);
    expect(res.data.error.email).toEqual(["Enter a valid email address, like ada@example.com"]);
  });

  it("says so when an address has been sent too many links (429), for any address alike", async () => {
    for (const email of [(await createTestUser()).email, uniqueEmail("nobody")]) {
      for (let i = 0; i < 3; i++)
        expect((await call(forgot.action, post("/forgot-password", { email, submissionKey: key() }))).status).toBe(303);
      const refused = await call(forgot.action, post("/forgot-password", { email, submissionKey: key() }));
      expect(refused.status).toBe(429);
      expect(refused.headers.get("Retry-After")).toMatch(/^\d+$/);
      expect(refused.data.error[""][0]).toMatch(/several times in the last hour/);
    }
  });
});

describe(`/reset-password (${process.env.TEST_DIALECT})`, () => {
  it("shows the form for a live link, and a 410 page offering a new link for any other", async () => {
    const user = await createTestUser();
    await call(forgot.action, post("/forgot-password", { email: user.email, submissionKey: key() }));
    const link = await lastLink(user.email, "/reset-password");
    const page = await call(reset.loader, get(link));
    expect(page.status).toBe(200);
    expect(page.data.valid).toBe(true);
    expect(page.headers.get("Cache-Control")).toBe("no-store");
    expect(page.headers.get("Referrer-Policy")).toBeNull(); // the site-wide one stands (server/policy.js)
    for (const bad of ["/reset-password", "/reset-password?token=", "/reset-password?token=nope", `${link}x`]) {
      const gone = await call(reset.loader, get(bad));
      expect(gone.status).toBe(410);
      expect(gone.data).toMatchObject({ valid: false, token: "" });
    }
  });

  it("sets the password, ends every session, clears this browser's cookie, and lands on /login; the link then answers 410", async () => {
    const { user, cookie } = await signedInUser();
    await call(forgot.action, post("/forgot-password", { email: user.email, submissionKey: key() }));
    const link = await lastLink(user.email, "/reset-password");
    const token = new URL(link, "http://localhost").searchParams.get("token")!;

    const weak = await call(reset.action, post(link, { token, password: "short", submissionKey: key() }));
    expect(weak.status).toBe(400);
    expect(weak.data.error.password).toEqual(["Password must be at least 8 characters"]);
    expect(JSON.stringify(weak.data)).not.toContain('"short"');

    const form = { token, password: NEW_PASSWORD, submissionKey: key() };
    const done = await call(reset.action, post(link, form, cookie));
    expect(done.status).toBe(303);
    expect(done.location).toBe("/login");
    expect(cookieFrom(done.headers, SESSION)).toBe(`${SESSION}=`);
    expect(await isSignedIn(cookie)).toBe(false);
    expect(await verifyLogin(user.email, NEW_PASSWORD)).not.toBeNull();

    expect((await call(reset.action, post(link, form))).status).toBe(303); // the same submission again: its answer
    const again = await call(reset.action, post(link, { ...form, submissionKey: key() }));
    expect(again.status).toBe(410);
    expect((await call(reset.loader, get(link))).status).toBe(410);
  });
});

describe(`/account's password, email and deletion forms (${process.env.TEST_DIALECT})`, () => {
  it("a wrong current password is a 400 next to its field, never echoed, and changes nothing", async () => {
    const { user, cookie } = await signedInUser();
    const cases: ({ field: string } & Record<string, string>)[] = [
      { intent: "change-password", currentPassword: "wrong password", newPassword: NEW_PASSWORD, field: "currentPassword" },
      { intent: "change-email", password: "wrong password", email: uniqueEmail("new"), field: "password" },
      { intent: "delete-account", password: "wrong password", confirm: "yes", field: "password" },
    ];
    for (const { field, ...form } of cases) {
      const res = await call(account.action, post("/account", { ...form, submissionKey: key() }, cookie));
      expect(res.status).toBe(400);
      expect(res.data.error[field]).toEqual([WRONG_PASSWORD]);
      expect(JSON.stringify(res.data)).not.toContain("wrong password");
    }
    expect(await verifyLogin(user.email, TEST_PASSWORD)).not.toBeNull();
    expect(await isSignedIn(cookie)).toBe(true);
    expect(await outboxCount(user.email)).toBe(0);
  });

  it("counts wrong current passwords like failed log-ins: the eleventh in 15 minutes is a 429", async () => {
    const { cookie } = await signedInUser();
    const statuses = [];
    for (let i = 0; i < 11; i++) {
      const res = await call(
        account.action,
        post(
          "/account",
          { intent: "change-password", currentPassword: `wrong ${i}`, newPassword: NEW_PASSWORD, submissionKey: key() },
          cookie,
        ),
      );
      statuses.push(res.status);
    }
    expect(statuses).toEqual([...Array(10).fill(400), 429]);
  });

  it("changes the password: this session stays, the others end; a repeat of the form gets its first answer", async () => {
    const { user, cookie } = await signedInUser();
    const other = await signedInUser(); // an unrelated account's session stays too
    const login = await call((await import("./login")).action, post("/login", { email: user.email, password: TEST_PASSWORD }));
    const otherSession = cookieFrom(login.headers, SESSION)!;
    const form = { intent: "change-password", currentPassword: TEST_PASSWORD, newPassword: NEW_PASSWORD, submissionKey: key() };
    const res = await call(account.action, post("/account", form, cookie));
    expect(res.status).toBe(303);
    expect(res.location).toBe("/account");
    expect(await isSignedIn(cookie)).toBe(true);
    expect(await isSignedIn(otherSession)).toBe(false);
    expect(await isSignedIn(other.cookie)).toBe(true);
    expect((await call(account.action, post("/account", form, cookie))).status).toBe(303); // not "wrong password"
    expect(await outboxCount(user.email)).toBe(1);
  });

  it("refuses a new password that breaks the sign-up rules", async () => {
    const { user, cookie } = await signedInUser();
    const res = await call(
      account.action,
      post(
        "/account",
        { intent: "change-password", currentPassword: TEST_PASSWORD, newPassword: user.email, submissionKey: key() },
        cookie,
      ),
    );
    expect(res.status).toBe(400);
    expect(res.data.error.newPassword).toEqual(["Your password must not be your email address."]);
  });

  it("changes the email through the link sent to the new address; a taken one is a 409 without saying whose", async () => {
    const { user, cookie } = await signedInUser();
    const taken = await createTestUser();
    const refused = await call(
      account.action,
      post("/account", { intent: "change-email", email: taken.email, password: TEST_PASSWORD, submissionKey: key() }, cookie),
    );
    expect(refused.status).toBe(409);
    expect(refused.data.error.email).toEqual(["Another account uses this address."]);

    const newEmail = uniqueEmail("moved");
    const asked = await call(
      account.action,
      post("/account", { intent: "change-email", email: newEmail, password: TEST_PASSWORD, submissionKey: key() }, cookie),
    );
    expect(asked.status).toBe(303);
    const link = await lastLink(newEmail, "/account/confirm-email");
    const page = await call(confirmEmail.loader, get(link));
    expect(page.status).toBe(200);
    expect(page.data.newEmail).toBe(newEmail);
    // Opening the link changes nothing by itself (a mail scanner may open it): the button does.
    expect(await verifyLogin(user.email, TEST_PASSWORD)).not.toBeNull();
    const token = page.data.token as string;
    const confirmed = await call(confirmEmail.action, post(link, { token, submissionKey: key() }, cookie));
    expect(confirmed.status).toBe(303);
    expect(confirmed.location).toBe("/account");
    expect(await verifyLogin(newEmail, TEST_PASSWORD)).not.toBeNull();
    expect(await outboxCount(user.email)).toBe(1); // the notice to the old address
    const again = await call(confirmEmail.action, post(link, { token, submissionKey: key() }));
    expect(again.status).toBe(410);
    expect((await call(confirmEmail.loader, get(link))).status).toBe(410);
  });

  it("a confirmation opened signed out lands on /login", async () => {
    const { cookie } = await signedInUser();
    const newEmail = uniqueEmail("moved");
    await call(
      account.action,
      post("/account", { intent: "change-email", email: newEmail, password: TEST_PASSWORD, submissionKey: key() }, cookie),
    );
    const link = await lastLink(newEmail, "/account/confirm-email");
    const token = new URL(link, "http://localhost").searchParams.get("token")!;
    const confirmed = await call(confirmEmail.action, post(link, { token, submissionKey: key() }));
    expect(confirmed.location).toBe("/login");
  });

  it("deletes the account only with the box ticked and the password, then lands on /goodbye signed out", async () => {
    const { user, cookie } = await signedInUser();
    await createTestContact(user.id);
    const unticked = await call(
      account.action,
      post("/account", { intent: "delete-account", password: TEST_PASSWORD, submissionKey: key() }, cookie),
    );
    expect(unticked.status).toBe(400);
    expect(unticked.data.error.confirm).toEqual(["Tick the box to confirm that everything goes."]);
    expect(await isSignedIn(cookie)).toBe(true);

    const res = await call(
      account.action,
      post("/account", { intent: "delete-account", password: TEST_PASSWORD, confirm: "yes", submissionKey: key() }, cookie),
    );
    expect(res.status).toBe(303);
    expect(res.location).toBe("/goodbye");
    expect(cookieFrom(res.headers, SESSION)).toBe(`${SESSION}=`);
    expect(await isSignedIn(cookie)).toBe(false);
    expect(await db.selectFrom("users").select("id").where("id", "=", user.id).executeTakeFirst()).toBeUndefined();
    expect(await db.selectFrom("contacts").select("id").where("owner_id", "=", user.id).execute()).toEqual([]);
  });
});
