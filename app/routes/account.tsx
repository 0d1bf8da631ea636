import { data, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, useLoaderData } from "@remix-run/react";
import {
  clearSessionCookie,
  listSessions,
  requireUser,
  revokeAllSessions,
  revokeSession,
} from "#app/auth/session.server";
import { describeUserAgent } from "#app/auth/user-agent";
import { GeneralErrorBoundary } from "#app/components/error-page";
import { formatDate } from "#app/client/format";
import { SubmitButton } from "#app/components/submit-button";
import { redirectWithFlash } from "#app/http/flash.server";
import { ID_PATTERN } from "#app/shared/ids";
import { notFound } from "#app/http/responses.server";
import { readForm } from "#app/http/form.server";
import { newSubmissionKey, once } from "#app/submissions/submission-keys.server";
import { SubmissionKey } from "#app/components/submission-key";

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
  const form = await readForm(request);
  const intent = form.get("intent");

  // A repeat of a form's key (double tap, resubmit, retry after a lost answer)
  // gets the first answer instead of "no such session".
  if (intent === "revoke-all") {
    return once(user.id, form, "account:revoke-all", async (trx) => {
      const count = await revokeAllSessions(user.id, trx);
      const ended = count === 1 ? "1 session" : `${count} sessions`;
      return redirectWithFlash(request, "/login", `Signed out everywhere (${ended} ended).`, {
        headers: { "Set-Cookie": clearSessionCookie(request) },
      });
    });
  }

  if (intent === "revoke") {
    const sessionId = form.get("sessionId");
    // Another user's session must look exactly like a missing one.
    if (typeof sessionId !== "string" || !ID_PATTERN.test(sessionId)) notFound("No such session");
    return once(user.id, form, `account:revoke:${sessionId}`, async (trx) => {
      const revoked = await revokeSession(user.id, sessionId, request, trx);
      if (!revoked) notFound("No such session");
      if (revoked === "current") {
        return redirectWithFlash(request, "/login", "You have been signed out.", {
          headers: { "Set-Cookie": clearSessionCookie(request) },
        });
      }
      return redirectWithFlash(request, "/account", "Signed out of 1 other session.");
    });
  }

  throw data("Unknown intent", { status: 400 });
}

export const meta: MetaFunction = () => [{ title: "Account · Cardfile" }];

export default function AccountPage() {
  const { email, sessions, revokeAllKey } = useLoaderData<typeof loader>();
  return (
    <section className="narrow" aria-labelledby="account-title">
      <h1 id="account-title">Account</h1>
      <p>
        Signed in as <strong>{email}</strong>.
      </p>

      <h2 id="sessions-title">Where you are signed in</h2>
      <ul className="session-list" aria-labelledby="sessions-title">
        {sessions.map((session) => (
          <li key={session.id}>
            <span className="session-device" title={session.userAgent ?? undefined}>
              {session.device}
              {session.current ? <strong className="session-current"> · This device</strong> : null}
            </span>
            <span className="session-meta">
              Signed in <time dateTime={session.createdAt}>{formatDate(session.createdAt)}</time>
            </span>
            <Form method="post">
              <SubmissionKey value={session.submissionKey} />
              <input type="hidden" name="intent" value="revoke" />
              <input type="hidden" name="sessionId" value={session.id} />
              <button type="submit" className="link-button" aria-label={`Sign out ${session.device}${session.current ? " (this device)" : ""}`}>
                Sign out
              </button>
            </Form>
          </li>
        ))}
      </ul>

      <Form method="post" className="actions">
        <SubmissionKey value={revokeAllKey} />
        <input type="hidden" name="intent" value="revoke-all" />
        <SubmitButton pendingLabel="Signing out…" className="danger">
          Sign out everywhere
        </SubmitButton>
      </Form>
      <p className="hint">Ends every session, this one included. You will need to log in again.</p>
    </section>
  );
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary notFoundMessage="That session does not exist, or it has already ended." />;
}
