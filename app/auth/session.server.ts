import { createHash, randomBytes } from "node:crypto";
import { redirect } from "@remix-run/node";
import type { Kysely } from "kysely";
import { inTransaction } from "#db/database.server";
import { db } from "#app/db.server";
import type { Database } from "#db/schema";
import { newId } from "#app/shared/ids";
import { replaceControlChars } from "#app/shared/text";
import { readCookie, serializeCookie } from "#app/http/cookies.server";
import type { User } from "./users.server";

const COOKIE = "cardfile_session";
const SESSION_TTL_MS = 30 * 24 * 60 * 60 * 1000;

function hashToken(token: string): string {
  return createHash("sha256").update(token).digest("hex");
}

/** The hash of the token this browser sent, or null; it never leaves this module. */
function currentTokenHash(request: Request): string | null {
  const token = readCookie(request, COOKIE);
  return token && token.length <= 100 ? hashToken(token) : null;
}

const USER_AGENT_MAX = 200;

// Only for the account page's "which browser is this" summary: shortened and
// without control characters, so a hostile header stores nothing surprising.
function userAgentOf(request: Request): string | null {
  const value = replaceControlChars(request.headers.get("User-Agent") ?? "").trim();
  return value ? value.slice(0, USER_AGENT_MAX) : null;
}

// The root loader and the page's loader both ask who is signed in; Remix
// hands them one Request, so one lookup answers both. (Every action that
// changes who is signed in answers with a redirect: a new request.)
const userOfRequest = new WeakMap<Request, Promise<User | null>>();

/** The signed-in user, or null. Expired sessions count as signed out. */
export function getUser(request: Request): Promise<User | null> {
  let user = userOfRequest.get(request);
  if (!user) {
    user = lookUpUser(request);
    userOfRequest.set(request, user);
  }
  return user;
}

async function lookUpUser(request: Request): Promise<User | null> {
  const token = readCookie(request, COOKIE);
  if (!token || token.length > 100) return null;
  const row = await db
    .selectFrom("sessions")
    .innerJoin("users", "users.id", "sessions.user_id")
    .select(["users.id", "users.email"])
    .where("sessions.token_hash", "=", hashToken(token))
    .where("sessions.expires_at", ">", Date.now())
    .executeTakeFirst();
  return row ?? null;
}

/** A way back longer than this is cut to its path, or dropped: a Location header has to fit what clients accept. */
const REDIRECT_TO_MAX = 2_000;

/** The signed-in user; anyone else is sent to log in and brought back here (or to the list, if "here" is too long to carry). */
export async function requireUser(request: Request): Promise<User> {
  const user = await getUser(request);
  if (user) return user;
  const url = new URL(request.url);
  const redirectTo = [url.pathname + url.search, url.pathname].find((to) => to.length <= REDIRECT_TO_MAX);
  throw redirect(redirectTo ? `/login?${new URLSearchParams({ redirectTo })}` : "/login", 303);
}

/** Sends a signed-in visitor away from the log-in and sign-up pages. */
export async function requireAnonymous(request: Request): Promise<void> {
  if (await getUser(request)) throw redirect("/contacts", 303);
}

/**
 * Starts a session for `userId`; returns the Set-Cookie header to send with
 * the redirect. A new random token every time (never reusing one the browser
 * sent) defeats session fixation; the session the browser had, if any, ends.
 */
export async function createSession(request: Request, userId: string): Promise<string> {
  const token = randomBytes(32).toString("base64url");
  const now = Date.now();
  const previous = readCookie(request, COOKIE);
  await db.transaction().execute(async (trx) => {
    if (previous) await trx.deleteFrom("sessions").where("token_hash", "=", hashToken(previous)).execute();
    // Logging in is when this user's expired sessions go: one indexed delete.
    await deleteExpiredSessions(trx, { userId, now });
    await trx
      .insertInto("sessions")
      .values({
        id: newId(),
        token_hash: hashToken(token),
        user_id: userId,
        created_at: now,
        expires_at: now + SESSION_TTL_MS,
        user_agent: userAgentOf(request),
      })
      .execute();
  });
  return serializeCookie(request, COOKIE, token, SESSION_TTL_MS / 1000);
}

/** Ends the session server-side and clears the cookie. */
export async function endSession(request: Request): Promise<string> {
  const token = readCookie(request, COOKIE);
  if (token) {
    await db.transaction().execute((trx) => trx.deleteFrom("sessions").where("token_hash", "=", hashToken(token)).execute());
  }
  return serializeCookie(request, COOKIE, "", 0);
}

/** The Set-Cookie header that removes the session cookie from the browser. */
export function clearSessionCookie(request: Request): string {
  return serializeCookie(request, COOKIE, "", 0);
}

const PURGE_BATCH = 1000;

function deleteExpiredSessions(
  executor: Kysely<Database>,
  { userId, now = Date.now(), limit = PURGE_BATCH }: { userId?: string; now?: number; limit?: number },
) {
  // A bounded batch (DELETE … LIMIT is not portable, a LIMITed subquery is),
  // so a job never holds the write lock for long. getUser already refuses
  // these rows; deleting them only keeps the table small. One user's rows come
  // from sessions_user_id_idx; all users' oldest first from sessions_expires_at_idx.
  return executor
    .deleteFrom("sessions")
    .where("id", "in", (eb) => {
      const expired = eb.selectFrom("sessions").select("id").where("expires_at", "<=", now);
      return (userId === undefined ? expired.orderBy("expires_at") : expired.where("user_id", "=", userId)).limit(limit);
    })
    .executeTakeFirst();
}

/**
 * Deletes up to `limit` expired sessions (all users, or one), oldest first,
 * and returns how many went. For a periodic job: call it again while it
 * returns `limit`. Logging in purges that user's own expired sessions.
 */
export async function purgeExpiredSessions(options: { userId?: string; now?: number; limit?: number } = {}): Promise<number> {
  const result = await db.transaction().execute((trx) => deleteExpiredSessions(trx, options));
  return Number(result.numDeletedRows);
}

/** A session as the account page shows it: no token, no token hash. */
export interface AccountSession {
  id: string;
  createdAt: string;
  expiresAt: string;
  userAgent: string | null;
  /** the session of the browser that made this request */
  current: boolean;
}

/** `userId`'s live sessions, this browser's first, then newest first. */
export async function listSessions(userId: string, request: Request): Promise<AccountSession[]> {
  const currentHash = currentTokenHash(request);
  const rows = await db
    .selectFrom("sessions")
    .select(["id", "token_hash", "created_at", "expires_at", "user_agent"])
    .where("user_id", "=", userId)
    .where("expires_at", ">", Date.now())
    .orderBy("created_at", "desc")
    .orderBy("id", "desc")
    .execute();
  const sessions = rows.map((row) => ({
    id: row.id,
    createdAt: new Date(row.created_at).toISOString(),
    expiresAt: new Date(row.expires_at).toISOString(),
    userAgent: row.user_agent,
    current: row.token_hash === currentHash,
  }));
  return [...sessions.filter((s) => s.current), ...sessions.filter((s) => !s.current)];
}

/**
 * Ends one of `userId`'s sessions. Says whether it was this browser's own
 * ("current": the caller must also clear the cookie), another one ("other"),
 * or not one of this user's sessions at all (null: nothing changed).
 */
export async function revokeSession(
  userId: string,
  sessionId: string,
  request: Request,
  executor: Kysely<Database> = db,
): Promise<"current" | "other" | null> {
  const row = await inTransaction(executor, (trx) =>
    trx.deleteFrom("sessions").where("user_id", "=", userId).where("id", "=", sessionId).returning("token_hash").executeTakeFirst(),
  );
  if (!row) return null;
  return row.token_hash === currentTokenHash(request) ? "current" : "other";
}

/** Ends every session of `userId`, this browser's included; returns how many. */
export async function revokeAllSessions(userId: string, executor: Kysely<Database> = db): Promise<number> {
  const result = await inTransaction(executor, (trx) => trx.deleteFrom("sessions").where("user_id", "=", userId).executeTakeFirst());
  return Number(result.numDeletedRows);
}

/** Ends every session of `userId` but this browser's own (a changed password); returns how many. */
export async function revokeOtherSessions(userId: string, request: Request, executor: Kysely<Database> = db): Promise<number> {
  const current = currentTokenHash(request);
  const result = await inTransaction(executor, (trx) => {
    const query = trx.deleteFrom("sessions").where("user_id", "=", userId);
    return (current ? query.where("token_hash", "!=", current) : query).executeTakeFirst();
  });
  return Number(result.numDeletedRows);
}
