import { describe, expect, it } from "vitest";
import { decodeCursor, decodeTextCursor, encodeCursor } from "./cursor";

describe("cursor", () => {
  it("round-trips", () => {
    const cursor = { direction: "older" as const, at: 1764028800123, id: "abcdefghijklmnopqrstuv" };
    expect(decodeCursor(encodeCursor(cursor))).toEqual(cursor);
    const newer = { ...cursor, direction: "newer" as const };
    expect(decodeCursor(encodeCursor(newer))).toEqual(newer);
  });

  it.each(["", "ada lovelace", "zoë ångström 👩🏽‍💻", "\u{10FFFF}\u0001bob", "山田 太郎"])("round-trips the text key %j", (at) => {
    const cursor = { direction: "newer" as const, at, id: "abcdefghijklmnopqrstuv" };
    const encoded = encodeCursor(cursor);
    expect(encoded).toMatch(/^n~[A-Za-z0-9_-]*\.[A-Za-z0-9_-]{22}$/); // safe in a URL as it is
    expect(decodeTextCursor(encoded)).toEqual(cursor);
    // A text cursor is no time cursor, and the other way round.
    expect(decodeCursor(encoded)).toBeNull();
  });

  it.each([null, "", "garbage", "x1.abcdefghijklmnopqrstuv", "o1.short", "o!!.abcdefghijklmnopqrstuv", "o1.abcdefghijklmnopqrstuv'--"])(
    "reads %j as no cursor",
    (value) => {
      expect(decodeCursor(value)).toBeNull();
      expect(decodeTextCursor(value)).toBeNull();
    },
  );

  it("reads a text key that is not UTF-8, or not base64, as no cursor", () => {
    expect(decodeTextCursor("o~_w.abcdefghijklmnopqrstuv")).toBeNull(); // 0xFF
    expect(decodeTextCursor("o~A.abcdefghijklmnopqrstuv")).toBeNull();
    expect(decodeTextCursor(`o1.${"a".repeat(22)}`)).toBeNull();
  });
});
