import { describe, expect, it } from "vitest";
import { COMMON_PASSWORD_MESSAGE, PASSWORD_IS_EMAIL_MESSAGE } from "#app/auth/password-rules.server";
import { emailKey } from "#app/shared/text";
import { db } from "#app/db.server";
import { uniqueEmail } from "#tests/factories";
import { call, post } from "#tests/route-helpers";
import * as signup from "./signup";

async function accountExists(email: string): Promise<boolean> {
  return (await db.selectFrom("users").select("id").where("email_key", "=", emailKey(email)).executeTakeFirst()) !== undefined;
}

describe(`sign-up password rules (${process.env.TEST_DIALECT})`, () => {
  it.each(["password", "Baseball", "superman", "iloveyou", "12345678"])(
    "refuses the common password %j with 400 on the password field, creating nothing",
    async (password) => {
      const email = uniqueEmail();
      const res = await call(signup.action, post("/signup", { email, password }));
      expect(res.status).toBe(400);
      expect(res.data.error).toEqual({ password: [COMMON_PASSWORD_MESSAGE] });
      expect(res.data.initialValue.email).toBe(email); // the typed email is kept
      expect(res.data.initialValue.password).toBeUndefined(); // the password never comes back
      expect(res.headers.getSetCookie()).toEqual([]);
      expect(await accountExists(email)).toBe(false);
    },
  );

  it("refuses a password equal to the email, ignoring case and spaces, creating nothing", async () => {
    const email = uniqueEmail("Grace");
    const res = await call(signup.action, post("/signup", { email, password: `  ${email.toUpperCase()} ` }));
    expect(res.status).toBe(400);
    expect(res.data.error).toEqual({ password: [PASSWORD_IS_EMAIL_MESSAGE] });
    expect(res.data.initialValue.password).toBeUndefined();
    expect(await accountExists(email)).toBe(false);
  });

  it("accepts a password that merely contains a common one", async () => {
    const email = uniqueEmail();
    const res = await call(signup.action, post("/signup", { email, password: "password in a longer phrase" }));
    expect(res.status).toBe(303);
    expect(await accountExists(email)).toBe(true);
  });
});
