import { describe, expect, it } from "vitest";
import { emailKey, fold, hasControlChars, replaceControlChars } from "./text";

describe("fold", () => {
  it("composes (NFC), then lowers the case, in any script", () => {
    expect(fold("O\u0308LMEZ")).toBe("ölmez");
    expect(fold("ÖLMEZ")).toBe(fold("ölmez"));
    expect(fold("ΠΑΠΑΔΌΠΟΥΛΟΣ")).toBe("παπαδόπουλος");
    expect(emailKey("Ada@Example.COM")).toBe("ada@example.com");
  });
});

describe("control characters", () => {
  it("finds C0 controls and DEL; newlines and tabs only when they are not allowed", () => {
    for (const c of ["\u0000", "\u0007", "\u001b", "\u007f", "\u0085", "\u009f", "\n", "\r", "\t"])
      expect(hasControlChars(`a${c}b`), JSON.stringify(c)).toBe(true);
    expect(hasControlChars("line 1\r\nline 2\tend", { newlines: true })).toBe(false);
    expect(hasControlChars("bell\u0007", { newlines: true })).toBe(true);
    expect(hasControlChars("Zoë 😀 \u00a0")).toBe(false);
    expect(hasControlChars("C1 \u0080", { newlines: true })).toBe(true);
  });

  it("replaces every one of them", () => {
    expect(replaceControlChars("a\u0000b\nc\u007f")).toBe("abc");
    expect(replaceControlChars(" a\u0000b\nc ", " ")).toBe(" a b c ");
  });
});
