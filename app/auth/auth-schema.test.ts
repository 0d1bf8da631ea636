import { describe, expect, it } from "vitest";
import { LoginSchema, SignupSchema } from "./auth-schema";

const password = "correct horse battery";

describe.each([
  ["SignupSchema", SignupSchema],
  ["LoginSchema", LoginSchema],
] as const)("%s email", (_name, schema) => {
  it("trims the address", () => {
    expect(schema.parse({ email: "  ada@example.test ", password }).email).toBe("ada@example.test");
  });

  // zod's email format is ASCII-only today, so NFC changes nothing that is
  // accepted; it is there so that both spellings of an accent always get the
  // same answer, whatever the format check allows later.
  it("treats composed and decomposed accents alike", () => {
    const composed = schema.safeParse({ email: "zo\u00eb@example.test", password });
    const decomposed = schema.safeParse({ email: "zoe\u0308@example.test", password });
    expect(decomposed.success).toBe(composed.success);
    expect(decomposed.error?.issues.map((i) => i.message)).toEqual(composed.error?.issues.map((i) => i.message));
  });
});
