import { describe, expect, it } from "vitest";
import { maxRetryDelayMs, RETRY_BASE_MS, RETRY_CAP_MS, retryDelayMs } from "./backoff";

describe("retry backoff", () => {
  it("doubles with every failed attempt, from the base up to the cap", () => {
    expect([1, 2, 3, 4].map(maxRetryDelayMs)).toEqual([1, 2, 4, 8].map((n) => n * RETRY_BASE_MS));
    expect(maxRetryDelayMs(20)).toBe(RETRY_CAP_MS);
    expect(maxRetryDelayMs(2_000)).toBe(RETRY_CAP_MS); // 2 ** 1999 is Infinity: still the cap
  });

  it("jitters between half the delay and all of it", () => {
    expect(retryDelayMs(3, () => 0)).toBe(2 * RETRY_BASE_MS);
    expect(retryDelayMs(3, () => 0.999_999)).toBeCloseTo(4 * RETRY_BASE_MS, -1);
    for (let i = 0; i < 100; i++) {
      const delay = retryDelayMs(2);
      expect(delay).toBeGreaterThanOrEqual(RETRY_BASE_MS);
      expect(delay).toBeLessThanOrEqual(2 * RETRY_BASE_MS);
    }
  });
});
