import { parseWithZod } from "@conform-to/zod/v4";
import { data, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Link, useActionData } from "@remix-run/react";
import { SignupSchema } from "#app/auth/auth-schema";
import { AuthForm } from "#app/auth/auth-form";
import { newPasswordProblem } from "#app/auth/password-rules.server";
import { createSession, requireAnonymous } from "#app/auth/session.server";
import { createUser } from "#app/auth/users.server";
import { redirectWithFlash } from "#app/http/flash.server";
import { consumeRateLimit, RATE_LIMITS, retryAfterHeaders, tooManyRequests } from "#app/rate-limits/rate-limits.server";
import { GeneralErrorBoundary } from "#app/components/error-page";
import { clientIpOf } from "#app/http/load-context";
import { readForm } from "#app/http/form.server";

export async function loader({ request }: LoaderFunctionArgs) {
  await requireAnonymous(request);
  return null;
}

export async function action({ request, context }: ActionFunctionArgs) {
  await requireAnonymous(request);
  const submission = parseWithZod(await readForm(request), { schema: SignupSchema });
  if (submission.status !== "success") {
    return data(submission.reply({ hideFields: ["password"] }), { status: 400 });
  }
  // Server-only rules: the common-password list never goes to the browser.
  const passwordProblem = newPasswordProblem(submission.value.email, submission.value.password);
  if (passwordProblem) {
    return data(submission.reply({ fieldErrors: { password: [passwordProblem] }, hideFields: ["password"] }), { status: 400 });
  }
  // Counted before hashing: every attempt that gets this far costs a hash and
  // may learn whether an email has an account, created or not.
  const limit = await consumeRateLimit(RATE_LIMITS.signupsPerAddress, clientIpOf(context));
  if (limit.limited) {
    return data(submission.reply({ formErrors: [limit.message], hideFields: ["password"] }), tooManyRequests(limit));
  }
  const result = await createUser(submission.value.email, submission.value.password);
  if (!result.ok) {
    return data(
      submission.reply({
        fieldErrors: { email: ["An account with this email already exists. Log in instead."] },
        hideFields: ["password"],
      }),
      { status: 409 },
    );
  }
  const cookie = await createSession(request, result.user.id);
  return redirectWithFlash(request, "/contacts", "Welcome to Cardfile.", { headers: { "Set-Cookie": cookie } });
}

export const headers = retryAfterHeaders;

export const meta: MetaFunction = () => [{ title: "Sign up · Cardfile" }];

export default function SignupPage() {
  const lastResult = useActionData<typeof action>();
  return (
    <section className="narrow" aria-labelledby="signup-title">
      <h1 id="signup-title">Create your account</h1>
      <AuthForm schema={SignupSchema} lastResult={lastResult} submitLabel="Sign up" pendingLabel="Creating account…" newPassword />
      <p>
        Already have an account? <Link to="/login">Log in</Link>
      </p>
    </section>
  );
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}
