import { createHash } from "node:crypto";
import { z } from "zod";
import { db } from "#app/db.server";
import { enqueueJob } from "#app/jobs/jobs.server";
import { wakeJobRunners } from "#app/jobs/runner.server";
import { newId } from "#app/shared/ids";
import { newPasswordProblem } from "#app/auth/password-rules.server";
import { hashPassword } from "#app/auth/password.server";
import { revokeAllSessions } from "#app/auth/session.server";
import { findUserByEmail, findUserById, setPasswordHash } from "#app/auth/users.server";
import { publicUrl } from "#app/config.server";
import { queueMail } from "#app/mail/outbox.server";
import { consumeRateLimits, RATE_LIMITS, resetRateLimit, type RateLimitResult } from "#app/rate-limits/rate-limits.server";
import { emailKey } from "#app/shared/text";
import { issueToken, lookUpToken, supersedeTokens, TOKEN_PURPOSES, useToken } from "./account-tokens.server";
import { passwordChangedMessage, resetLinkMessage } from "./account-messages";

// Forgot password (docs/decisions/0038): a link by email to an address that
// has an account, and the same answer, after the same work, to one that has
// none. The request only counts the rate limits and enqueues a job, whatever
// the address; the job looks the address up and, for an account, issues the
// link and queues its message. So the request's time says nothing about
// which addresses have accounts.

const RESET_MINUTES = TOKEN_PURPOSES["password-reset"].ttlMs / 60_000;
export const RESET_REQUEST_JOB = "password-reset-request";

/** The unique key of an address's pending request: requests while one waits are one. Hashed: a key is not an address. */
export function resetRequestKey(email: string): string {
  return `password-reset:${createHash("sha256").update(emailKey(email)).digest("base64url")}`;
}

export interface ResetRequest {
  email: string;
  clientIp: string;
  /** the form's submission key: a repeat sends no second message */
  submissionKey: string | null;
  now?: number;
}

/**
 * Asks for a reset link to `email`. The caller answers the same whatever
 * the address; only a rate limit (per address and per client, counted for
 * every address alike) changes the answer.
 */
export async function requestPasswordReset({ email, clientIp, submissionKey, now = Date.now() }: ResetRequest): Promise<RateLimitResult> {
  const limit = await consumeRateLimits(
    [
      { limit: RATE_LIMITS.resetRequestsPerAccount, subject: emailKey(email) },
      { limit: RATE_LIMITS.resetRequestsPerAddress, subject: clientIp },
    ],
    now,
  );
  if (limit.limited) return limit;
  // Without a submission key (a client that sends none), one of its own: a rerun of the job must not send a second link.
  const payload: ResetRequestPayload = { email, requestKey: submissionKey ?? newId() };
  await db.transaction().execute((trx) => enqueueJob(RESET_REQUEST_JOB, payload, { uniqueKey: resetRequestKey(email) }, trx));
  return limit;
}

const ResetRequestPayload = z.object({ email: z.string(), requestKey: z.string() });
type ResetRequestPayload = z.infer<typeof ResetRequestPayload>;

/**
 * The "password-reset-request" job: for an address with an account, a new
 * link (superseding older ones) and its message, in one transaction.
 * Idempotent: the link records the request's key, and a rerun (or a repeat
 * of the form) finds it and sends nothing more.
 */
export async function sendResetLink(payload: unknown, now = Date.now()): Promise<void> {
  const { email, requestKey } = ResetRequestPayload.parse(payload);
  const queued = await db.transaction().execute(async (trx) => {
    const user = await findUserByEmail(email, trx);
    if (!user) return false;
    const token = await issueToken(trx, { userId: user.id, purpose: "password-reset", requestedWith: requestKey, now });
    if (!token) return false; // a repeat of a request that already sent one
    const link = `${publicUrl()}/reset-password?token=${token}`;
    await queueMail(trx, { userId: user.id, to: user.email, ...resetLinkMessage(link, RESET_MINUTES) }, now);
    return true;
  });
  if (queued) wakeJobRunners(); // the message goes now, not at the next poll
}

export type ResetOutcome =
  /** the password is set (now, or by the first of these submissions) */
  | { outcome: "reset"; email: string }
  /** unknown, expired, used or superseded */
  | { outcome: "invalid" }
  /** the new password breaks a rule: this message, next to the field */
  | { outcome: "weak"; problem: string };

/** Whether `token` can still reset a password; for the page's GET. */
export async function resetTokenIsValid(token: string, now = Date.now()): Promise<boolean> {
  return (await lookUpToken(token, "password-reset", { now })).state === "valid";
}

/**
 * Sets a new password with a reset link's token: marks the token used, ends
 * every session of the account, clears its failed log-ins, and sends a
 * notice, in one transaction. A repeat of the same submission (`usedWith`)
 * gets "reset" again and changes nothing more.
 */
export async function resetPassword({
  token,
  password,
  usedWith,
  now = Date.now(),
}: {
  token: string;
  password: string;
  usedWith: string | null;
  now?: number;
}): Promise<ResetOutcome> {
  const found = await lookUpToken(token, "password-reset", { usedWith, now });
  if (found.state === "invalid") return { outcome: "invalid" };
  const user = await findUserById(found.userId);
  if (!user) return { outcome: "invalid" };
  if (found.state === "used-by-this") return { outcome: "reset", email: user.email };
  const problem = newPasswordProblem(user.email, password);
  if (problem) return { outcome: "weak", problem };
  const passwordHash = await hashPassword(password);
  const done = await db.transaction().execute(async (trx) => {
    if (!(await useToken(trx, found.id, usedWith, now))) return false;
    await setPasswordHash(trx, user.id, passwordHash);
    await supersedeTokens(trx, user.id, "password-reset", now);
    await revokeAllSessions(user.id, trx);
    await queueMail(trx, { userId: user.id, to: user.email, ...passwordChangedMessage("reset", `${publicUrl()}/login`) }, now);
    return true;
  });
  if (!done) {
    // Another submission used it a moment before: this one's own repeat (a double tap) gets its answer.
    const again = await lookUpToken(token, "password-reset", { usedWith, now });
    return again.state === "used-by-this" ? { outcome: "reset", email: user.email } : { outcome: "invalid" };
  }
  await resetRateLimit(RATE_LIMITS.loginFailuresPerAccount, emailKey(user.email));
  return { outcome: "reset", email: user.email };
}
