import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import { sql } from "kysely";
import { db } from "#app/db.server";
import { createSession, getUser } from "#app/auth/session.server";
import { verifyLogin } from "#app/auth/users.server";
import { hashPassword } from "#app/auth/password.server";
import { setStar } from "#app/contacts/star.server";
import { appendChunk, createUpload, IMPORT_JOB, importJobKey } from "#app/imports/imports.server";
import { enqueueJob } from "#app/jobs/jobs.server";
import { setContactLabels } from "#app/labels/contact-labels.server";
import { consumeRateLimit, RATE_LIMITS, readRateLimit } from "#app/rate-limits/rate-limits.server";
import { emailKey } from "#app/shared/text";
import { newId } from "#app/shared/ids";
import { createTestContact, createTestLabel, createTestUser, TEST_PASSWORD, uniqueEmail } from "#tests/factories";
import { lookUpToken } from "./account-tokens.server";
import {
  changePassword,
  confirmEmailChange,
  deleteAccount,
  EMAIL_TAKEN,
  EMAIL_UNCHANGED,
  requestEmailChange,
} from "./account-changes.server";
import { runResetRequests } from "#tests/reset-requests";
import {
  RESET_REQUEST_JOB,
  requestPasswordReset,
  resetPassword,
  resetRequestKey,
  sendResetLink,
  type ResetRequest,
} from "./password-reset.server";

// The account lifecycle's domain functions on both databases, with a
// controllable clock (every function takes `now`).

const MINUTE = 60_000;
const NEW_PASSWORD = "a brand new secret 42";

async function outboxOf(userId: string) {
  return db.selectFrom("outbox").selectAll().where("user_id", "=", userId).orderBy("created_at").orderBy("id").execute();
}

/** The token in the last message to `to` (the link's query), as the reader would click it. */
async function linkTokenSentTo(userId: string, to: string, path: string): Promise<string> {
  const messages = (await outboxOf(userId)).filter((m) => m.to_address === to && m.text_body.includes(path));
  const match = messages.at(-1)?.text_body.match(/\?token=([A-Za-z0-9_-]{43})/);
  if (!match) throw new Error(`no ${path} link sent to ${to}`);
  return match[1]!;
}

async function sessionCookie(userId: string): Promise<string> {
  return (await createSession(new Request("http://localhost/login"), userId)).split(";")[0]!;
}

const withCookie = (cookie: string) => new Request("http://localhost/account", { headers: { Cookie: cookie } });
/** /forgot-password's request, and the job it enqueues run at once. */
async function askReset(request: ResetRequest) {
  const result = await requestPasswordReset(request);
  await runResetRequests(request.email, request.now);
  return result;
}

const ip = () => `198.51.100.${Math.floor(Math.random() * 250)}`;
const key = () => newId();

describe(`forgot password (${process.env.TEST_DIALECT})`, () => {
  it("queues one link for an address with an account, nothing for one without, and a repeat of the form asks for nothing more", async () => {
    const user = await createTestUser();
    const form = key();
    expect((await askReset({ email: user.email.toUpperCase(), clientIp: ip(), submissionKey: form })).limited).toBe(false);
    expect((await askReset({ email: user.email, clientIp: ip(), submissionKey: form })).limited).toBe(false);
    const sent = await outboxOf(user.id);
    expect(sent).toHaveLength(1);
    expect(sent[0]).toMatchObject({ to_address: user.email, subject: "Choose a new Cardfile password" });
    expect(sent[0]!.html_body).toContain("/reset-password?token=");

    const stranger = uniqueEmail("nobody");
    const before = await db.selectFrom("outbox").select(db.fn.countAll().as("n")).executeTakeFirstOrThrow();
    expect((await askReset({ email: stranger, clientIp: ip(), submissionKey: key() })).limited).toBe(false);
    const after = await db.selectFrom("outbox").select(db.fn.countAll().as("n")).executeTakeFirstOrThrow();
    expect(Number(after.n)).toBe(Number(before.n));
  });

  it("does the same work for any address: two rate-limit counts and one job, which alone looks the address up", async () => {
    const user = await createTestUser();
    for (const email of [user.email, uniqueEmail("nobody")]) {
      await requestPasswordReset({ email, clientIp: ip(), submissionKey: key() });
      const jobs = await db.selectFrom("jobs").select(["kind", "payload"]).where("unique_key", "=", resetRequestKey(email)).execute();
      expect(jobs).toEqual([{ kind: RESET_REQUEST_JOB, payload: expect.stringContaining(JSON.stringify(email)) }]);
    }
    expect(await outboxOf(user.id)).toEqual([]); // nothing yet: the job issues the link
    await runResetRequests(user.email);
    expect(await outboxOf(user.id)).toHaveLength(1);
    await runResetRequests(user.email); // nothing pending: nothing more
    expect(await outboxOf(user.id)).toHaveLength(1);
  });

  it("a job run twice (taken over after a crash) sends one link", async () => {
    const user = await createTestUser();
    await requestPasswordReset({ email: user.email, clientIp: ip(), submissionKey: null });
    const job = await db
      .selectFrom("jobs")
      .select("payload")
      .where("unique_key", "=", resetRequestKey(user.email))
      .executeTakeFirstOrThrow();
    await sendResetLink(JSON.parse(job.payload));
    await sendResetLink(JSON.parse(job.payload));
    expect(await outboxOf(user.id)).toHaveLength(1);
  });

  it("stores only the token's hash, 256 bits of it", async () => {
    const user = await createTestUser();
    await askReset({ email: user.email, clientIp: ip(), submissionKey: key() });
    const token = await linkTokenSentTo(user.id, user.email, "/reset-password");
    expect(Buffer.from(token, "base64url")).toHaveLength(32);
    const rows = await db.selectFrom("account_tokens").selectAll().where("user_id", "=", user.id).execute();
    expect(rows).toHaveLength(1);
    expect(JSON.stringify(rows)).not.toContain(token);
    expect(rows[0]!.token_hash).toBe(createHash("sha256").update(token).digest("hex"));
  });

  it("limits requests per address (with or without an account) and per client", async () => {
    const user = await createTestUser();
    const stranger = uniqueEmail("nobody");
    for (const email of [user.email, stranger]) {
      for (let i = 0; i < RATE_LIMITS.resetRequestsPerAccount.max; i++) {
        expect((await askReset({ email, clientIp: ip(), submissionKey: key() })).limited).toBe(false);
      }
      const refused = await askReset({ email, clientIp: ip(), submissionKey: key() });
      expect(refused).toMatchObject({ limited: true, message: expect.stringContaining(RATE_LIMITS.resetRequestsPerAccount.message) });
    }
    expect(await outboxOf(user.id)).toHaveLength(RATE_LIMITS.resetRequestsPerAccount.max);

    const client = ip() + ".7";
    for (let i = 0; i < RATE_LIMITS.resetRequestsPerAddress.max; i++) {
      await askReset({ email: uniqueEmail("flood"), clientIp: client, submissionKey: key() });
    }
    expect((await askReset({ email: user.email, clientIp: client, submissionKey: key(), now: Date.now() })).limited).toBe(true);
  });

  it("resets the password once: sessions end, a notice goes out, the link is used up", async () => {
    const user = await createTestUser();
    const cookies = [await sessionCookie(user.id), await sessionCookie(user.id)];
    await consumeRateLimit(RATE_LIMITS.loginFailuresPerAccount, emailKey(user.email));
    await askReset({ email: user.email, clientIp: ip(), submissionKey: key() });
    const token = await linkTokenSentTo(user.id, user.email, "/reset-password");
    const form = key();

    expect(await resetPassword({ token, password: NEW_PASSWORD, usedWith: form })).toEqual({ outcome: "reset", email: user.email });
    expect(await verifyLogin(user.email, TEST_PASSWORD)).toBeNull();
    expect(await verifyLogin(user.email, NEW_PASSWORD)).toMatchObject({ id: user.id });
    for (const cookie of cookies) expect(await getUser(withCookie(cookie))).toBeNull();
    expect((await outboxOf(user.id)).map((m) => m.subject)).toEqual([
      "Choose a new Cardfile password",
      "Your Cardfile password was changed",
    ]);
    expect(await readRateLimit(RATE_LIMITS.loginFailuresPerAccount, emailKey(user.email))).toBe(0);

    // The same submission again (a retry after a lost answer): the same answer, nothing more.
    expect(await resetPassword({ token, password: "yet another secret 7", usedWith: form })).toEqual({
      outcome: "reset",
      email: user.email,
    });
    expect(await verifyLogin(user.email, NEW_PASSWORD)).not.toBeNull();
    expect(await outboxOf(user.id)).toHaveLength(2);
    // Another submission with the used link: refused.
    expect(await resetPassword({ token, password: "yet another secret 7", usedWith: key() })).toEqual({ outcome: "invalid" });
    expect(await verifyLogin(user.email, NEW_PASSWORD)).not.toBeNull();
  });

  it("refuses an expired link (30 minutes), a superseded one, and an unknown one", async () => {
    const user = await createTestUser();
    const t0 = Date.now();
    await askReset({ email: user.email, clientIp: ip(), submissionKey: key(), now: t0 });
    const first = await linkTokenSentTo(user.id, user.email, "/reset-password");
    expect((await lookUpToken(first, "password-reset", { now: t0 + 30 * MINUTE - 1 })).state).toBe("valid");
    expect(await resetPassword({ token: first, password: NEW_PASSWORD, usedWith: key(), now: t0 + 30 * MINUTE })).toEqual({
      outcome: "invalid",
    });

    await askReset({ email: user.email, clientIp: ip(), submissionKey: key(), now: t0 + MINUTE });
    const second = await linkTokenSentTo(user.id, user.email, "/reset-password");
    await askReset({ email: user.email, clientIp: ip(), submissionKey: key(), now: t0 + 2 * MINUTE });
    const third = await linkTokenSentTo(user.id, user.email, "/reset-password");
    expect(new Set([first, second, third]).size).toBe(3);
    expect(await resetPassword({ token: second, password: NEW_PASSWORD, usedWith: key(), now: t0 + 3 * MINUTE })).toEqual({
      outcome: "invalid",
    });
    for (const bad of ["", "x".repeat(43), third.slice(0, -1), `${third}=`]) {
      expect(await resetPassword({ token: bad, password: NEW_PASSWORD, usedWith: key(), now: t0 + 3 * MINUTE })).toEqual({
        outcome: "invalid",
      });
    }
    expect(await verifyLogin(user.email, TEST_PASSWORD)).not.toBeNull();
    expect(await resetPassword({ token: third, password: NEW_PASSWORD, usedWith: key(), now: t0 + 3 * MINUTE })).toMatchObject({
      outcome: "reset",
    });
  });

  it("keeps the sign-up rules for the new password, and changes nothing when it breaks one", async () => {
    const user = await createTestUser();
    await askReset({ email: user.email, clientIp: ip(), submissionKey: key() });
    const token = await linkTokenSentTo(user.id, user.email, "/reset-password");
    expect(await resetPassword({ token, password: "password", usedWith: key() })).toMatchObject({ outcome: "weak" });
    expect(await resetPassword({ token, password: user.email, usedWith: key() })).toMatchObject({ outcome: "weak" });
    expect(await verifyLogin(user.email, TEST_PASSWORD)).not.toBeNull();
    expect((await lookUpToken(token, "password-reset")).state).toBe("valid");
  });
});

describe(`account changes (${process.env.TEST_DIALECT})`, () => {
  it("a new password ends every other session, keeps this one, ends reset links and sends a notice", async () => {
    const user = await createTestUser();
    const [mine, other] = [await sessionCookie(user.id), await sessionCookie(user.id)];
    await askReset({ email: user.email, clientIp: ip(), submissionKey: key() });
    const resetToken = await linkTokenSentTo(user.id, user.email, "/reset-password");
    const hash = await hashPassword(NEW_PASSWORD);
    const ended = await db.transaction().execute((trx) => changePassword(trx, user, hash, withCookie(mine)));
    expect(ended).toBe(1);
    expect(await getUser(withCookie(mine))).toMatchObject({ id: user.id });
    expect(await getUser(withCookie(other))).toBeNull();
    expect(await verifyLogin(user.email, NEW_PASSWORD)).not.toBeNull();
    expect((await lookUpToken(resetToken, "password-reset")).state).toBe("invalid");
    expect((await outboxOf(user.id)).at(-1)).toMatchObject({ to_address: user.email, subject: "Your Cardfile password was changed" });
  });

  it("changes the address only when the link sent to the new one is opened; the old one gets a notice", async () => {
    const user = await createTestUser();
    const newEmail = uniqueEmail("moved");
    const t0 = Date.now();
    const asked = await db.transaction().execute((trx) => requestEmailChange(trx, user, newEmail, key(), t0));
    expect(asked).toEqual({ ok: true });
    expect(await verifyLogin(user.email, TEST_PASSWORD)).not.toBeNull(); // nothing changed yet
    const token = await linkTokenSentTo(user.id, newEmail, "/account/confirm-email");
    expect((await outboxOf(user.id)).at(-1)).toMatchObject({ to_address: newEmail, subject: "Confirm your new Cardfile address" });

    const form = key();
    expect(await confirmEmailChange({ token, usedWith: form, now: t0 + MINUTE })).toEqual({ outcome: "changed", email: newEmail });
    expect(await verifyLogin(user.email, TEST_PASSWORD)).toBeNull();
    expect(await verifyLogin(newEmail.toUpperCase(), TEST_PASSWORD)).toMatchObject({ id: user.id, email: newEmail });
    expect((await outboxOf(user.id)).at(-1)).toMatchObject({ to_address: user.email, subject: "Your Cardfile address was changed" });
    // A repeat of the same confirmation gets its answer; another use of the link does not work.
    expect(await confirmEmailChange({ token, usedWith: form, now: t0 + MINUTE })).toEqual({ outcome: "changed", email: newEmail });
    expect(await confirmEmailChange({ token, usedWith: key(), now: t0 + MINUTE })).toEqual({ outcome: "invalid" });
  });

  it("refuses the account's own address and one another account uses; a link expires after 24 hours; a newer one supersedes it", async () => {
    const user = await createTestUser();
    const other = await createTestUser();
    const refusal = (email: string) => db.transaction().execute((trx) => requestEmailChange(trx, user, email, key()));
    expect(await refusal(user.email.toUpperCase())).toEqual({ ok: false, message: EMAIL_UNCHANGED, status: 400 });
    expect(await refusal(other.email.toUpperCase())).toEqual({ ok: false, message: EMAIL_TAKEN, status: 409 });
    expect(await outboxOf(user.id)).toEqual([]);

    const t0 = Date.now();
    const first = uniqueEmail("first");
    await db.transaction().execute((trx) => requestEmailChange(trx, user, first, key(), t0));
    const firstToken = await linkTokenSentTo(user.id, first, "/account/confirm-email");
    expect(await confirmEmailChange({ token: firstToken, usedWith: key(), now: t0 + 24 * 60 * MINUTE })).toEqual({ outcome: "invalid" });

    const second = uniqueEmail("second");
    await db.transaction().execute((trx) => requestEmailChange(trx, user, second, key(), t0 + MINUTE));
    const secondToken = await linkTokenSentTo(user.id, second, "/account/confirm-email");
    const third = uniqueEmail("third");
    await db.transaction().execute((trx) => requestEmailChange(trx, user, third, key(), t0 + 2 * MINUTE));
    expect(await confirmEmailChange({ token: secondToken, usedWith: key(), now: t0 + 3 * MINUTE })).toEqual({ outcome: "invalid" });
    expect((await db.selectFrom("users").select("email").where("id", "=", user.id).executeTakeFirstOrThrow()).email).toBe(user.email);
  });

  it("an address taken by another account after the link was sent: refused at confirmation, nothing changes", async () => {
    const user = await createTestUser();
    const wanted = uniqueEmail("contested");
    await db.transaction().execute((trx) => requestEmailChange(trx, user, wanted, key()));
    const token = await linkTokenSentTo(user.id, wanted, "/account/confirm-email");
    await createTestUser(wanted.toUpperCase());
    expect(await confirmEmailChange({ token, usedWith: key() })).toEqual({ outcome: "taken" });
    expect((await db.selectFrom("users").select("email").where("id", "=", user.id).executeTakeFirstOrThrow()).email).toBe(user.email);
    expect((await lookUpToken(token, "email-change")).state).toBe("valid");
  });
});

/** Every row of every table that mentions `needles`, as "table: row". */
async function rowsMentioning(needles: string[]): Promise<string[]> {
  const tables = (await db.introspection.getTables()).map((t) => t.name).filter((name) => !name.startsWith("kysely_"));
  const found: string[] = [];
  for (const table of tables) {
    const rows = await sql<Record<string, unknown>>`select * from ${sql.table(table)}`.execute(db);
    for (const row of rows.rows) {
      const text = JSON.stringify(row, (_key, value: unknown) =>
        value instanceof Uint8Array ? Buffer.from(value).toString("latin1") : value,
      );
      if (needles.some((needle) => text.includes(needle))) found.push(`${table}: ${text.slice(0, 200)}`);
    }
  }
  return found;
}

describe(`account deletion (${process.env.TEST_DIALECT})`, () => {
  it("deletes the account and every row of it in one transaction, and nothing of anyone else's", async () => {
    const user = await createTestUser();
    const neighbour = await createTestUser();
    const neighbourContact = await createTestContact(neighbour.id);
    // Everything an account can have.
    const contact = await createTestContact(user.id, { notes: `marker ${user.id}` });
    const label = await createTestLabel(user.id, "Family");
    await setContactLabels(user.id, contact.id, [label.id]);
    await setStar(user.id, contact.id, true);
    const trashed = await createTestContact(user.id);
    await db.updateTable("contacts").set({ deleted_at: Date.now() }).where("id", "=", trashed.id).execute();
    await sessionCookie(user.id);
    const importId = await createUpload(user.id, "contacts.csv");
    await appendChunk(importId, 0, new TextEncoder().encode(`name,email\nAda,${user.email}\n`));
    await enqueueJob(IMPORT_JOB, { importId }, { uniqueKey: importJobKey(importId) });
    await db
      .insertInto("submissions")
      .values({
        user_id: user.id,
        key: key(),
        form: "contact:create",
        status: 303,
        location: "/contacts",
        set_cookie: null,
        created_at: Date.now(),
      })
      .execute();
    await consumeRateLimit(RATE_LIMITS.contactWritesPerUser, user.id);
    await consumeRateLimit(RATE_LIMITS.loginFailuresPerAccount, emailKey(user.email));
    await askReset({ email: user.email, clientIp: ip(), submissionKey: key() }); // a token, a message and its job
    await requestPasswordReset({ email: user.email, clientIp: ip(), submissionKey: key() }); // a request still waiting for its job
    expect((await rowsMentioning([user.id])).length).toBeGreaterThan(5);

    await db.transaction().execute((trx) => deleteAccount(trx, user));

    expect(await rowsMentioning([user.id, user.email, importId])).toEqual([]);
    for (const limit of Object.values(RATE_LIMITS)) {
      for (const subject of [user.id, emailKey(user.email)]) expect(await readRateLimit(limit, subject)).toBe(0);
    }
    expect(await db.selectFrom("contacts").select("id").where("id", "=", neighbourContact.id).executeTakeFirst()).toBeDefined();
    expect(await verifyLogin(neighbour.email, TEST_PASSWORD)).not.toBeNull();
  });

  it("a failure part-way leaves the whole account as it was", async () => {
    const user = await createTestUser();
    await createTestContact(user.id);
    const before = (await rowsMentioning([user.id])).length;
    await expect(
      db.transaction().execute(async (trx) => {
        await deleteAccount(trx, user);
        throw new Error("the connection dropped");
      }),
    ).rejects.toThrow("the connection dropped");
    expect((await rowsMentioning([user.id])).length).toBe(before);
    expect(await verifyLogin(user.email, TEST_PASSWORD)).not.toBeNull();
  });
});
