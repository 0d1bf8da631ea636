import { describe, expect, it } from "vitest";
import { db } from "#app/db.server";
import { createTestUser, TEST_PASSWORD, uniqueEmail } from "#tests/factories";
import { call, cookieFrom, get, post } from "#tests/route-helpers";
import * as contacts from "./contacts._index";
import * as index from "./_index";
import * as login from "./login";
import * as logout from "./logout";
import * as signup from "./signup";

const SESSION = "cardfile_session";

describe(`accounts (${process.env.TEST_DIALECT})`, () => {
  it("signs up, starts a session and redirects to /contacts with a welcome", async () => {
    const email = uniqueEmail();
    const res = await call(signup.action, post("/signup", { email, password: "long enough" }));
    expect(res.status).toBe(303);
    expect(res.location).toBe("/contacts");
    const cookie = cookieFrom(res.headers, SESSION);
    expect(cookie).toMatch(/^cardfile_session=[A-Za-z0-9_-]{43}$/);
    const setCookie = res.headers.getSetCookie().find((c) => c.startsWith(SESSION))!;
    expect(setCookie).toMatch(/HttpOnly/);
    expect(setCookie).toMatch(/SameSite=Lax/);
    expect(setCookie).toMatch(/Path=\//);
    expect(setCookie).toMatch(/Max-Age=2592000/);
    expect(setCookie).not.toMatch(/Secure/); // not production, not HTTPS
    expect(cookieFrom(res.headers, "cardfile_flash")).toContain("Welcome");

    const page = await call(contacts.loader, get("/contacts", cookie!));
    expect(page.status).toBe(200);
  });

  it("sends a signed-in user who posts the sign-up form to /contacts, creating nothing", async () => {
    const first = await call(signup.action, post("/signup", { email: uniqueEmail(), password: "long enough" }));
    const cookie = cookieFrom(first.headers, SESSION)!;
    const email = uniqueEmail();
    const res = await call(signup.action, post("/signup", { email, password: "long enough" }, cookie));
    expect(res.status).toBe(303);
    expect(res.location).toBe("/contacts");
    expect(await db.selectFrom("users").select("id").where("email", "=", email).execute()).toEqual([]);
  });

  it("stores only the SHA-256 of the session token, never the token", async () => {
    const res = await call(signup.action, post("/signup", { email: uniqueEmail(), password: "long enough" }));
    const token = cookieFrom(res.headers, SESSION)!.split("=")[1]!;
    const stored = await db.selectFrom("sessions").select("token_hash").where("token_hash", "=", token).execute();
    expect(stored).toEqual([]);
    const { createHash } = await import("node:crypto");
    const hashed = createHash("sha256").update(token).digest("hex");
    const row = await db.selectFrom("sessions").selectAll().where("token_hash", "=", hashed).executeTakeFirstOrThrow();
    expect(row.expires_at - row.created_at).toBe(30 * 24 * 60 * 60 * 1000);
  });

  it.each([
    [{ email: "not an email", password: "long enough" }, "email"],
    [{ email: uniqueEmail(), password: "short" }, "password"],
    [{ email: uniqueEmail(), password: "x".repeat(129) }, "password"],
  ])("rejects a bad sign-up with 400 and says which field: %j", async (form, field) => {
    const res = await call(signup.action, post("/signup", form));
    expect(res.status).toBe(400);
    expect(Object.keys(res.data.error)).toEqual([field]);
    expect(res.data.initialValue.password).toBeUndefined(); // never echo a password
  });

  it("refuses a second account for the same email (any case) with 409", async () => {
    const email = uniqueEmail();
    await createTestUser(email);
    const res = await call(signup.action, post("/signup", { email: email.toUpperCase(), password: "long enough" }));
    expect(res.status).toBe(409);
    expect(res.data.error.email[0]).toMatch(/already exists/);
  });

  it("logs in, with a new token each time, and follows a same-origin redirectTo", async () => {
    const user = await createTestUser();
    const first = await call(login.action, post("/login", { email: user.email, password: TEST_PASSWORD, redirectTo: "/contacts/new" }));
    expect(first.status).toBe(303);
    expect(first.location).toBe("/contacts/new");
    const second = await call(login.action, post("/login", { email: user.email, password: TEST_PASSWORD }));
    expect(second.location).toBe("/contacts");
    expect(cookieFrom(second.headers, SESSION)).not.toBe(cookieFrom(first.headers, SESSION));
  });

  it("ends the session the browser had when it logs in again (no fixation)", async () => {
    const user = await createTestUser();
    const first = await call(login.action, post("/login", { email: user.email, password: TEST_PASSWORD }));
    const oldCookie = cookieFrom(first.headers, SESSION)!;
    await call(login.action, post("/login", { email: user.email, password: TEST_PASSWORD }, oldCookie));
    const res = await call(contacts.loader, get("/contacts", oldCookie));
    expect(res.status).toBe(303);
    expect(res.location).toMatch(/^\/login/);
  });

  it.each(["//evil.example", "https://evil.example/x", "/\\evil.example"])("ignores an off-site redirectTo %s", async (redirectTo) => {
    const user = await createTestUser();
    const res = await call(login.action, post("/login", { email: user.email, password: TEST_PASSWORD, redirectTo }));
    expect(res.location).toBe("/contacts");
  });

  it("gives the same answer for an unknown email and a wrong password", async () => {
    const user = await createTestUser();
    const wrong = await call(login.action, post("/login", { email: user.email, password: "wrong password" }));
    const unknown = await call(login.action, post("/login", { email: uniqueEmail(), password: "wrong password" }));
    expect(wrong.status).toBe(400);
    expect(unknown.status).toBe(400);
    expect(wrong.data.error).toEqual(unknown.data.error);
    expect(wrong.data.error[""]).toEqual(["Email or password is incorrect"]);
    expect(wrong.headers.getSetCookie()).toEqual([]);
  });

  it("logs in with the email in any case", async () => {
    const user = await createTestUser(uniqueEmail("MiXeD"));
    const res = await call(login.action, post("/login", { email: user.email.toLowerCase(), password: TEST_PASSWORD }));
    expect(res.status).toBe(303);
  });

  it("logs out: deletes the session server-side and clears the cookie", async () => {
    const user = await createTestUser();
    const cookie = cookieFrom((await call(login.action, post("/login", { email: user.email, password: TEST_PASSWORD }))).headers, SESSION)!;
    const res = await call(logout.action, post("/logout", {}, cookie));
    expect(res.status).toBe(303);
    expect(res.location).toBe("/login");
    expect(res.headers.getSetCookie().find((c) => c.startsWith(SESSION))).toMatch(/Max-Age=0/);
    const after = await call(contacts.loader, get("/contacts", cookie));
    expect(after.status).toBe(303);
  });

  it("does not log out on GET", async () => {
    const user = await createTestUser();
    const cookie = cookieFrom((await call(login.action, post("/login", { email: user.email, password: TEST_PASSWORD }))).headers, SESSION)!;
    await call(logout.loader, get("/logout", cookie));
    expect((await call(contacts.loader, get("/contacts", cookie))).status).toBe(200);
  });

  it("refuses an expired session", async () => {
    const user = await createTestUser();
    const cookie = cookieFrom((await call(login.action, post("/login", { email: user.email, password: TEST_PASSWORD }))).headers, SESSION)!;
    await db
      .updateTable("sessions")
      .set({ expires_at: Date.now() - 1 })
      .where("user_id", "=", user.id)
      .execute();
    expect((await call(contacts.loader, get("/contacts", cookie))).status).toBe(303);
  });

  it("sends / to /contacts when signed in and to /login otherwise", async () => {
    expect((await call(index.loader, get("/"))).location).toBe("/login");
    const user = await createTestUser();
    const cookie = cookieFrom((await call(login.action, post("/login", { email: user.email, password: TEST_PASSWORD }))).headers, SESSION)!;
    expect((await call(index.loader, get("/", cookie))).location).toBe("/contacts");
  });

  it("ignores a forged or garbage session cookie", async () => {
    for (const value of ["x", "a".repeat(43), "%%%", "b".repeat(5000)]) {
      const res = await call(contacts.loader, get("/contacts", `${SESSION}=${value}`));
      expect(res.status).toBe(303);
    }
  });
});
