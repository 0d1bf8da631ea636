import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Link, useLoaderData, useLocation } from "@remix-run/react";
import { requireUser } from "#app/auth/session.server";
import { clientWriteAction, revalidateUnlessLost, useWriteResult } from "#app/client/network";
import { formatDate, formatDay } from "#app/client/format";
import { GeneralErrorBoundary } from "#app/components/error-page";
import { FormProblem } from "#app/components/form-problem";
import { Pager } from "#app/components/pager";
import { SubmitButton } from "#app/components/submit-button";
import { WriteForm } from "#app/components/write-form";
import { trashAction } from "#app/contacts/trash-action.server";
import { NOT_IN_TRASH_MESSAGE, TRASH_PATH } from "#app/contacts/trash-schema";
import { listTrash } from "#app/contacts/trash.server";
import { writeHeaders } from "#app/http/write-action.server";
import { plural } from "#app/shared/text";
import { newSubmissionKey } from "#app/submissions/submission-keys.server";

// The trash: contacts deleted in the last 30 days, latest first, each with
// Restore (a plain POST form) and Delete forever (a confirmation page), and
// Empty trash (a confirmation page). Decision 0032.

export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requireUser(request);
  const page = await listTrash(user.id, { cursor: new URL(request.url).searchParams.get("cursor") });
  // One key per form: each Restore is its own submission.
  return { ...page, contacts: page.contacts.map((contact) => ({ ...contact, restoreKey: newSubmissionKey() })) };
}

export async function action({ request }: ActionFunctionArgs) {
  return trashAction(request);
}

export const clientAction = clientWriteAction;
export const shouldRevalidate = revalidateUnlessLost;
export const headers = writeHeaders;

export const meta: MetaFunction = () => [{ title: "Trash · Cardfile" }];

function pageHref(cursor: string) {
  return `${TRASH_PATH}?${new URLSearchParams({ cursor })}`;
}

export default function TrashPage() {
  const { contacts, older, newer, total } = useLoaderData<typeof loader>();
  const { networkFailure } = useWriteResult<typeof action>();
  const location = useLocation();
  const here = location.pathname + location.search;
  const returnQuery = new URLSearchParams({ returnTo: here }).toString();
  return (
    <section aria-labelledby="trash-title">
      <div className="page-head">
        <h1 id="trash-title">Trash</h1>
        {total > 0 ? (
          <Link to="/contacts/trash/empty" className="button danger">
            Empty trash
          </Link>
        ) : null}
      </div>
      <p className="hint">
        {total === 0
          ? "Deleted contacts stay here for 30 days, then they are deleted for good."
          : `${plural(total, "deleted contact")}. They stay here for 30 days, then they are deleted for good.`}
      </p>
      <FormProblem message={networkFailure} />

      {contacts.length === 0 ? (
        <p className="empty">
          The trash is empty. <Link to="/contacts">Back to your contacts</Link>
        </p>
      ) : (
        <ol className="trash-list" aria-label="Deleted contacts, latest first">
          {contacts.map((contact) => (
            <li key={contact.id}>
              <strong>{contact.name}</strong> <span>{contact.email ?? contact.company ?? ""}</span>{" "}
              <span className="hint">
                Deleted <time dateTime={contact.deletedAt}>{formatDate(contact.deletedAt)}</time>
                {", deleted for good on "}
                <time dateTime={contact.purgeAt}>{formatDay(contact.purgeAt)}</time>
              </span>{" "}
              <WriteForm submissionKey={contact.restoreKey} action={TRASH_PATH} className="row-actions">
                <input type="hidden" name="intent" value="restore" />
                <input type="hidden" name="id" value={contact.id} />
                <input type="hidden" name="returnTo" value={here} />
                <SubmitButton
                  pendingLabel="Restoring…"
                  action={TRASH_PATH}
                  forFields={{ intent: "restore", id: contact.id }}
                  label={`Restore ${contact.name}`}
                >
                  Restore
                </SubmitButton>{" "}
                <Link to={`/contacts/trash/${contact.id}/delete?${returnQuery}`} aria-label={`Delete ${contact.name} forever`}>
                  Delete forever
                </Link>
              </WriteForm>
            </li>
          ))}
        </ol>
      )}

      <Pager newer={newer} older={older} href={pageHref} />
    </section>
  );
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary notFoundMessage={NOT_IN_TRASH_MESSAGE} />;
}
