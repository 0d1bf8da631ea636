import { formatDate } from "#app/client/format";
import { SubmitButton } from "#app/components/submit-button";
import { WriteForm } from "#app/components/write-form";

/** A session as the account page lists it, with the key of its own Sign out form. */
export interface ListedSession {
  id: string;
  device: string;
  userAgent: string | null;
  createdAt: string;
  current: boolean;
  submissionKey: string;
}

/** The account page's "Where you are signed in": each session with its Sign out, and Sign out everywhere. */
export function SessionList({ sessions, revokeAllKey }: { sessions: ListedSession[]; revokeAllKey: string }) {
  return (
    <>
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
    </>
  );
}
