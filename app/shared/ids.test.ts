import { describe, expect, it } from "vitest";
import { ID_PATTERN, isId, newId, newIds } from "./ids";

describe("ids", () => {
  it("are 22 URL-safe characters carrying 128 random bits", () => {
    const ids = Array.from({ length: 2000 }, newId);
    for (const id of ids) expect(id).toMatch(ID_PATTERN);
    expect(new Set(ids).size).toBe(ids.length);
    // Every one of the 64 characters turns up: nothing is lost in the encoding.
    expect(new Set(ids.join("")).size).toBe(64);
    // The last character carries 2 bits (128 = 21 × 6 + 2): one of A, Q, g, w.
    expect(new Set(ids.map((id) => id.at(-1)))).toEqual(new Set(["A", "Q", "g", "w"]));
  });

  it("come in bulk the same way, past one call of the random source (4,096 ids)", () => {
    for (const count of [0, 1, 4096, 10_001]) {
      const ids = newIds(count);
      expect(ids).toHaveLength(count);
      for (const id of ids) expect(id).toMatch(ID_PATTERN);
      expect(new Set(ids).size).toBe(count);
    }
    expect(new Set(newIds(2000).map((id) => id.at(-1)))).toEqual(new Set(["A", "Q", "g", "w"]));
  });

  it("isId accepts exactly that shape", () => {
    expect(isId(newId())).toBe(true);
    for (const bad of ["", "short", `${newId()}x`, "abcdefghijklmnopqrstu=", "abcdefghijklmnopqrst/+", null, 42])
      expect(isId(bad)).toBe(false);
  });
});
