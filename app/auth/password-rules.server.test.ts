import { describe, expect, it } from "vitest";
import { COMMON_PASSWORD_COUNT, COMMON_PASSWORD_MESSAGE, newPasswordProblem, PASSWORD_IS_EMAIL_MESSAGE } from "./password-rules.server";

describe("new password rules", () => {
  it("loads all 10,000 common passwords and none of the header", () => {
    expect(COMMON_PASSWORD_COUNT).toBe(10_000);
    expect(newPasswordProblem("a@example.test", "# the 10,000 most common passwords")).toBeNull();
  });

  it.each(["password", "Password", "PASSWORD", " baseball ", "superman", "12345678", "iloveyou", "trustno1"])(
    "refuses the common password %j",
    (password) => {
      expect(newPasswordProblem("ada@example.test", password)).toBe(COMMON_PASSWORD_MESSAGE);
    },
  );

  it("refuses the email itself, ignoring case and surrounding spaces", () => {
    expect(newPasswordProblem("ada@example.test", "ada@example.test")).toBe(PASSWORD_IS_EMAIL_MESSAGE);
    expect(newPasswordProblem("Ada@Example.test", "  ADA@example.TEST ")).toBe(PASSWORD_IS_EMAIL_MESSAGE);
  });

  it("compares composed and decomposed accents as one", () => {
    expect(newPasswordProblem("zo\u00eb@example.test", "zoe\u0308@example.test")).toBe(PASSWORD_IS_EMAIL_MESSAGE);
  });

  it.each(["correct horse battery", "Pass990ver", "ada@example.test!", "long enough"])("accepts %j", (password) => {
    expect(newPasswordProblem("ada@example.test", password)).toBeNull();
  });
});
