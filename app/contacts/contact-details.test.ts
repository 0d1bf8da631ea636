import { describe, expect, it } from "vitest";
import { listedDetails, telHref } from "./contact-details";
import { blankContact } from "./contact-fields";

describe("telHref", () => {
  it("keeps digits and a leading +, drops visual separators (RFC 3966 URIs carry no spaces)", () => {
    expect(telHref("+44 20 7946 0001")).toBe("tel:+442079460001");
    expect(telHref("(555) 010-9999")).toBe("tel:5550109999");
    expect(telHref("+1 757.555.0100 ext+2")).toBe("tel:+175755501002");
  });
});

describe("listedDetails", () => {
  it("joins the listed fields after the name that have a value", () => {
    const ada = { ...blankContact(), name: "Ada", email: "ada@example.com" };
    expect(listedDetails({ ...ada, company: "Analytical Engines" })).toBe("ada@example.com · Analytical Engines");
    expect(listedDetails({ ...ada, company: null })).toBe("ada@example.com");
  });
});
