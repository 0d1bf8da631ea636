import { describe, expect, it } from "vitest";
import { formatDate } from "./format";

describe("formatDate", () => {
  it("uses one fixed format in UTC, whatever the machine's time zone", () => {
    expect(formatDate("2026-11-25T23:59:08.000Z")).toBe("25 Nov 2026, 23:59 UTC");
    expect(formatDate("2027-01-02T03:04:05.000Z")).toBe("2 Jan 2027, 03:04 UTC");
  });
});
