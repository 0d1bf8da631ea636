import { describe, expect, it } from "vitest";
import { emailDedupeKey, phoneKey } from "./duplicate-keys";

describe("phoneKey", () => {
  it.each([
    ["+44 20 7946 0000", "079460000"],
    ["020 7946 0000", "079460000"],
    ["(020) 7946-0000", "079460000"],
    ["+1 (650) 555-0100", "505550100"],
    ["650.555.0100", "505550100"],
    ["0049 30 1234567", "301234567"],
    ["+49 30 1234567", "301234567"],
  ])("%s → %s", (phone, key) => expect(phoneKey(phone)).toBe(key));

  it("has no key for no phone, or one too short to tell people apart", () => {
    expect(phoneKey(null)).toBeNull();
    expect(phoneKey("112")).toBeNull();
    expect(phoneKey("ext. 12")).toBeNull();
  });
});

describe("emailDedupeKey", () => {
  it.each([
    ["Ada.Lovelace+cardfile@gmail.com", "adalovelace@gmail.com"],
    ["adalovelace@googlemail.com", "adalovelace@gmail.com"],
    ["ada+news@outlook.com", "ada@outlook.com"],
    ["a.da@outlook.com", "a.da@outlook.com"],
  ])("%s → %s", (email, key) => expect(emailDedupeKey(email)).toBe(key));

  it("has no key where the address is its own (no other live contact can share it), or for none", () => {
    expect(emailDedupeKey("ada+news@example.com")).toBeNull();
    expect(emailDedupeKey(null)).toBeNull();
    expect(emailDedupeKey("+tag@gmail.com")).toBeNull();
  });
});
