import { parseWithZod } from "@conform-to/zod/v4";
import { describe, expect, expectTypeOf, it } from "vitest";
import { blankContact, type ContactFields } from "./contact-fields";
import { ContactEditSchema, ContactFormSchema, type ContactInput } from "./contact-schema";

function parse(fields: Record<string, string>) {
  const form = new FormData();
  for (const [k, v] of Object.entries(fields)) form.set(k, v);
  const submission = parseWithZod(form, { schema: ContactFormSchema });
  return {
    status: submission.status,
    value: submission.status === "success" ? submission.value : undefined,
    error: submission.status === "error" ? submission.error : undefined,
  };
}

describe("ContactFormSchema", () => {
  it("trims values and stores blank optional fields as null", () => {
    const s = parse({ name: "  Ada  ", email: " ada@example.com ", company: "   ", phone: "", notes: "" });
    expect(s.status).toBe("success");
    // Every field but these two is blank, so null (a field added later too).
    expect(s.value).toEqual({
      ...blankContact(),
      name: "Ada",
      email: "ada@example.com",
      company: null,
      phone: null,
      notes: null,
    });
  });

  it("requires a name, even one of spaces", () => {
    expect(parse({ name: "   ", email: "a@b.co" }).error).toEqual({ name: ["Name is required"] });
    expect(parse({ email: "a@b.co" }).error).toEqual({ name: ["Name is required"] });
  });

  // Since the import issue: real address books hold phone-only and company-only contacts.
  it("takes no email as none (null), and a present one only if it is valid", () => {
    expect(parse({ name: "A" })).toMatchObject({ status: "success", value: { email: null } });
    expect(parse({ name: "A", email: "   " })).toMatchObject({ status: "success", value: { email: null } });
    expect(parse({ name: "A", email: "not-an-email" }).error?.email?.[0]).toMatch(/valid email/);
  });

  it.each([
    ["name", 100],
    ["company", 100],
    ["phone", 20],
    ["notes", 500],
  ])("limits %s to %i characters after trimming", (field, max) => {
    const base = { name: "A", email: "a@b.co" };
    expect(parse({ ...base, [field]: ` ${"x".repeat(max)} ` }).status).toBe("success");
    expect(parse({ ...base, [field]: "x".repeat(max + 1) }).error?.[field]?.[0]).toMatch(`at most ${max}`);
  });

  it("limits email to 255 characters", () => {
    const long = `${"a".repeat(64)}@${"b".repeat(63)}.${"c".repeat(63)}.${"d".repeat(61)}.io`;
    expect(long.length).toBeGreaterThan(255);
    expect(parse({ name: "A", email: long }).error?.email?.[0]).toMatch("at most 255");
  });

  it("allows newlines in notes only, and no other control characters", () => {
    expect(parse({ name: "A", email: "a@b.co", notes: "line 1\r\nline 2" }).status).toBe("success");
    expect(parse({ name: "A\nB", email: "a@b.co" }).error?.name?.[0]).toMatch(/not allowed/);
    expect(parse({ name: "A", email: "a@b.co", notes: "bell\u0007" }).error?.notes?.[0]).toMatch(/not allowed/);
  });

  it("normalises to NFC", () => {
    const s = parse({ name: "O\u0308skar", email: "a@b.co" });
    expect(s.value?.name).toBe("\u00d6skar");
  });

  it("parses to exactly the fields the descriptors describe", () => {
    expectTypeOf<ContactInput>().toEqualTypeOf<ContactFields>();
  });
});

describe("ContactEditSchema", () => {
  const base = { name: "A", email: "a@b.co" };
  it("takes the version the form was opened at", () => {
    expect(ContactEditSchema.safeParse({ ...base, version: "7" }).data?.version).toBe(7);
  });

  it.each([undefined, "", "0", "-1", "1.5", "x", "12345678901"])("refuses version %j: the form cannot prove it is current", (version) => {
    const result = ContactEditSchema.safeParse({ ...base, version });
    expect(result.error?.issues.map((issue) => [issue.path.join("."), issue.message])).toEqual([
      ["version", "This form is out of date. Reload the page and make your changes again."],
    ]);
  });
});
