import { createHash, randomBytes } from "node:crypto";
import type { Kysely, Transaction } from "kysely";
import { db } from "#app/db.server";
import type { Database } from "#db/schema";
import { newId } from "#app/shared/ids";

// The one-time links sent by email (docs/decisions/0038): 256 random bits,
// base64url in the link, only their SHA-256 in the database (a copy of the
// table opens no account). A token works once, until it expires, and only
// while it is the newest of its kind for its account: asking again
// supersedes the older ones. Only this module knows the account_tokens table.

const MINUTE = 60_000;
export const TOKEN_PURPOSES = {
  "password-reset": { ttlMs: 30 * MINUTE },
  "email-change": { ttlMs: 24 * 60 * MINUTE },
} as const;
export type TokenPurpose = keyof typeof TOKEN_PURPOSES;

/** Tokens are kept this long after they expire (a late repeat of the form that used one still gets its answer), then purged. */
const KEPT_AFTER_EXPIRY_MS = 24 * 60 * MINUTE;

function hashOf(token: string): string {
  return createHash("sha256").update(token).digest("hex");
}

/** A token as a link carries it can only be this shape; anything else is not looked up. */
const TOKEN_PATTERN = /^[A-Za-z0-9_-]{43}$/;

export interface IssueOptions {
  userId: string;
  purpose: TokenPurpose;
  /** email-change: the address to change to */
  newEmail?: string;
  /** the submission key of the asking form: a repeat of it issues nothing */
  requestedWith?: string | null;
  now?: number;
}

/**
 * A new token for `userId`, which supersedes every unused one of the same
 * purpose; null when `requestedWith` already asked (a double tap, a retry):
 * the first request's message is the one that counts.
 */
export async function issueToken(
  trx: Transaction<Database>,
  { userId, purpose, newEmail, requestedWith = null, now = Date.now() }: IssueOptions,
): Promise<string | null> {
  if (requestedWith) {
    const asked = await trx
      .selectFrom("account_tokens")
      .select("id")
      .where("user_id", "=", userId)
      .where("purpose", "=", purpose)
      .where("requested_with", "=", requestedWith)
      .executeTakeFirst();
    if (asked) return null;
  }
  await supersedeTokens(trx, userId, purpose, now);
  const token = randomBytes(32).toString("base64url");
  await trx
    .insertInto("account_tokens")
    .values({
      id: newId(),
      user_id: userId,
      purpose,
      token_hash: hashOf(token),
      new_email: newEmail ?? null,
      created_at: now,
      expires_at: now + TOKEN_PURPOSES[purpose].ttlMs,
      used_at: null,
      requested_with: requestedWith,
      used_with: null,
    })
    .execute();
  return token;
}

/** Ends every unused token of `purpose` for `userId` (a newer one, a changed password or address). */
export async function supersedeTokens(trx: Transaction<Database>, userId: string, purpose: TokenPurpose, now = Date.now()): Promise<void> {
  await trx
    .updateTable("account_tokens")
    .set({ used_at: now })
    .where("user_id", "=", userId)
    .where("purpose", "=", purpose)
    .where("used_at", "is", null)
    .execute();
}

export type TokenLookup =
  | { state: "valid"; id: string; userId: string; newEmail: string | null }
  /** used by the submission `usedWith` (a repeat of the form that used it) */
  | { state: "used-by-this"; userId: string; newEmail: string | null }
  /** unknown, expired, used or superseded: one answer, which reveals nothing */
  | { state: "invalid" };

/** What `token` is for `purpose` at `now`; `usedWith` recognises a repeat of the form that used it. */
export async function lookUpToken(
  token: string,
  purpose: TokenPurpose,
  { usedWith = null, now = Date.now() }: { usedWith?: string | null; now?: number } = {},
  executor: Kysely<Database> = db,
): Promise<TokenLookup> {
  if (!TOKEN_PATTERN.test(token)) return { state: "invalid" };
  const row = await executor
    .selectFrom("account_tokens")
    .select(["id", "user_id", "new_email", "expires_at", "used_at", "used_with"])
    .where("token_hash", "=", hashOf(token))
    .where("purpose", "=", purpose)
    .executeTakeFirst();
  if (!row) return { state: "invalid" };
  if (row.used_at !== null) {
    return usedWith && row.used_with === usedWith
      ? { state: "used-by-this", userId: row.user_id, newEmail: row.new_email }
      : { state: "invalid" };
  }
  if (row.expires_at <= now) return { state: "invalid" };
  return { state: "valid", id: row.id, userId: row.user_id, newEmail: row.new_email };
}

/** Marks token `id` used by `usedWith`; false when something used it first (a race: the loser changes nothing). */
export async function useToken(trx: Transaction<Database>, id: string, usedWith: string | null, now = Date.now()): Promise<boolean> {
  const result = await trx
    .updateTable("account_tokens")
    .set({ used_at: now, used_with: usedWith })
    .where("id", "=", id)
    .where("used_at", "is", null)
    .where("expires_at", ">", now)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

/** Deletes tokens a day past their expiry (the maintenance job). */
export async function purgeTokens(now = Date.now()): Promise<number> {
  const result = await db.transaction().execute((trx) =>
    trx
      .deleteFrom("account_tokens")
      .where("expires_at", "<=", now - KEPT_AFTER_EXPIRY_MS)
      .executeTakeFirst(),
  );
  return Number(result.numDeletedRows);
}
