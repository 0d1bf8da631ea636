import { parseWithZod } from "@conform-to/zod/v4";
import { data, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, Link, useLoaderData } from "@remix-run/react";
import { ConfirmEmailSchema } from "#app/auth/auth-schema";
import { getUser } from "#app/auth/session.server";
import { confirmEmailChange, pendingEmailChange } from "#app/accounts/account-changes.server";
import { LinkGone } from "#app/accounts/account-forms";
import { clientWriteAction, revalidateUnlessLost, useWriteResult } from "#app/client/network";
import { GeneralErrorBoundary } from "#app/components/error-page";
import { FormProblem } from "#app/components/form-problem";
import { SubmissionKey } from "#app/components/submission-key";
import { SubmitButton } from "#app/components/submit-button";
import { readForm } from "#app/http/form.server";
import { NO_STORE, noStoreHeaders } from "#app/http/responses.server";
import { redirectWithFlash } from "#app/http/flash.server";
import { wakeJobRunners } from "#app/jobs/runner.server";
import { newSubmissionKey, submissionKeyOf } from "#app/submissions/submission-keys.server";

// The page a confirmation link opens (sent to the new address). Opening it
// shows what will change and one button: a GET changes nothing, so a mail
// scanner that follows links does not confirm for the reader
// (docs/decisions/0038). No sign-in needed: the link is the proof.
// Never stored (noStoreHeaders). The site-wide Referrer-Policy
// (strict-origin-when-cross-origin) already gives another site the origin
// alone, never the token in the URL. Not no-referrer: under it Chromium sends
// the page's own form with "Origin: null", which the cross-origin check
// (server/policy.js) refuses.
const LINK_GONE = 410;

export async function loader({ request }: LoaderFunctionArgs) {
  const token = new URL(request.url).searchParams.get("token") ?? "";
  const newEmail = await pendingEmailChange(token);
  return data(
    { token: newEmail ? token : "", newEmail, submissionKey: newSubmissionKey() },
    { status: newEmail ? 200 : LINK_GONE, headers: NO_STORE },
  );
}

export async function action({ request }: ActionFunctionArgs) {
  const form = await readForm(request);
  const submission = parseWithZod(form, { schema: ConfirmEmailSchema });
  if (submission.status !== "success") return data({ problem: "linkGone" as const }, { status: LINK_GONE, headers: NO_STORE });
  const result = await confirmEmailChange({ token: submission.value.token, usedWith: submissionKeyOf(form) });
  if (result.outcome === "invalid") return data({ problem: "linkGone" as const }, { status: LINK_GONE, headers: NO_STORE });
  if (result.outcome === "taken") return data({ problem: "taken" as const }, { status: 409, headers: NO_STORE });
  wakeJobRunners(); // the notice to the old address goes now
  const signedIn = (await getUser(request)) !== null;
  return redirectWithFlash(request, signedIn ? "/account" : "/login", `Your account now uses ${result.email}. Log in with it from now on.`);
}

export const clientAction = clientWriteAction;
export const shouldRevalidate = revalidateUnlessLost;
export const headers = noStoreHeaders;

export const meta: MetaFunction = () => [{ title: "Confirm your new address · Cardfile" }];

export default function ConfirmEmailPage() {
  const { token, newEmail, submissionKey } = useLoaderData<typeof loader>();
  const { networkFailure, result } = useWriteResult<typeof action>();
  if (result?.problem === "taken") {
    return (
      <section className="narrow" aria-labelledby="confirm-title">
        <h1 id="confirm-title">This address is taken</h1>
        <p>
          Another account started using this address after the link was sent, so your account keeps its old one. You can choose another
          address on your <Link to="/account">account page</Link>.
        </p>
      </section>
    );
  }
  if (!newEmail || result?.problem === "linkGone") {
    return (
      <LinkGone rules="A confirmation link works once, for 24 hours, and only the newest one does.">
        <p>
          Ask for a new one on your <Link to="/account">account page</Link>.
        </p>
      </LinkGone>
    );
  }
  return (
    <section className="narrow" aria-labelledby="confirm-title">
      <h1 id="confirm-title">Confirm your new address</h1>
      <p>
        Your Cardfile account will use <strong>{newEmail}</strong>: you log in with it, and messages about the account go there.
      </p>
      <FormProblem message={networkFailure} />
      <Form method="post" className="actions">
        <SubmissionKey value={submissionKey} />
        <input type="hidden" name="token" value={token} />
        <SubmitButton pendingLabel="Confirming…" className="primary">
          Use this address
        </SubmitButton>
      </Form>
    </section>
  );
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}
