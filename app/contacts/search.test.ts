import { describe, expect, it } from "vitest";
import { containsPattern, foldForSearch, normalizeQuery, searchText } from "./search";

describe("search folding", () => {
  it("folds Unicode case the same way for stored text and queries", () => {
    expect(foldForSearch("ÖLMEZ")).toBe(foldForSearch("ölmez"));
    expect(searchText({ name: "Öskar Ölmez", email: "O@X.IO", company: null })).toBe("öskar ölmez\no@x.io\n");
  });

  it("escapes LIKE wildcards so %, _ and \\ are literal", () => {
    expect(containsPattern("50%_off\\")).toBe("%50\\%\\_off\\\\%");
    expect(containsPattern("Ö")).toBe("%ö%");
  });

  it("strips control characters and bounds the query", () => {
    expect(normalizeQuery(" a\u0000b\nc ")).toBe("a b c");
    expect(normalizeQuery(null)).toBe("");
    expect(normalizeQuery("x".repeat(500))).toHaveLength(100);
  });
});
