import { createHash, randomBytes } from "node:crypto";
import { redirect } from "@remix-run/node";
import { db } from "../../db/database.server";
import { newId } from "~/http/ids.server";
import { readCookie, serializeCookie } from "~/http/cookies.server";
import type { User } from "./users.server";

const COOKIE = "cardfile_session";
const SESSION_TTL_MS = 30 * 24 * 60 * 60 * 1000;

function hashToken(token: string): string {
  return createHash("sha256").update(token).digest("hex");
}

/** The signed-in user, or null. Expired sessions count as signed out. */
export async function getUser(request: Request): Promise<User | null> {
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

/** The signed-in user; anyone else is sent to log in and brought back here. */
export async function requireUser(request: Request): Promise<User> {
  const user = await getUser(request);
  if (user) return user;
  const url = new URL(request.url);
  const redirectTo = url.pathname + url.search;
  throw redirect(`/login?${new URLSearchParams({ redirectTo })}`, 303);
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
    await trx
      .insertInto("sessions")
      .values({ id: newId(), token_hash: hashToken(token), user_id: userId, created_at: now, expires_at: now + SESSION_TTL_MS })
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
