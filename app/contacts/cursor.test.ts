import { describe, expect, it } from "vitest";
import { decodeCursor, encodeCursor } from "./cursor";

describe("cursor", () => {
  it("round-trips", () => {
    const cursor = { direction: "older" as const, at: 1764028800123, id: "abcdefghijklmnopqrstuv" };
    expect(decodeCursor(encodeCursor(cursor))).toEqual(cursor);
    const newer = { ...cursor, direction: "newer" as const };
    expect(decodeCursor(encodeCursor(newer))).toEqual(newer);
  });

  it.each([null, "", "garbage", "x1.abcdefghijklmnopqrstuv", "o1.short", "o!!.abcdefghijklmnopqrstuv", "o1.abcdefghijklmnopqrstuv'--"])(
    "reads %j as no cursor",
    (value) => expect(decodeCursor(value)).toBeNull(),
  );
});
