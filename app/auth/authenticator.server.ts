import { parseWithZod } from "@conform-to/zod/v4";
import type { SubmissionResult } from "@conform-to/react";
import { Authenticator } from "remix-auth";
import { FormStrategy } from "remix-auth-form";
import { LoginSchema } from "./auth-schema";
import { verifyLogin, type User } from "./users.server";

/** A login form that cannot sign anyone in: the reply to render, with its status. */
export class LoginFailed extends Error {
  constructor(
    readonly reply: SubmissionResult<string[]>,
    readonly status: number,
  ) {
    super("login failed");
  }
}

// Unknown email and wrong password get the same words and the same status.
export const INVALID_LOGIN = "Email or password is incorrect";

export const authenticator = new Authenticator<{ user: User; redirectTo?: string }>();

authenticator.use(
  new FormStrategy(async ({ form }) => {
    const submission = parseWithZod(form, { schema: LoginSchema });
    if (submission.status !== "success") {
      throw new LoginFailed(submission.reply({ hideFields: ["password"] }), 400);
    }
    const { email, password, redirectTo } = submission.value;
    const user = await verifyLogin(email, password);
    if (!user) {
      throw new LoginFailed(submission.reply({ formErrors: [INVALID_LOGIN], hideFields: ["password"] }), 400);
    }
    return { user, redirectTo };
  }),
  "form",
);
