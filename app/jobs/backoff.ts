// How long a failed job waits before its next attempt: exponential, so a
// dependency that is down (the mail server, the database) is not hammered,
// capped, so a job is never parked for days, and jittered, so jobs that
// failed together (an outage) do not all come back in the same instant.

export const RETRY_BASE_MS = 10_000;
export const RETRY_CAP_MS = 60 * 60 * 1000;

/** The longest wait after failed attempt number `attempt` (1, 2, …): base × 2^(attempt−1), at most the cap. */
export function maxRetryDelayMs(attempt: number): number {
  return Math.min(RETRY_CAP_MS, RETRY_BASE_MS * 2 ** Math.max(0, attempt - 1));
}

/**
 * The wait after failed attempt `attempt`: between half of maxRetryDelayMs
 * and all of it ("equal jitter": never much sooner than planned, and spread
 * over the other half). `random` is Math.random unless a test fixes it.
 */
export function retryDelayMs(attempt: number, random: () => number = Math.random): number {
  const delay = maxRetryDelayMs(attempt);
  return Math.round(delay / 2 + random() * (delay / 2));
}
