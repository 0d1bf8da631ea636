import { randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { db } from "#app/db.server";
import {
  consumeRateLimit,
  consumeRateLimits,
  purgeRateLimits,
  readRateLimit,
  refundRateLimit,
  resetRateLimit,
  type RateLimit,
} from "./rate-limits.server";

const SECOND = 1000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;

/** A limit of its own for each test (its name is part of every key), so tests never share a counter. */
function testLimit(overrides: Partial<RateLimit> = {}): RateLimit {
  return { name: `test-${randomBytes(6).toString("hex")}`, windowMs: MINUTE, max: 5, message: "Slow down.", ...overrides };
}

// Time is injected. A window two hours ahead starts a window of every length
// (minute, quarter, hour), and no purge on the real clock reaches it while
// the suite runs; other test files share this database.
const futureWindow = () => (Math.floor(Date.now() / HOUR) + 2) * HOUR;

const allowed = { limited: false, retryAfterSeconds: 0 };

describe(`rate limits (${process.env.TEST_DIALECT})`, () => {
  it("allows max events in a window, then refuses with the seconds left, counting nothing", async () => {
    const limit = testLimit();
    const start = futureWindow();
    for (let i = 0; i < 5; i++) expect(await consumeRateLimit(limit, "ada", start + i * SECOND)).toEqual(allowed);
    expect(await consumeRateLimit(limit, "ada", start + 30 * SECOND)).toEqual({
      limited: true,
      retryAfterSeconds: 30,
      message: "Slow down. Try again in 30 seconds.",
    });
    expect(await readRateLimit(limit, "ada", start)).toBe(5);
  });

  it.each([
    [1, 899, "15 minutes"],
    [13 * 60, 120, "2 minutes"],
    [13 * 60 + 59, 61, "2 minutes"],
    [14 * 60, 60, "1 minute"],
    [14 * 60 + 1, 59, "59 seconds"],
    [15 * 60 - 1, 1, "1 second"],
  ])("%i s into a 15-minute window says to wait %i s: %s", async (elapsed, seconds, wait) => {
    const limit = testLimit({ windowMs: 15 * MINUTE, max: 1 });
    const start = futureWindow();
    await consumeRateLimit(limit, "ada", start);
    expect(await consumeRateLimit(limit, "ada", start + elapsed * SECOND)).toEqual({
      limited: true,
      retryAfterSeconds: seconds,
      message: `Slow down. Try again in ${wait}.`,
    });
  });

  it("starts afresh when the window rolls over", async () => {
    const limit = testLimit();
    const start = futureWindow();
    for (let i = 0; i < 5; i++) await consumeRateLimit(limit, "ada", start);
    expect(await consumeRateLimit(limit, "ada", start + MINUTE - 1)).toMatchObject({ limited: true, retryAfterSeconds: 1 });
    expect(await consumeRateLimit(limit, "ada", start + MINUTE)).toEqual(allowed);
    expect(await readRateLimit(limit, "ada", start + MINUTE)).toBe(1);
    expect(await readRateLimit(limit, "ada", start)).toBe(5);
  });

  it("counts each subject and each limit apart", async () => {
    const [one, two] = [testLimit({ max: 1 }), testLimit({ max: 1 })];
    const start = futureWindow();
    await consumeRateLimit(one, "ada", start);
    expect((await consumeRateLimit(one, "ada", start)).limited).toBe(true);
    expect(await consumeRateLimit(one, "bob", start)).toEqual(allowed);
    expect(await consumeRateLimit(two, "ada", start)).toEqual(allowed);
  });

  it("counts an event against several limits all or none, and waits for the last to free up", async () => {
    const perMinute = testLimit({ max: 2, message: "Per minute." });
    const perHour = testLimit({ windowMs: HOUR, max: 10, message: "Per hour." });
    const start = futureWindow();
    const checks = [
      { limit: perHour, subject: "10.0.0.1" },
      { limit: perMinute, subject: "ada" },
    ];
    expect(await consumeRateLimits(checks, start)).toEqual(allowed);
    expect(await consumeRateLimits(checks, start)).toEqual(allowed);
    expect(await consumeRateLimits(checks, start + 10 * SECOND)).toMatchObject({
      limited: true,
      message: "Per minute. Try again in 50 seconds.",
    });
    expect(await readRateLimit(perHour, "10.0.0.1", start)).toBe(2);

    for (let i = 0; i < 8; i++) await consumeRateLimit(perHour, "10.0.0.1", start);
    expect(await consumeRateLimits(checks, start + 10 * SECOND)).toMatchObject({ limited: true, retryAfterSeconds: 3590 });
  });

  it("counts 20 simultaneous events of one key to exactly 20", async () => {
    const limit = testLimit({ max: 100 });
    const start = futureWindow();
    const results = await Promise.all(Array.from({ length: 20 }, () => consumeRateLimit(limit, "ada", start)));
    expect(results.every((r) => !r.limited)).toBe(true);
    expect(await readRateLimit(limit, "ada", start)).toBe(20);
  });

  it("lets exactly max of 20 simultaneous events through", async () => {
    const limit = testLimit({ max: 5 });
    const start = futureWindow();
    const results = await Promise.all(Array.from({ length: 20 }, () => consumeRateLimit(limit, "ada", start)));
    expect(results.filter((r) => !r.limited)).toHaveLength(5);
    expect(await readRateLimit(limit, "ada", start)).toBe(5);
  });

  it("refunds an event of the window it was counted in, never below zero", async () => {
    const limit = testLimit();
    const start = futureWindow();
    await consumeRateLimit(limit, "ada", start);
    await consumeRateLimit(limit, "ada", start);
    await refundRateLimit(limit, "ada", start + 59 * SECOND);
    expect(await readRateLimit(limit, "ada", start)).toBe(1);
    await refundRateLimit(limit, "ada", start);
    await refundRateLimit(limit, "ada", start);
    expect(await readRateLimit(limit, "ada", start)).toBe(0);
    await refundRateLimit(limit, "nobody", start); // nothing to refund: no error, no row
  });

  it("resets every window of one subject and nobody else's", async () => {
    const limit = testLimit();
    const start = futureWindow();
    await consumeRateLimit(limit, "ada", start);
    await consumeRateLimit(limit, "ada", start + MINUTE);
    await consumeRateLimit(limit, "bob", start);
    await resetRateLimit(limit, "ada");
    expect(await readRateLimit(limit, "ada", start)).toBe(0);
    expect(await readRateLimit(limit, "ada", start + MINUTE)).toBe(0);
    expect(await readRateLimit(limit, "bob", start)).toBe(1);
  });

  it("stores a hash of the subject, never the subject", async () => {
    const limit = testLimit();
    const email = `ada-${randomBytes(4).toString("hex")}@example.test`;
    await consumeRateLimit(limit, email, futureWindow());
    const rows = await db.selectFrom("rate_limits").select("key").where("key", "like", `${limit.name}:%`).execute();
    expect(rows).toHaveLength(1);
    expect(rows[0]!.key).not.toContain(email);
    expect(rows[0]!.key).toMatch(new RegExp(`^${limit.name}:[A-Za-z0-9_-]{43}$`));
  });

  it("purges windows that began an hour or more ago and keeps younger ones", async () => {
    // On the real clock, like the purge that counting runs now and then.
    const now = Date.now();
    const limit = testLimit();
    const [twoHoursAgo, anHourAgo, fiftyMinutesAgo] = [now - 2 * HOUR, now - HOUR - MINUTE, now - 50 * MINUTE];
    for (const at of [twoHoursAgo, anHourAgo, fiftyMinutesAgo, now]) await consumeRateLimit(limit, "ada", at);
    await purgeRateLimits(now);
    expect(await readRateLimit(limit, "ada", twoHoursAgo)).toBe(0);
    expect(await readRateLimit(limit, "ada", anHourAgo)).toBe(0);
    // Ended, but younger than the longest window (an hour): kept until a later purge.
    expect(await readRateLimit(limit, "ada", fiftyMinutesAgo)).toBe(1);
    expect(await readRateLimit(limit, "ada", now)).toBe(1);
  });
});
