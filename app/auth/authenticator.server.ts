import { AsyncLocalStorage } from "node:async_hooks";
import { parseWithZod } from "@conform-to/zod/v4";
import type { SubmissionResult } from "@conform-to/react";
import { Authenticator } from "remix-auth";
import { FormStrategy } from "remix-auth-form";
import { consumeRateLimits, RATE_LIMITS, refundRateLimit, resetRateLimit, tooManyRequests } from "#app/rate-limits/rate-limits.server";
import { LoginSchema } from "./auth-schema";
import { emailKey } from "#app/shared/text";
import { verifyLogin, type User } from "./users.server";

/** A login form that cannot sign anyone in: the reply to render, with its status (and headers). */
export class LoginFailed extends Error {
  constructor(
    readonly reply: SubmissionResult<string[]>,
    readonly init: ResponseInit,
  ) {
    super("login failed");
  }
}

// Unknown email and wrong password get the same words and the same status.
export const INVALID_LOGIN = "Email or password is incorrect";

const authenticator = new Authenticator<{ user: User; redirectTo?: string }>();

// The verify callback gets only the form and a copy of the request; the
// client's address comes from the load context, so logIn passes it along
// for the duration of the call.
const loginClient = new AsyncLocalStorage<{ clientIp: string }>();

/** Signs in with the posted log-in form, or throws LoginFailed with the reply to render. */
export function logIn(request: Request, clientIp: string) {
  return loginClient.run({ clientIp }, () => authenticator.authenticate("form", request));
}

authenticator.use(
  new FormStrategy(async ({ form }) => {
    const clientIp = loginClient.getStore()?.clientIp;
    if (clientIp === undefined) throw new Error("log in through logIn(request, clientIp)");
    const submission = parseWithZod(form, { schema: LoginSchema });
    if (submission.status !== "success") {
      throw new LoginFailed(submission.reply({ hideFields: ["password"] }), { status: 400 });
    }
    const { email, password, redirectTo } = submission.value;

    // Every attempt counts as a failure before the password is checked, so a
    // blocked account or address gets no check at all and simultaneous
    // guesses cannot slip under the limit; a success takes its count back.
    const now = Date.now();
    const attempt = await consumeRateLimits(
      [
        { limit: RATE_LIMITS.loginFailuresPerAccount, subject: emailKey(email) },
        { limit: RATE_LIMITS.loginFailuresPerAddress, subject: clientIp },
      ],
      now,
    );
    if (attempt.limited) {
      throw new LoginFailed(submission.reply({ formErrors: [attempt.message], hideFields: ["password"] }), tooManyRequests(attempt));
    }
    const user = await verifyLogin(email, password);
    if (!user) {
      throw new LoginFailed(submission.reply({ formErrors: [INVALID_LOGIN], hideFields: ["password"] }), { status: 400 });
    }
    await resetRateLimit(RATE_LIMITS.loginFailuresPerAccount, emailKey(email));
    await refundRateLimit(RATE_LIMITS.loginFailuresPerAddress, clientIp, now);
    return { user, redirectTo };
  }),
  "form",
);
