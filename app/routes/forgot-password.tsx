import { getFormProps } from "@conform-to/react";
import { parseWithZod } from "@conform-to/zod/v4";
import { data, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, Link, useLoaderData } from "@remix-run/react";
import { ForgotPasswordSchema } from "#app/auth/auth-schema";
import { requestPasswordReset } from "#app/accounts/password-reset.server";
import { clientWriteAction, revalidateUnlessLost, useWriteResult } from "#app/client/network";
import { GeneralErrorBoundary } from "#app/components/error-page";
import { Field } from "#app/components/field";
import { FormError, useSchemaForm } from "#app/components/form";
import { FormProblem } from "#app/components/form-problem";
import { SubmissionKey } from "#app/components/submission-key";
import { SubmitButton } from "#app/components/submit-button";
import { readForm } from "#app/http/form.server";
import { redirectWithFlash } from "#app/http/flash.server";
import { clientIpOf } from "#app/http/load-context";
import { wakeJobRunners } from "#app/jobs/runner.server";
import { retryAfterHeaders, tooManyRequests } from "#app/rate-limits/rate-limits.server";
import { newSubmissionKey, submissionKeyOf } from "#app/submissions/submission-keys.server";

// Anyone may ask, signed in or not. The answer is the same for every
// address (docs/decisions/0038): whether one has an account is never said.

export async function loader({ request }: LoaderFunctionArgs) {
  return { sent: new URL(request.url).searchParams.has("sent"), submissionKey: newSubmissionKey() };
}

export async function action({ request, context }: ActionFunctionArgs) {
  const form = await readForm(request);
  const submission = parseWithZod(form, { schema: ForgotPasswordSchema });
  if (submission.status !== "success") return data(submission.reply(), { status: 400 });
  const limit = await requestPasswordReset({
    email: submission.value.email,
    clientIp: clientIpOf(context),
    submissionKey: submissionKeyOf(form),
  });
  if (limit.limited) return data(submission.reply({ formErrors: [limit.message] }), tooManyRequests(limit));
  wakeJobRunners(); // this process looks the address up now, not at its next poll
  return redirectWithFlash(
    request,
    "/forgot-password?sent",
    "If an account uses that address, a link to choose a new password is on its way.",
  );
}

export const clientAction = clientWriteAction;
export const shouldRevalidate = revalidateUnlessLost;
export const headers = retryAfterHeaders;

export const meta: MetaFunction = () => [{ title: "Forgot your password? · Cardfile" }];

export default function ForgotPasswordPage() {
  const { sent, submissionKey } = useLoaderData<typeof loader>();
  const { networkFailure, result } = useWriteResult<typeof action>();
  const { form, fields, firstInvalid } = useSchemaForm(ForgotPasswordSchema, { lastResult: result });
  return (
    <section className="narrow" aria-labelledby="forgot-title">
      <h1 id="forgot-title">{sent ? "Check your email" : "Forgot your password?"}</h1>
      {sent ? (
        <p>
          If an account uses the address you entered, we have sent it a link to choose a new password. The link works once, for 30 minutes.
          Nothing there? Look in your spam folder, or ask again below.
        </p>
      ) : (
        <p>Enter the address you log in with, and we will email you a link to choose a new password.</p>
      )}
      <FormProblem message={networkFailure} />
      <Form method="post" action="/forgot-password" {...getFormProps(form)} className="stack">
        <SubmissionKey value={submissionKey} />
        <FormError form={form} />
        <Field meta={fields.email} label="Email" type="email" autoComplete="email" maxLength={255} autoFocus={firstInvalid === "email"} />
        <div className="actions">
          <SubmitButton pendingLabel="Sending…" className="primary" action="/forgot-password">
            {sent ? "Send another link" : "Send me a link"}
          </SubmitButton>
        </div>
      </Form>
      <p>
        Remembered it? <Link to="/login">Log in</Link>
      </p>
    </section>
  );
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}
