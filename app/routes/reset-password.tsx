import { getFormProps } from "@conform-to/react";
import { parseWithZod } from "@conform-to/zod/v4";
import { data, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, Link, useLoaderData } from "@remix-run/react";
import { ResetPasswordSchema } from "#app/auth/auth-schema";
import { clearSessionCookie } from "#app/auth/session.server";
import { resetPassword, resetTokenIsValid } from "#app/accounts/password-reset.server";
import { LinkGone, PasswordField } from "#app/accounts/account-forms";
import { clientWriteAction, revalidateUnlessLost, useWriteResult } from "#app/client/network";
import { GeneralErrorBoundary } from "#app/components/error-page";
import { FormError, useSchemaForm } from "#app/components/form";
import { FormProblem } from "#app/components/form-problem";
import { SubmissionKey } from "#app/components/submission-key";
import { SubmitButton } from "#app/components/submit-button";
import { readForm } from "#app/http/form.server";
import { NO_STORE, noStoreHeaders } from "#app/http/responses.server";
import { redirectWithFlash } from "#app/http/flash.server";
import { wakeJobRunners } from "#app/jobs/runner.server";
import { newSubmissionKey, submissionKeyOf } from "#app/submissions/submission-keys.server";

// The page a reset link opens. The token is in the link, then in the form's
// hidden input; the page is never cached and never sends it on as a Referer.
// Never stored (noStoreHeaders). The site-wide Referrer-Policy
// (strict-origin-when-cross-origin) already gives another site the origin
// alone, never the token in the URL. Not no-referrer: under it Chromium sends
// the page's own form with "Origin: null", which the cross-origin check
// (server/policy.js) refuses.
const LINK_GONE = 410;

export async function loader({ request }: LoaderFunctionArgs) {
  const token = new URL(request.url).searchParams.get("token") ?? "";
  const valid = await resetTokenIsValid(token);
  return data(
    { token: valid ? token : "", valid, submissionKey: newSubmissionKey() },
    { status: valid ? 200 : LINK_GONE, headers: NO_STORE },
  );
}

export async function action({ request }: ActionFunctionArgs) {
  const form = await readForm(request);
  const submission = parseWithZod(form, { schema: ResetPasswordSchema });
  if (submission.status !== "success") return data(submission.reply({ hideFields: ["password"] }), { status: 400, headers: NO_STORE });
  const result = await resetPassword({ ...submission.value, usedWith: submissionKeyOf(form) });
  if (result.outcome === "invalid") return data({ linkGone: true as const }, { status: LINK_GONE, headers: NO_STORE });
  if (result.outcome === "weak") {
    return data(submission.reply({ fieldErrors: { password: [result.problem] }, hideFields: ["password"] }), {
      status: 400,
      headers: NO_STORE,
    });
  }
  wakeJobRunners(); // the notice goes now
  // Every session ended, this browser's too: log in with the new password.
  return redirectWithFlash(request, "/login", "Your password has been changed. Log in with your new password.", {
    headers: { "Set-Cookie": clearSessionCookie(request) },
  });
}

export const clientAction = clientWriteAction;
export const shouldRevalidate = revalidateUnlessLost;
export const headers = noStoreHeaders;

export const meta: MetaFunction = () => [{ title: "Choose a new password · Cardfile" }];

export default function ResetPasswordPage() {
  const { token, valid, submissionKey } = useLoaderData<typeof loader>();
  const { networkFailure, result } = useWriteResult<typeof action>();
  const reply = result && "initialValue" in result ? result : undefined;
  const { form, fields, firstInvalid } = useSchemaForm(ResetPasswordSchema, { lastResult: reply });
  if (!valid || (result && "linkGone" in result)) return <ResetLinkGone />;
  return (
    <section className="narrow" aria-labelledby="reset-title">
      <h1 id="reset-title">Choose a new password</h1>
      <p>Every device signed in to your account will be signed out.</p>
      <FormProblem message={networkFailure} />
      <Form method="post" {...getFormProps(form)} className="stack">
        <SubmissionKey value={submissionKey} />
        <input type="hidden" name="token" value={token} />
        <FormError form={form} />
        <PasswordField meta={fields.password} label="New password" isNew autoFocus={firstInvalid === "password" || !reply} />
        <div className="actions">
          <SubmitButton pendingLabel="Saving…" className="primary">
            Set new password
          </SubmitButton>
        </div>
      </Form>
    </section>
  );
}

function ResetLinkGone() {
  return (
    <LinkGone rules="A reset link works once, for 30 minutes, and only the newest one sent to an address does. Ask for a new one and use the link in that message.">
      <p className="actions">
        <Link to="/forgot-password" className="button primary">
          Send me a new link
        </Link>{" "}
        <Link to="/login">Log in</Link>
      </p>
    </LinkGone>
  );
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}
