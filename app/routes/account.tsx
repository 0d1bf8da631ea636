import { data, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { clearSessionCookie, listSessions, requireUser, revokeAllSessions, revokeSession } from "#app/auth/session.server";
import { changePassword, checkPasswordChange, deleteAccount, requestEmailChange } from "#app/accounts/account-changes.server";
import { ChangeEmailForm, ChangePasswordForm, DeleteAccountForm } from "#app/accounts/account-forms";
import { wakeJobRunners } from "#app/jobs/runner.server";
import { plural } from "#app/shared/text";
import { describeUserAgent } from "#app/auth/user-agent";
import { SessionList } from "#app/auth/session-list";
import { GeneralErrorBoundary } from "#app/components/error-page";
import { FormProblem } from "#app/components/form-problem";
import { redirectWithFlash } from "#app/http/flash.server";
import { notFound } from "#app/http/responses.server";
import { writeAction, writeHeaders } from "#app/http/write-action.server";
import { RATE_LIMITS } from "#app/rate-limits/rate-limits.server";
import { AccountFormSchema } from "#app/auth/auth-schema";
import { newSubmissionKey } from "#app/submissions/submission-keys.server";
import { clientWriteAction, revalidateUnlessLost, useWriteResult } from "#app/client/network";

export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requireUser(request);
  const sessions = await listSessions(user.id, request);
  return {
    email: user.email,
    // One key per form: each button is its own submission.
    sessions: sessions.map((session) => ({ ...session, device: describeUserAgent(session.userAgent), submissionKey: newSubmissionKey() })),
    revokeAllKey: newSubmissionKey(),
    changePasswordKey: newSubmissionKey(),
    changeEmailKey: newSubmissionKey(),
    deleteAccountKey: newSubmissionKey(),
  };
}

// Plain POST forms, one intent each, so every button works without JavaScript.
export async function action({ request }: ActionFunctionArgs) {
  const user = await requireUser(request);
  let passwordHash = "";
  return writeAction(
    request,
    {
      userId: user.id,
      schema: AccountFormSchema,
      // A repeat of a form's key (double tap, resubmit, retry after a lost
      // answer) gets the first answer instead of "no such session" or "wrong password".
      form: (intent) => (intent.intent === "revoke" ? `account:revoke:${intent.sessionId}` : `account:${intent.intent}`),
      rateLimit: RATE_LIMITS.accountChangesPerUser,
      hideFields: ["password", "currentPassword", "newPassword"],
      // Another user's session (or none) must look exactly like a missing one.
      beforeInvalid: (errors) => {
        if (errors.intent) throw data("Unknown intent", { status: 400 });
        if (errors.sessionId) notFound("No such session");
      },
      // The current password (scrypt) before the transaction, so it holds no write lock.
      prepare: async (intent, reject) => {
        if (intent.intent === "revoke" || intent.intent === "revoke-all") return;
        const checked = await checkPasswordChange(user, intent);
        if (!checked.ok) return reject(checked.status, checked.errors);
        passwordHash = checked.passwordHash ?? "";
      },
    },
    async (intent, { trx, reject, afterCommit, submissionKey }) => {
      switch (intent.intent) {
        case "change-password": {
          const ended = await changePassword(trx, user, passwordHash, request);
          afterCommit(wakeJobRunners);
          const others = ended ? ` ${plural(ended, "other session")} signed out.` : "";
          return redirectWithFlash(request, "/account", `Your password has been changed.${others}`);
        }
        case "change-email": {
          const result = await requestEmailChange(trx, user, intent.email, submissionKey);
          if (!result.ok) return reject(result.status, { fieldErrors: { email: [result.message] } });
          afterCommit(wakeJobRunners);
          return redirectWithFlash(
            request,
            "/account",
            `We sent a link to ${intent.email}. Your address changes when you open it (within 24 hours).`,
          );
        }
        case "delete-account":
          await deleteAccount(trx, user);
          return redirectWithFlash(request, "/goodbye", "Your account and everything in it have been deleted.", {
            headers: { "Set-Cookie": clearSessionCookie(request) },
          });
        case "revoke-all": {
          const count = await revokeAllSessions(user.id, trx);
          const ended = count === 1 ? "1 session" : `${count} sessions`;
          return redirectWithFlash(request, "/login", `Signed out everywhere (${ended} ended).`, {
            headers: { "Set-Cookie": clearSessionCookie(request) },
          });
        }
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
  const { email, sessions, revokeAllKey, changePasswordKey, changeEmailKey, deleteAccountKey } = useLoaderData<typeof loader>();
  const { networkFailure, result } = useWriteResult<typeof action>();
  const reply = result && "initialValue" in result ? result : undefined;
  return (
    <section className="narrow" aria-labelledby="account-title">
      <h1 id="account-title">Account</h1>
      <p>
        Signed in as <strong>{email}</strong>.
      </p>

      <FormProblem message={networkFailure} />

      <SessionList sessions={sessions} revokeAllKey={revokeAllKey} />

      <h2 id="password-title">Change password</h2>
      <ChangePasswordForm reply={reply} submissionKey={changePasswordKey} />

      <h2 id="email-title">Change email</h2>
      <ChangeEmailForm reply={reply} submissionKey={changeEmailKey} />

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

      <h2 id="delete-title">Delete account</h2>
      <p>
        {"This deletes your account and every contact in it at once; nothing can bring it back. "}
        {"Download your data above first if you want to keep it."}
      </p>
      <DeleteAccountForm reply={reply} submissionKey={deleteAccountKey} />
    </section>
  );
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary notFoundMessage="That session does not exist, or it has already ended." />;
}
