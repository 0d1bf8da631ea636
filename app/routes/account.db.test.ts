import { describe, expect, it } from "vitest";
import { createSession } from "#app/auth/session.server";
import { db } from "#app/db.server";
import { createTestUser, signedInUser, TEST_PASSWORD } from "#tests/factories";
import { call, cookieFrom, get, post } from "#tests/route-helpers";
import * as account from "./account";
import * as contacts from "./contacts._index";
import * as login from "./login";

const SESSION = "cardfile_session";
const FIREFOX = "Mozilla/5.0 (X11; Linux x86_64; rv:126.0) Gecko/20100101 Firefox/126.0";

/** Another session of the same user, from another browser; its Cookie header. */
async function anotherSession(userId: string, userAgent = FIREFOX): Promise<string> {
  const setCookie = await createSession(new Request("http://localhost/login", { headers: { "User-Agent": userAgent } }), userId);
  return setCookie.split(";")[0]!;
}

async function liveSessionCount(userId: string): Promise<number> {
  const rows = await db.selectFrom("sessions").select("id").where("user_id", "=", userId).where("expires_at", ">", Date.now()).execute();
  return rows.length;
}

async function isSignedIn(cookie: string): Promise<boolean> {
  return (await call(contacts.loader, get("/contacts", cookie))).status === 200;
}

describe(`account page (${process.env.TEST_DIALECT})`, () => {
  it("sends a signed-out visitor to log in and back", async () => {
    for (const request of [get("/account"), post("/account", { intent: "revoke-all" })]) {
      const res = await call(request.method === "GET" ? account.loader : account.action, request);
      expect(res.status).toBe(303);
      expect(res.location).toBe("/login?redirectTo=%2Faccount");
    }
  });

  it("lists only this user's live sessions, this device first, with no token or hash", async () => {
    const { user, cookie } = await signedInUser();
    await anotherSession(user.id);
    const expired = await anotherSession(user.id, "curl/8.5.0");
    await db
      .updateTable("sessions")
      .set({ expires_at: Date.now() - 1 })
      .where("user_agent", "=", "curl/8.5.0")
      .where("user_id", "=", user.id)
      .execute();
    const stranger = await signedInUser();
    await anotherSession(stranger.user.id);

    const res = await call(account.loader, get("/account", cookie));
    expect(res.status).toBe(200);
    expect(res.data.email).toBe(user.email);
    const sessions = res.data.sessions as { id: string; current: boolean; device: string; createdAt: string }[];
    expect(sessions).toHaveLength(2);
    expect(sessions.map((s) => s.current)).toEqual([true, false]);
    expect(sessions.map((s) => s.device)).toEqual(["Unknown browser", "Firefox on Linux"]);
    expect(sessions[0]!.createdAt).toMatch(/^\d{4}-\d\d-\d\dT/);

    const own = await db.selectFrom("sessions").select(["id", "token_hash"]).where("user_id", "=", user.id).execute();
    const payload = JSON.stringify(res.data);
    for (const row of own) expect(payload).not.toContain(row.token_hash);
    for (const token of [cookie, expired].map((c) => c.split("=")[1]!)) expect(payload).not.toContain(token);
    expect(payload).not.toMatch(/token/i);
  });

  it("signs another session out and comes back to /account with a flash", async () => {
    const { user, cookie } = await signedInUser();
    const otherCookie = await anotherSession(user.id);
    const other = (await call(account.loader, get("/account", cookie))).data.sessions.find((s: { current: boolean }) => !s.current);

    const res = await call(account.action, post("/account", { intent: "revoke", sessionId: other.id }, cookie));
    expect(res.status).toBe(303);
    expect(res.location).toBe("/account");
    expect(decodeURIComponent(cookieFrom(res.headers, "cardfile_flash")!)).toContain("Signed out of 1 other session");
    expect(cookieFrom(res.headers, SESSION)).toBeNull(); // this browser stays signed in
    expect(await isSignedIn(otherCookie)).toBe(false);
    expect(await isSignedIn(cookie)).toBe(true);
  });

  it("answers a repeated sign-out form with its first answer, not a 404", async () => {
    const { user, cookie } = await signedInUser();
    await anotherSession(user.id);
    const page = (await call(account.loader, get("/account", cookie))).data;
    const other = page.sessions.find((s: { current: boolean }) => !s.current);
    const form = { intent: "revoke", sessionId: other.id, submissionKey: other.submissionKey };
    const first = await call(account.action, post("/account", form, cookie));
    const repeat = await call(account.action, post("/account", form, cookie));
    expect([first.status, repeat.status]).toEqual([303, 303]);
    expect(repeat.location).toBe("/account");
    expect(decodeURIComponent(cookieFrom(repeat.headers, "cardfile_flash")!)).toContain("Signed out of 1 other session");
    // Every form on the page has its own key.
    const keys = [page.revokeAllKey, ...page.sessions.map((s: { submissionKey: string }) => s.submissionKey)];
    expect(new Set(keys).size).toBe(keys.length);
  });

  it("signs this device out when its own session is revoked: cookie cleared, 303 to /login", async () => {
    const { user, cookie } = await signedInUser();
    const otherCookie = await anotherSession(user.id);
    const current = (await call(account.loader, get("/account", cookie))).data.sessions.find((s: { current: boolean }) => s.current);

    const res = await call(account.action, post("/account", { intent: "revoke", sessionId: current.id }, cookie));
    expect(res.status).toBe(303);
    expect(res.location).toBe("/login");
    expect(res.headers.getSetCookie().find((c) => c.startsWith(`${SESSION}=`))).toMatch(/Max-Age=0/);
    expect(await isSignedIn(cookie)).toBe(false);
    expect(await isSignedIn(otherCookie)).toBe(true);
  });

  it("signs out everywhere: every session of this user ends, another user's do not", async () => {
    const { user, cookie } = await signedInUser();
    const others = [await anotherSession(user.id), await anotherSession(user.id)];
    const stranger = await signedInUser();

    const res = await call(account.action, post("/account", { intent: "revoke-all" }, cookie));
    expect(res.status).toBe(303);
    expect(res.location).toBe("/login");
    expect(res.headers.getSetCookie().find((c) => c.startsWith(`${SESSION}=`))).toMatch(/Max-Age=0/);
    expect(decodeURIComponent(cookieFrom(res.headers, "cardfile_flash")!)).toContain("3 sessions");
    expect(await liveSessionCount(user.id)).toBe(0);
    for (const c of [cookie, ...others]) expect(await isSignedIn(c)).toBe(false);
    expect(await isSignedIn(stranger.cookie)).toBe(true);
  });

  it("answers 404 for another user's session and changes nothing", async () => {
    const { user, cookie } = await signedInUser();
    const stranger = await signedInUser();
    const [theirs] = await db.selectFrom("sessions").select("id").where("user_id", "=", stranger.user.id).execute();

    for (const sessionId of [theirs!.id, "A".repeat(22), "not an id", ""]) {
      const res = await call(account.action, post("/account", { intent: "revoke", sessionId }, cookie));
      expect(res.status).toBe(404);
    }
    const missing = await call(account.action, post("/account", { intent: "revoke" }, cookie));
    expect(missing.status).toBe(404);
    expect(await isSignedIn(stranger.cookie)).toBe(true);
    expect(await liveSessionCount(user.id)).toBe(1);
  });

  it.each<Record<string, string>>([{}, { intent: "delete-everything" }, { intent: "" }, { intent: "REVOKE-ALL" }])(
    "answers 400 for an unknown intent %j and changes nothing",
    async (form) => {
      const { user, cookie } = await signedInUser();
      const res = await call(account.action, post("/account", form, cookie));
      expect(res.status).toBe(400);
      expect(res.data).toBe("Unknown intent");
      expect(await liveSessionCount(user.id)).toBe(1);
    },
  );

  it("does not let a revoked session act again", async () => {
    const { user, cookie } = await signedInUser();
    await call(account.action, post("/account", { intent: "revoke-all" }, cookie));
    await anotherSession(user.id);
    const res = await call(account.action, post("/account", { intent: "revoke-all" }, cookie));
    expect(res.status).toBe(303);
    expect(res.location).toBe("/login?redirectTo=%2Faccount");
    expect(await liveSessionCount(user.id)).toBe(1);
  });
});

describe(`sessions record the browser (${process.env.TEST_DIALECT})`, () => {
  it("keeps the User-Agent of the browser that logged in and shows it on the account page", async () => {
    const user = await createTestUser();
    const request = post("/login", { email: user.email, password: TEST_PASSWORD });
    request.headers.set("User-Agent", FIREFOX);
    const cookie = cookieFrom((await call(login.action, request)).headers, SESSION)!;
    const row = await db.selectFrom("sessions").select("user_agent").where("user_id", "=", user.id).executeTakeFirstOrThrow();
    expect(row.user_agent).toBe(FIREFOX);
    const page = await call(account.loader, get("/account", cookie));
    expect(page.data.sessions).toMatchObject([{ current: true, userAgent: FIREFOX, device: "Firefox on Linux" }]);
  });

  it("stores the first 200 characters of the User-Agent at login, without control characters", async () => {
    const user = await createTestUser();
    const long = `Mozilla/5.0 \u0007${"x".repeat(300)}`;
    await createSession(new Request("http://localhost/login", { headers: { "User-Agent": long } }), user.id);
    await createSession(new Request("http://localhost/login"), user.id);
    const rows = await db.selectFrom("sessions").select("user_agent").where("user_id", "=", user.id).orderBy("created_at").execute();
    const stored = rows.map((r) => r.user_agent);
    expect(stored).toContain(null);
    const ua = stored.find((s) => s !== null)!;
    expect(ua).toHaveLength(200);
    expect(ua.startsWith("Mozilla/5.0 xxx")).toBe(true);
  });
});
