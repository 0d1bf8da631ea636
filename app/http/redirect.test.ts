import { describe, expect, it } from "vitest";
import { listRedirect, safeRedirect } from "./redirect";

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

describe("listRedirect", () => {
  it.each(["/contacts", "/contacts?q=ada", "/contacts?q=ada&cursor=o%7Cabc"])("goes back to the list page %s", (to) => {
    expect(listRedirect(to)).toBe(to);
  });

  it.each([null, "", "/contacts/abc", "/account", "//evil.example/contacts", "https://evil.example/contacts", "/contacts/"])(
    "sends %j to the first page",
    (to) => {
      expect(listRedirect(to)).toBe("/contacts");
    },
  );
});
