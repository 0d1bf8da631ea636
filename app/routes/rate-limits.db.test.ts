import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { deleteContact } from "#app/contacts/trash.server";
import { consumeRateLimit, RATE_LIMITS, readRateLimit } from "#app/rate-limits/rate-limits.server";
import { newSubmissionKey } from "#app/submissions/submission-keys.server";
import { db } from "#app/db.server";
import { createTestContact, createTestUser, signedInUser, TEST_PASSWORD, uniqueEmail } from "#tests/factories";
import { call, post, randomIp } from "#tests/route-helpers";
import * as remove from "./contacts.$contactId.delete";
import * as edit from "./contacts.$contactId.edit";
import * as restore from "./contacts.$contactId.restore";
import * as create from "./contacts.new";
import * as login from "./login";
import * as signup from "./signup";

const MINUTE = 60_000;

// Limits count in fixed windows of the clock. Frozen, it cannot cross a
// window's end in the middle of a test (60 writes take a while on Postgres).
beforeEach(() => {
  vi.useFakeTimers({ toFake: ["Date"] });
  vi.setSystemTime(Date.now());
});
afterEach(() => {
  vi.useRealTimers();
});

/** Retry-After at the frozen time: the seconds left in the current window. */
function secondsLeft(windowMs: number): string {
  return String(Math.max(1, Math.ceil((windowMs - (Date.now() % windowMs)) / 1000)));
}

const TRY_AGAIN = /Try again in \d+ (minutes?|seconds?)\.$/;

function logInFrom(clientIp: string, email: string, password: string) {
  return call(login.action, post("/login", { email, password }), {}, { clientIp });
}

describe(`login rate limits (${process.env.TEST_DIALECT})`, () => {
  it("answers the 11th attempt on an account after 10 failures with 429, even with the right password", async () => {
    const user = await createTestUser();
    const ip = randomIp();
    for (let i = 0; i < 10; i++) expect((await logInFrom(ip, user.email, "wrong password")).status).toBe(400);

    const res = await logInFrom(ip, user.email, TEST_PASSWORD);
    expect(res.status).toBe(429);
    expect(res.headers.get("Retry-After")).toBe(secondsLeft(RATE_LIMITS.loginFailuresPerAccount.windowMs));
    expect(res.data.error[""]).toEqual([expect.stringMatching(/^Too many failed attempts\. /)]);
    expect(res.data.error[""][0]).toMatch(TRY_AGAIN);
    expect(res.data.initialValue.email).toBe(user.email);
    expect(res.data.initialValue.password).toBeUndefined();
    expect(res.headers.getSetCookie()).toEqual([]);
  });

  it("limits the account from every address, in any case of the email", async () => {
    const user = await createTestUser();
    for (let i = 0; i < 10; i++) await logInFrom(randomIp(), user.email, "wrong password");
    const res = await logInFrom(randomIp(), user.email.toUpperCase(), TEST_PASSWORD);
    expect(res.status).toBe(429);
    expect(res.data.initialValue.email).toBe(user.email.toUpperCase());
  });

  it("limits an address after 50 failures across accounts, and only that address", async () => {
    const ip = randomIp();
    for (let i = 0; i < 50; i++) expect((await logInFrom(ip, uniqueEmail(), "wrong password")).status).toBe(400);
    const user = await createTestUser();
    const res = await logInFrom(ip, user.email, TEST_PASSWORD);
    expect(res.status).toBe(429);
    expect(res.headers.get("Retry-After")).toBe(secondsLeft(RATE_LIMITS.loginFailuresPerAddress.windowMs));
    expect((await logInFrom(randomIp(), user.email, TEST_PASSWORD)).status).toBe(303);
  });

  it("counts only failures against an address: a success takes its count back", async () => {
    const ip = randomIp();
    for (let i = 0; i < 49; i++) await logInFrom(ip, uniqueEmail(), "wrong password");
    const user = await createTestUser();
    for (let i = 0; i < 3; i++) expect((await logInFrom(ip, user.email, TEST_PASSWORD)).status).toBe(303);
    expect((await logInFrom(ip, uniqueEmail(), "wrong password")).status).toBe(400); // the 50th failure
    expect((await logInFrom(ip, user.email, TEST_PASSWORD)).status).toBe(429);
  });

  it("clears an account's failures when it logs in", async () => {
    const user = await createTestUser();
    for (let i = 0; i < 9; i++) await logInFrom(randomIp(), user.email, "wrong password");
    expect((await logInFrom(randomIp(), user.email, TEST_PASSWORD)).status).toBe(303);
    for (let i = 0; i < 9; i++) expect((await logInFrom(randomIp(), user.email, "wrong password")).status).toBe(400);
    expect((await logInFrom(randomIp(), user.email, TEST_PASSWORD)).status).toBe(303);
  });
});

describe(`sign-up rate limit (${process.env.TEST_DIALECT})`, () => {
  const signUpFrom = (clientIp: string, email: string, password = "long enough") =>
    call(signup.action, post("/signup", { email, password }), {}, { clientIp });

  it("answers the 11th sign-up from one address in an hour with 429, keeping the email", async () => {
    const ip = randomIp();
    // Malformed forms cost nothing and are not counted; a taken email is.
    expect((await signUpFrom(ip, "not an email")).status).toBe(400);
    expect((await signUpFrom(ip, uniqueEmail(), "short")).status).toBe(400);
    const taken = await createTestUser();
    expect((await signUpFrom(ip, taken.email)).status).toBe(409);
    for (let i = 0; i < 9; i++) expect((await signUpFrom(ip, uniqueEmail())).status).toBe(303);

    const email = uniqueEmail();
    const res = await signUpFrom(ip, email);
    expect(res.status).toBe(429);
    expect(res.headers.get("Retry-After")).toBe(secondsLeft(RATE_LIMITS.signupsPerAddress.windowMs));
    expect(res.data.error[""]).toEqual([expect.stringMatching(/^Too many sign-ups from your network\. /)]);
    expect(res.data.error[""][0]).toMatch(TRY_AGAIN);
    expect(res.data.initialValue.email).toBe(email);
    expect(res.data.initialValue.password).toBeUndefined();
    expect(res.headers.getSetCookie()).toEqual([]);
    expect(await db.selectFrom("users").select("id").where("email", "=", email).execute()).toEqual([]);

    expect((await signUpFrom(randomIp(), email)).status).toBe(303);
  });
});

const typed = () => ({ name: "Katherine Johnson", email: uniqueEmail("kj"), company: "NASA", phone: "+1 757 555 0100", notes: "Orbits" });

describe(`contact write rate limit (${process.env.TEST_DIALECT})`, () => {
  it("answers the 61st create in a minute with 429 and every typed value; other users are unaffected", async () => {
    const { user, cookie } = await signedInUser();
    for (let i = 0; i < 60; i++) expect((await call(create.action, post("/contacts/new", typed(), cookie))).status).toBe(303);

    const form = typed();
    const res = await call(create.action, post("/contacts/new", form, cookie));
    expect(res.status).toBe(429);
    expect(res.headers.get("Retry-After")).toBe(secondsLeft(RATE_LIMITS.contactWritesPerUser.windowMs));
    expect(res.data.error[""]).toEqual([expect.stringMatching(/^You are changing contacts too quickly\. /)]);
    expect(res.data.initialValue).toMatchObject(form);
    const rows = await db.selectFrom("contacts").select("id").where("owner_id", "=", user.id).execute();
    expect(rows).toHaveLength(60);

    const other = await signedInUser();
    expect((await call(create.action, post("/contacts/new", typed(), other.cookie))).status).toBe(303);
  });

  it("answers edits and deletes with 429 once the minute's writes are used, changing nothing", async () => {
    const { user, cookie } = await signedInUser();
    const contact = await createTestContact(user.id);
    for (let i = 0; i < 60; i++) await consumeRateLimit(RATE_LIMITS.contactWritesPerUser, user.id);
    const params = { contactId: contact.id };

    const form = { ...typed(), version: String(contact.version) };
    const edited = await call(edit.action, post(`/contacts/${contact.id}/edit`, form, cookie), params);
    expect(edited.status).toBe(429);
    expect(edited.headers.get("Retry-After")).toBe(secondsLeft(MINUTE));
    expect(edited.data.error[""][0]).toMatch(/^You are changing contacts too quickly\. /);
    expect(edited.data.initialValue).toMatchObject(form);

    const removed = await call(remove.action, post(`/contacts/${contact.id}/delete`, {}, cookie), params);
    expect(removed.status).toBe(429);
    expect(removed.headers.get("Retry-After")).toBe(secondsLeft(MINUTE));
    expect(removed.data.error).toMatch(/^You are changing contacts too quickly\. Try again in/);

    const row = await db.selectFrom("contacts").select("name").where("id", "=", contact.id).executeTakeFirstOrThrow();
    expect(row.name).toBe(contact.name);
  });
});

describe(`a retry after a lost reply and the rate limit (${process.env.TEST_DIALECT})`, () => {
  // The bug the hand-written write routes had: the limit was counted before
  // the submission key was looked up, so the retry of an answered form got a
  // 429 (its first answer was lost) and every replay spent a token.
  it("gives a repeated, already answered submission its first answer once the minute's writes are used, spending none", async () => {
    const { user, cookie } = await signedInUser();
    const first = { ...typed(), submissionKey: newSubmissionKey() };
    const answer = await call(create.action, post("/contacts/new", first, cookie));
    expect(answer.status).toBe(303);
    for (let i = 1; i < 60; i++) expect((await call(create.action, post("/contacts/new", typed(), cookie))).status).toBe(303);
    const used = await readRateLimit(RATE_LIMITS.contactWritesPerUser, user.id);
    expect(used).toBe(60);

    for (let i = 0; i < 3; i++) {
      const replay = await call(create.action, post("/contacts/new", first, cookie));
      expect(replay.status).toBe(303);
      expect(replay.location).toBe(answer.location);
    }
    expect(await readRateLimit(RATE_LIMITS.contactWritesPerUser, user.id)).toBe(used);
    expect((await call(create.action, post("/contacts/new", typed(), cookie))).status).toBe(429);
  });

  it.each([
    ["edit", (id: string) => `/contacts/${id}/edit`, edit.action, (version: number) => ({ ...typed(), version: String(version) })],
    ["delete", (id: string) => `/contacts/${id}/delete`, remove.action, () => ({})],
    ["restore", (id: string) => `/contacts/${id}/restore`, restore.action, () => ({})],
  ] as const)("does the same for %s", async (_name, path, action, fields) => {
    const { user, cookie } = await signedInUser();
    const contact = await createTestContact(user.id);
    if (action === restore.action) await deleteContact(user.id, contact.id);
    const form = { ...fields(contact.version), submissionKey: newSubmissionKey() };
    const params = { contactId: contact.id };
    const answer = await call(action, post(path(contact.id), form, cookie), params);
    expect(answer.status).toBe(303);
    for (let i = 1; i < 60; i++) await consumeRateLimit(RATE_LIMITS.contactWritesPerUser, user.id);
    const replay = await call(action, post(path(contact.id), form, cookie), params);
    expect(replay.status).toBe(303);
    expect(replay.location).toBe(answer.location);
    expect(replay.headers.getSetCookie()).toEqual(answer.headers.getSetCookie());
    expect(await readRateLimit(RATE_LIMITS.contactWritesPerUser, user.id)).toBe(60);
  });
});

describe(`Retry-After on the page (${process.env.TEST_DIALECT})`, () => {
  // Remix builds a page's headers from each route's `headers` export and
  // passes on nothing but Set-Cookie from an action that has none.
  it.each([
    ["login", login],
    ["signup", signup],
    ["contacts.new", create],
    ["contacts.$contactId.edit", edit],
    ["contacts.$contactId.delete", remove],
  ])("%s passes a refused action's Retry-After on, with its parent's headers", (_name, route) => {
    const headers = new Headers(
      route.headers({
        actionHeaders: new Headers({ "Retry-After": "42" }),
        loaderHeaders: new Headers(),
        parentHeaders: new Headers({ "Set-Cookie": "cardfile_flash=; Max-Age=0", "X-From-Parent": "yes" }),
        errorHeaders: undefined,
      }),
    );
    expect(headers.get("Retry-After")).toBe("42");
    expect(headers.get("X-From-Parent")).toBe("yes");
    expect(headers.getSetCookie()).toEqual(["cardfile_flash=; Max-Age=0"]);
  });
});
