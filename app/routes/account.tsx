import { data, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { clearSessionCookie, listSessions, requireUser, revokeAllSessions, revokeSession } from "#app/auth/session.server";
import { describeUserAgent } from "#app/auth/user-agent";
import { GeneralErrorBoundary } from "#app/components/error-page";
import { FormProblem } from "#app/components/form-problem";
import { formatDate } from "#app/client/format";
import { SubmitButton } from "#app/components/submit-button";
import { redirectWithFlash } from "#app/http/flash.server";
import { notFound } from "#app/http/responses.server";
import { writeAction, writeHeaders } from "#app/http/write-action.server";
import { RATE_LIMITS } from "#app/rate-limits/rate-limits.server";
import { AccountFormSchema } from "#app/auth/auth-schema";
import { newSubmissionKey } from "#app/submissions/submission-keys.server";
import { WriteForm } from "#app/components/write-form";
import { clientWriteAction, revalidateUnlessLost, useWriteResult } from "#app/client/network";

export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requireUser(request);
  const sessions = await listSessions(user.id, request);
  return {
    email: user.email,
    // One key per form: each button is its own submission.
    sessions: sessions.map((session) => ({ ...session, device: describeUserAgent(session.userAgent), submissionKey: newSubmissionKey() })),
    revokeAllKey: newSubmissionKey(),
  };
}

// Plain POST forms, one intent each, so every button works without JavaScript.
export async function action({ request }: ActionFunctionArgs) {
  const user = await requireUser(request);
  return writeAction(
    request,
    {
      userId: user.id,
      schema: AccountFormSchema,
      // A repeat of a form's key (double tap, resubmit, retry after a lost
      // answer) gets the first answer instead of "no such session".
      form: (intent) => (intent.intent === "revoke" ? `account:revoke:${intent.sessionId}` : "account:revoke-all"),
      rateLimit: RATE_LIMITS.accountChangesPerUser,
      // Another user's session (or none) must look exactly like a missing one.
      beforeInvalid: (errors) => {
        throw errors.intent ? data("Unknown intent", { status: 400 }) : notFound("No such session");
      },
    },
    async (intent, { trx }) => {
      if (intent.intent === "revoke-all") {
        const count = await revokeAllSessions(user.id, trx);
        const ended = count === 1 ? "1 session" : `${count} sessions`;
        return redirectWithFlash(request, "/login", `Signed out everywhere (${ended} ended).`, {
          headers: { "Set-Cookie": clearSessionCookie(request) },
        });
      }
      const revoked = await revokeSession(user.id, intent.sessionId, request, trx);
      if (!revoked) notFound("No such session");
      if (revoked === "current") {
        return redirectWithFlash(request, "/login", "You have been signed out.", {
          headers: { "Set-Cookie": clearSessionCookie(request) },
        });
      }
      return redirectWithFlash(request, "/account", "Signed out of 1 other session.");
    },
  );
}

export const clientAction = clientWriteAction;
export const shouldRevalidate = revalidateUnlessLost;
export const headers = writeHeaders;

export const meta: MetaFunction = () => [{ title: "Account · Cardfile" }];

export default function AccountPage() {
  const { email, sessions, revokeAllKey } = useLoaderData<typeof loader>();
  const { networkFailure } = useWriteResult<typeof action>();
  return (
    <section className="narrow" aria-labelledby="account-title">
      <h1 id="account-title">Account</h1>
      <p>
        Signed in as <strong>{email}</strong>.
      </p>

      <FormProblem message={networkFailure} />

      <h2 id="sessions-title">Where you are signed in</h2>
      <ul className="session-list" aria-labelledby="sessions-title">
        {sessions.map((session) => (
          <li key={session.id}>
            <span className="session-device" title={session.userAgent ?? undefined}>
              {session.device}
              {session.current ? <strong className="session-current"> · This device</strong> : null}
            </span>{" "}
            <span className="session-meta">
              Signed in <time dateTime={session.createdAt}>{formatDate(session.createdAt)}</time>
            </span>
            <WriteForm submissionKey={session.submissionKey}>
              <input type="hidden" name="intent" value="revoke" />
              <input type="hidden" name="sessionId" value={session.id} />
              <button
                type="submit"
                className="link-button"
                aria-label={`Sign out ${session.device}${session.current ? " (this device)" : ""}`}
              >
                Sign out
              </button>
            </WriteForm>
          </li>
        ))}
      </ul>

      <WriteForm submissionKey={revokeAllKey} className="actions">
        <input type="hidden" name="intent" value="revoke-all" />
        <SubmitButton pendingLabel="Signing out…" className="danger">
          Sign out everywhere
        </SubmitButton>
      </WriteForm>
      <p className="hint">Ends every session, this one included. You will need to log in again.</p>

      <h2 id="data-title">Download my data</h2>
      {/* The spaces inside the text nodes: a blank node between elements would be a separator (text-browser.test.ts). */}
      <p>
        {"Every contact you have, as a file other address books read: "}
        <a href="/contacts/export.csv" download>
          CSV
        </a>
        {" (Google Contacts, Outlook, spreadsheets) or "}
        <a href="/contacts/export.vcf" download>
          vCard
        </a>
        {" (iPhone, Android, macOS)."}
      </p>
    </section>
  );
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary notFoundMessage="That session does not exist, or it has already ended." />;
}
