import type { Transaction } from "kysely";
import { db } from "#app/db.server";
import type { Database } from "#db/schema";
import { isUniqueViolation } from "#db/errors";
import { revokeOtherSessions } from "#app/auth/session.server";
import { checkPassword, deleteUser, findUserByEmail, findUserById, setEmail, setPasswordHash, type User } from "#app/auth/users.server";
import { publicUrl } from "#app/config.server";
import { importJobKeysOf } from "#app/imports/imports.server";
import { deleteJobsByKey } from "#app/jobs/jobs.server";
import { mailJobKeysOf, queueMail } from "#app/mail/outbox.server";
import { consumeRateLimit, forgetRateLimits, RATE_LIMITS, refundRateLimit } from "#app/rate-limits/rate-limits.server";
import { emailKey } from "#app/shared/text";
import type { ChangeEmailSchema, ChangePasswordSchema, DeleteAccountSchema } from "#app/auth/auth-schema";
import { newPasswordProblem } from "#app/auth/password-rules.server";
import { hashPassword } from "#app/auth/password.server";
import type { FormErrors } from "#app/http/write-action.server";
import type { z } from "zod";
import { issueToken, lookUpToken, supersedeTokens, TOKEN_PURPOSES, useToken } from "./account-tokens.server";
import { confirmEmailMessage, emailChangedMessage, passwordChangedMessage } from "./account-messages";
import { resetRequestKey } from "./password-reset.server";

// The account page's changes (docs/decisions/0038): each needs the current
// password, and each runs in the transaction of the form's submission key.

export const WRONG_PASSWORD = "That is not your current password.";

/**
 * Whether `password` is `user`'s, counted like a log-in: a wrong one is a
 * failed attempt on the account (the same limit as /login), so a stolen
 * session cannot guess the password here faster than at the door.
 */
export async function confirmPassword(
  user: User,
  password: string,
  now = Date.now(),
): Promise<{ ok: true } | { ok: false; message: string; status: number }> {
  const attempt = await consumeRateLimit(RATE_LIMITS.loginFailuresPerAccount, emailKey(user.email), now);
  if (attempt.limited) return { ok: false, message: attempt.message, status: 429 };
  if (!(await checkPassword(user.id, password))) return { ok: false, message: WRONG_PASSWORD, status: 400 };
  await refundRateLimit(RATE_LIMITS.loginFailuresPerAccount, emailKey(user.email), now);
  return { ok: true };
}

/** A form of the account page that needs the current password. */
export type PasswordChange =
  z.output<typeof ChangePasswordSchema> | z.output<typeof ChangeEmailSchema> | z.output<typeof DeleteAccountSchema>;

/**
 * What comes before such a form's transaction (slow: scrypt, so it holds no
 * write lock): the current password, and for a new one its rules and hash.
 */
export async function checkPasswordChange(
  user: User,
  change: PasswordChange,
): Promise<{ ok: true; passwordHash: string | null } | { ok: false; status: number; errors: FormErrors }> {
  const field = change.intent === "change-password" ? "currentPassword" : "password";
  const check = await confirmPassword(user, change.intent === "change-password" ? change.currentPassword : change.password);
  if (!check.ok) {
    return {
      ok: false,
      status: check.status,
      errors: check.status === 429 ? { formErrors: [check.message] } : { fieldErrors: { [field]: [check.message] } },
    };
  }
  if (change.intent !== "change-password") return { ok: true, passwordHash: null };
  const problem = newPasswordProblem(user.email, change.newPassword);
  if (problem) return { ok: false, status: 400, errors: { fieldErrors: { newPassword: [problem] } } };
  return { ok: true, passwordHash: await hashPassword(change.newPassword) };
}

/**
 * Sets `user`'s new password (hashed beforehand), ends every other session
 * (`request`'s own stays), ends any reset link, and sends a notice.
 * Returns how many sessions ended.
 */
export async function changePassword(
  trx: Transaction<Database>,
  user: User,
  passwordHash: string,
  request: Request,
  now = Date.now(),
): Promise<number> {
  await setPasswordHash(trx, user.id, passwordHash);
  await supersedeTokens(trx, user.id, "password-reset", now);
  const ended = await revokeOtherSessions(user.id, request, trx);
  await queueMail(trx, { userId: user.id, to: user.email, ...passwordChangedMessage("changed", `${publicUrl()}/login`) }, now);
  return ended;
}

export const EMAIL_TAKEN = "Another account uses this address.";
export const EMAIL_UNCHANGED = "This is already your address.";

/**
 * Sends a confirmation link to `newEmail`; the address changes only when it
 * is opened. Refuses the account's own address and one another account
 * uses (without saying whose).
 */
export async function requestEmailChange(
  trx: Transaction<Database>,
  user: User,
  newEmail: string,
  requestedWith: string | null,
  now = Date.now(),
): Promise<{ ok: true } | { ok: false; message: string; status: number }> {
  if (emailKey(newEmail) === emailKey(user.email)) return { ok: false, message: EMAIL_UNCHANGED, status: 400 };
  if (await findUserByEmail(newEmail, trx)) return { ok: false, message: EMAIL_TAKEN, status: 409 };
  const token = await issueToken(trx, { userId: user.id, purpose: "email-change", newEmail, requestedWith, now });
  if (token) {
    const link = `${publicUrl()}/account/confirm-email?token=${token}`;
    await queueMail(
      trx,
      { userId: user.id, to: newEmail, ...confirmEmailMessage(link, TOKEN_PURPOSES["email-change"].ttlMs / 3_600_000) },
      now,
    );
  }
  return { ok: true };
}

/** Where a confirmation link stands, for its page's GET: the address it would give, or null. */
export async function pendingEmailChange(token: string, now = Date.now()): Promise<string | null> {
  const found = await lookUpToken(token, "email-change", { now });
  return found.state === "valid" ? found.newEmail : null;
}

export type EmailChangeOutcome = { outcome: "changed"; email: string } | { outcome: "invalid" } | { outcome: "taken" };

/**
 * Opens a confirmation link: the account takes the new address, the old one
 * gets a notice, and reset links sent to the old one stop working. A repeat
 * of the same submission (`usedWith`) gets "changed" again.
 */
export async function confirmEmailChange({
  token,
  usedWith,
  now = Date.now(),
}: {
  token: string;
  usedWith: string | null;
  now?: number;
}): Promise<EmailChangeOutcome> {
  const found = await lookUpToken(token, "email-change", { usedWith, now });
  if (found.state === "invalid" || !found.newEmail) return { outcome: "invalid" };
  if (found.state === "used-by-this") return { outcome: "changed", email: found.newEmail };
  const newEmail = found.newEmail;
  try {
    return await db.transaction().execute(async (trx): Promise<EmailChangeOutcome> => {
      const user = await findUserById(found.userId, trx);
      if (!user || !(await useToken(trx, found.id, usedWith, now))) return { outcome: "invalid" };
      await setEmail(trx, user.id, newEmail);
      await supersedeTokens(trx, user.id, "password-reset", now);
      await supersedeTokens(trx, user.id, "email-change", now);
      await queueMail(trx, { userId: user.id, to: user.email, ...emailChangedMessage(newEmail) }, now);
      return { outcome: "changed", email: newEmail };
    });
  } catch (error) {
    // Another account took the address since the link was sent.
    if (isUniqueViolation(error)) return { outcome: "taken" };
    throw error;
  }
}

/**
 * Deletes `user` and everything of theirs: the users row (contacts, labels,
 * trash, merges, imports with their files, sessions, submission keys, page
 * keys, tokens and unsent mail all reference it on delete cascade), the jobs
 * of their imports, messages and reset requests, and the rate-limit windows counted under
 * their id or address. One transaction: all of it, or none.
 */
export async function deleteAccount(trx: Transaction<Database>, user: User): Promise<void> {
  const jobKeys = [...(await importJobKeysOf(user.id, trx)), ...(await mailJobKeysOf(user.id, trx)), resetRequestKey(user.email)];
  await deleteJobsByKey(jobKeys, trx);
  await forgetRateLimits([user.id, emailKey(user.email)], trx);
  await deleteUser(trx, user.id);
}
