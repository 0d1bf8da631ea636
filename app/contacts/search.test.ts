import { describe, expect, it } from "vitest";
import { markWords as frozenMarkWords } from "#migrations/2026-11-27T0000_indexed_search";
import { fold as foldForSearch } from "#app/shared/text";
import { markWords, normalizeQuery, searchFilter, searchText, trigramMatch, trigrams } from "./search";

describe("search folding", () => {
  it("folds Unicode case the same way for stored text and queries", () => {
    expect(foldForSearch("ÖLMEZ")).toBe(foldForSearch("ölmez"));
    expect(searchText({ name: "Öskar Ölmez", email: "O@X.IO", company: null })).toBe("\n\nöskar \n\nölmez\n\n\no\n\n@\n\nx\n\n.\n\nio\n");
  });

  it("escapes LIKE wildcards so %, _ and \\ are literal", () => {
    expect(searchFilter("50%_off\\")!.pattern).toBe("%50\n\n\\%\n\n\\_\n\noff\n\n\\\\%");
    expect(searchFilter("Ö")!.pattern).toBe("%\n\nö%");
  });

  it("strips control characters and bounds the query", () => {
    expect(normalizeQuery(" a\u0000b\nc ")).toBe("a b c");
    expect(normalizeQuery(null)).toBe("");
    expect(normalizeQuery("x".repeat(500))).toHaveLength(100);
  });

  it("makes a query of control characters no query at all, and never ends in half a character", () => {
    // ?q=%00 once echoed a raw NUL (box, title, label) while it searched for nothing.
    for (const q of ["\u0000", "\u0000\u0001\u001f\u007f", " \t\r\n "]) {
      expect(normalizeQuery(q), JSON.stringify(q)).toBe("");
      expect(searchFilter(normalizeQuery(q))).toBeNull();
    }
    const cut = normalizeQuery("x".repeat(99) + "😀");
    expect(cut).toBe("x".repeat(99));
    expect(normalizeQuery("x".repeat(98) + " 😀")).toBe("x".repeat(98));
    // What the box shows (the normalized query) searches the same when sent again.
    for (const q of ["a\u0000b", "  Ada\u001b ", "x".repeat(99) + "😀", "\u007fZoë"])
      expect(normalizeQuery(normalizeQuery(q))).toBe(normalizeQuery(q));
  });
});

describe("word starts", () => {
  const starts = (text: string) =>
    markWords(text)
      .split(/\n\n(?!\n)/)
      .slice(1);

  it("starts a word at each field, after a space or punctuation, and at every punctuation mark", () => {
    expect(starts("ada lovelace\nada.king@x-y.org\n")).toEqual([
      "ada ",
      "lovelace\n",
      "ada",
      ".",
      "king",
      "@",
      "x",
      "-",
      "y",
      ".",
      "org\n",
    ]);
    expect(starts("o’brien (d'arcy) 100%")).toEqual(["o", "’", "brien ", "(", "d", "'", "arcy", ") ", "100", "%"]);
  });

  it("keeps letters with their combining marks, digits and non-Latin letters together", () => {
    expect(starts(foldForSearch("İstanbul Ölmez straße Παπαδόπουλος Иванов"))).toEqual([
      "i̇stanbul ",
      "ölmez ",
      "straße ",
      "παπαδόπουλος ",
      "иванов",
    ]);
  });

  it("starts a word at every character of scripts written without spaces", () => {
    expect(starts("佐藤花子 김민준")).toEqual(["佐", "藤", "花", "子 ", "김", "민", "준"]);
  });

  it("starts a word at every emoji and symbol", () => {
    expect(starts("ana 😀 x")).toEqual(["ana ", "😀 ", "x"]);
  });

  it("is the same rule as the migration's frozen copy", () => {
    const samples = [
      "",
      "ada lovelace\nada@x.com\n",
      "O'Brien & Söhne",
      "İstanbul",
      "straße",
      "😀👍🏽 ok",
      "佐藤花子",
      "100% real_\\",
      "a\u00a0b\u2003c",
      "x\ty",
      "é\u0301",
    ];
    // A fixed sweep of code points, including every ASCII character.
    for (let start = 0; start < 0x3100; start += 97)
      samples.push(Array.from({ length: 40 }, (_, i) => String.fromCodePoint(start + i)).join(""));
    for (const text of samples) expect(frozenMarkWords(text)).toBe(markWords(text));
  });
});

describe("search filters", () => {
  it("matches three or more characters anywhere, marked as the stored text is", () => {
    const fields = { name: "Ada Lovelace", email: "ada.king@analytical.example", company: "O’Brien & Söhne" };
    const plain = foldForSearch([fields.name, fields.email, fields.company].join("\n"));
    for (const q of ["ada", "a lov", "da.ki", "king@ana", "g@a", "ALYTICAL", "’br", "n & s", "& s", "ace", "ada lovelace", "e a", "xyz"]) {
      expect(likes(searchText(fields), searchFilter(q)!.pattern), q).toBe(plain.includes(foldForSearch(q)));
    }
    expect(searchFilter("ada")).toMatchObject({ short: false, indexed: "ada" });
    expect(searchFilter("a l")).toMatchObject({ short: false, indexed: "a \n\nl" });
  });

  it("matches one or two characters at a word start only", () => {
    expect(searchFilter("Ad")).toMatchObject({ short: true, pattern: "%\n\nad%", indexed: "\n\nad" });
    expect(searchFilter("@")).toMatchObject({ short: true, pattern: "%\n\n@%", indexed: "\n\n@" });
    expect(searchFilter("a.")).toMatchObject({ short: true, pattern: "%\n\na\n\n.%", indexed: "\n\na\n\n." });
    // 'İ' folds to two code points: "i̇s" is three, a substring query.
    expect(searchFilter("İs")!.short).toBe(false);
    expect(searchFilter("")).toBeNull();
  });

  it("narrows an index lookup to the two longest pieces between word starts", () => {
    expect(searchFilter("ada.lovelace1815@example.com")!.narrow).toEqual(["%lovelace1815%", "%example%"]);
    expect(searchFilter("ada lovelace")!.narrow).toEqual(["%lovelace%", "%ada %"]);
    expect(searchFilter("50%_off")!.narrow).toEqual(["%off%"]);
    expect(searchFilter("a-b")!.narrow).toEqual(["%a\n\n-\n\nb%"]);
    expect(searchFilter("ad")!.narrow).toEqual(["%\n\nad%"]);
  });

  it("asks the index for every trigram of the indexed text, quoted", () => {
    expect(trigrams("\n\nad")).toEqual(["\n\na", "\nad"]);
    expect(trigrams("😀ab")).toEqual(["😀ab"]);
    expect(trigramMatch('ab"cd')).toBe('"ab""" AND "b""c" AND """cd"');
    expect(trigramMatch("aaaa")).toBe('"aaa"');
    // Trigrams with a word mark only when there is nothing else.
    expect(trigramMatch(searchFilter("ada lov")!.indexed)).toBe('"ada" AND "da " AND "lov"');
    expect(trigramMatch(searchFilter("ad")!.indexed)).toBe('"\n\na" AND "\nad"');
  });
});

/** SQL's LIKE with ESCAPE '\\', for checking patterns without a database. */
function likes(text: string, pattern: string): boolean {
  let source = "";
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i]!;
    if (c === "\\") source += pattern[++i]!.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
    else if (c === "%") source += "[^]*";
    else if (c === "_") source += "[^]";
    else source += c.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  }
  return new RegExp(`^${source}$`, "u").test(text);
}
