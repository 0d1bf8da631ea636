import { describe, expect, it } from "vitest";
import { safeRedirect } from "./redirect";

describe("safeRedirect", () => {
  it.each(["/contacts", "/contacts/abc?q=x", "/contacts/new#top"])("follows the same-origin path %s", (to) => {
    expect(safeRedirect(to)).toBe(to);
  });

  it.each([
    null,
    undefined,
    "",
    "contacts",
    "//evil.example",
    "/\\evil.example",
    "https://evil.example/",
    "javascript:alert(1)",
    "/\t/evil.example",
    "/contacts\r\nSet-Cookie: x=y",
  ])("refuses %j and goes to /contacts", (to) => {
    expect(safeRedirect(to)).toBe("/contacts");
  });
});
