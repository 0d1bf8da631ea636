import { createHash } from "node:crypto";
import type { HeadersFunction } from "@remix-run/node";
import type { Kysely, Transaction } from "kysely";
import { db } from "#app/db.server";
import { plural } from "#app/shared/text";
import type { Database } from "#db/schema";

// Fixed-window counters in the database, so that every app process on one
// database shares them (docs/decisions/0013-rate-limits.md). The only code
// that knows the rate_limits table.

const SECOND = 1000;
const MINUTE = 60 * SECOND;

export interface RateLimit {
  /** names the counters of this limit: one per subject and window */
  readonly name: string;
  readonly windowMs: number;
  /** events allowed per window; the next one is refused */
  readonly max: number;
  /** what a refused form says, before "Try again in …" */
  readonly message: string;
}

/** Every limit Cardfile enforces. Tests inject `now` rather than change these. */
export const RATE_LIMITS = {
  /** failed log-ins per account (its folded email), from any address */
  loginFailuresPerAccount: { name: "login-failures-account", windowMs: 15 * MINUTE, max: 10, message: "Too many failed attempts." },
  /** failed log-ins per client address, for any accounts */
  loginFailuresPerAddress: { name: "login-failures-ip", windowMs: 15 * MINUTE, max: 50, message: "Too many failed attempts." },
  /** sign-ups per client address that pass the form's rules, whether or not the email is free */
  signupsPerAddress: { name: "signups-ip", windowMs: 60 * MINUTE, max: 10, message: "Too many sign-ups from your network." },
  /** contact creates, edits and deletes per user */
  contactWritesPerUser: { name: "contact-writes-user", windowMs: MINUTE, max: 60, message: "You are changing contacts too quickly." },
  /** files uploaded for import per user (each is stored until it is imported or purged) */
  importUploadsPerUser: {
    name: "import-uploads-user",
    windowMs: 60 * MINUTE,
    max: 30,
    message: "You have uploaded many files in the last hour.",
  },
  /** changes on the account page (signing sessions out) per user */
  accountChangesPerUser: { name: "account-changes-user", windowMs: MINUTE, max: 30, message: "You are changing your account too quickly." },
  /** reset links asked for one address (its folded email), account or not: nobody floods an inbox */
  resetRequestsPerAccount: {
    name: "reset-requests-account",
    windowMs: 60 * MINUTE,
    max: 3,
    message: "A link was sent to this address several times in the last hour. Use the newest one.",
  },
  /** reset links asked for from one client address, for any addresses */
  resetRequestsPerAddress: {
    name: "reset-requests-ip",
    windowMs: 60 * MINUTE,
    max: 20,
    message: "Too many reset links were asked for from your network.",
  },
} as const satisfies Record<string, RateLimit>;

// A window that began this long ago has ended, whatever its limit.
const LONGEST_WINDOW_MS = Math.max(...Object.values(RATE_LIMITS).map((limit) => limit.windowMs));

// About one counted event in this many also purges ended windows.
const PURGE_EVERY = 100;

export type RateLimitResult = { limited: false; retryAfterSeconds: 0 } | { limited: true; retryAfterSeconds: number; message: string };

/** One counter: a limit, and whom it counts (an account, an address, a user id). */
export interface RateLimitCheck {
  limit: RateLimit;
  subject: string;
}

const NOT_LIMITED: RateLimitResult = { limited: false, retryAfterSeconds: 0 };

// Subjects are hashed: the table holds no email addresses or IPs, and every
// key has the same short length whatever was typed.
function keyOf({ limit, subject }: RateLimitCheck): string {
  return `${limit.name}:${createHash("sha256").update(subject).digest("base64url")}`;
}

function windowStart(limit: RateLimit, now: number): number {
  return now - (now % limit.windowMs);
}

function secondsLeft(limit: RateLimit, now: number): number {
  return Math.max(1, Math.ceil((windowStart(limit, now) + limit.windowMs - now) / SECOND));
}

function refused(full: readonly RateLimitCheck[], now: number): RateLimitResult {
  // The counter that frees up last says when to come back.
  const last = full.reduce((a, b) => (secondsLeft(b.limit, now) > secondsLeft(a.limit, now) ? b : a));
  const seconds = secondsLeft(last.limit, now);
  const wait = seconds < 60 ? plural(seconds, "second") : plural(Math.ceil(seconds / 60), "minute");
  return { limited: true, retryAfterSeconds: seconds, message: `${last.limit.message} Try again in ${wait}.` };
}

class Refused extends Error {
  constructor(readonly full: RateLimitCheck[]) {
    super("rate limited");
  }
}

/** How many events `subject` has used of `limit` in the window that holds `now`. */
export async function readRateLimit(limit: RateLimit, subject: string, now = Date.now()): Promise<number> {
  const row = await db
    .selectFrom("rate_limits")
    .select("count")
    .where("key", "=", keyOf({ limit, subject }))
    .where("window_start", "=", windowStart(limit, now))
    .executeTakeFirst();
  return row?.count ?? 0;
}

/**
 * Counts one event against every check, all or none. When any of them is
 * already at its max, nothing is counted and the result says how long to
 * wait: a refused request never deepens a block.
 */
export async function consumeRateLimits(checks: readonly RateLimitCheck[], now = Date.now()): Promise<RateLimitResult> {
  // Reads first: a full counter is refused without a write, so a flood of
  // refused requests does not queue on SQLite's write lock.
  const full: RateLimitCheck[] = [];
  for (const check of checks) {
    if ((await readRateLimit(check.limit, check.subject, now)) >= check.limit.max) full.push(check);
  }
  if (full.length) return refused(full, now);

  // The increment decides, not the read above: each of many simultaneous
  // requests sees the count its own upsert produced, and one that went over
  // rolls back. Keys in a fixed order, so two transactions never deadlock.
  const ordered = [...checks].sort((a, b) => (keyOf(a) < keyOf(b) ? -1 : 1));
  try {
    await db.transaction().execute(async (trx) => {
      const over: RateLimitCheck[] = [];
      for (const check of ordered) {
        const { count } = await trx
          .insertInto("rate_limits")
          .values({ key: keyOf(check), window_start: windowStart(check.limit, now), count: 1 })
          .onConflict((oc) => oc.columns(["key", "window_start"]).doUpdateSet((eb) => ({ count: eb("rate_limits.count", "+", 1) })))
          .returning("count")
          .executeTakeFirstOrThrow();
        if (count > check.limit.max) over.push(check);
      }
      if (over.length) throw new Refused(over);
    });
  } catch (error) {
    if (error instanceof Refused) return refused(error.full, now);
    throw error;
  }

  if (Math.random() * PURGE_EVERY < 1) {
    // The real clock, not `now`: a caller's injected time must never decide
    // which of other callers' windows have ended. A failed purge fails nothing.
    await purgeRateLimits().catch((error: unknown) => console.error("rate limit purge failed:", error));
  }
  return NOT_LIMITED;
}

/** Counts one event of `subject` against `limit`; see consumeRateLimits. */
export function consumeRateLimit(limit: RateLimit, subject: string, now = Date.now()): Promise<RateLimitResult> {
  return consumeRateLimits([{ limit, subject }], now);
}

/** Takes back one event counted at `now` that turned out not to count (a log-in that succeeded). */
export async function refundRateLimit(limit: RateLimit, subject: string, now = Date.now()): Promise<void> {
  await db.transaction().execute((trx) =>
    trx
      .updateTable("rate_limits")
      .set((eb) => ({ count: eb("count", "-", 1) }))
      .where("key", "=", keyOf({ limit, subject }))
      .where("window_start", "=", windowStart(limit, now))
      .where("count", ">", 0)
      .execute(),
  );
}

/** Forgets every window of `subject` under `limit` (a successful log-in clears its account's failures). */
export async function resetRateLimit(limit: RateLimit, subject: string): Promise<void> {
  await db.transaction().execute((trx) => trx.deleteFrom("rate_limits").where("key", "=", keyOf({ limit, subject })).execute());
}

/**
 * Deletes every window of every limit for these subjects (a deleted
 * account's user id and folded email), in the caller's transaction.
 */
export async function forgetRateLimits(subjects: readonly string[], trx: Transaction<Database>): Promise<void> {
  const keys = Object.values(RATE_LIMITS).flatMap((limit) => subjects.map((subject) => keyOf({ limit, subject })));
  await trx.deleteFrom("rate_limits").where("key", "in", keys).execute();
}

/** The purge's delete, on its own so that the index test can read its plan. */
export function purgeRateLimitsQuery(now: number, executor: Kysely<Database> = db) {
  return executor.deleteFrom("rate_limits").where("window_start", "<=", now - LONGEST_WINDOW_MS);
}

/**
 * Deletes the windows that have ended (they began at least the longest
 * window ago) and says how many. Counting runs it now and then; a periodic
 * job may call it too.
 */
export async function purgeRateLimits(now = Date.now()): Promise<number> {
  const result = await db.transaction().execute((trx) => purgeRateLimitsQuery(now, trx).executeTakeFirst());
  return Number(result.numDeletedRows);
}

/** The status and Retry-After header of a refused request. */
export function tooManyRequests({ retryAfterSeconds }: { retryAfterSeconds: number }): ResponseInit {
  return { status: 429, headers: { "Retry-After": String(retryAfterSeconds) } };
}

/**
 * The `headers` export of a route whose action may answer 429. Without one,
 * Remix passes on only an action's Set-Cookie, and Retry-After would be lost
 * (documents and single-fetch data requests alike).
 */
export const retryAfterHeaders: HeadersFunction = ({ parentHeaders, actionHeaders }) => {
  const headers = new Headers(parentHeaders);
  const retryAfter = actionHeaders.get("Retry-After");
  if (retryAfter) headers.set("Retry-After", retryAfter);
  return headers;
};
