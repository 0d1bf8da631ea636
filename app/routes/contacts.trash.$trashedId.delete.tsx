import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { requireUser } from "#app/auth/session.server";
import { clientWriteAction, revalidateUnlessLost, useWriteResult } from "#app/client/network";
import { GeneralErrorBoundary } from "#app/components/error-page";
import { SubmitButton } from "#app/components/submit-button";
import { WriteForm } from "#app/components/write-form";
import { trashAction } from "#app/contacts/trash-action.server";
import { NOT_IN_TRASH_MESSAGE, trashRedirect } from "#app/contacts/trash-schema";
import { getTrashedContact } from "#app/contacts/trash.server";
import { notFound, requireIdParam } from "#app/http/responses.server";
import { writeHeaders } from "#app/http/write-action.server";
import { newSubmissionKey } from "#app/submissions/submission-keys.server";

// "Delete forever" asks first: it cannot be undone. The form posts the
// trash's own delete-forever intent (trash-action.server.ts) to this page.

const NOT_IN_TRASH = "No such contact in your trash";

export async function loader({ request, params }: LoaderFunctionArgs) {
  const user = await requireUser(request);
  const contact = (await getTrashedContact(user.id, requireIdParam(params.trashedId, NOT_IN_TRASH))) ?? notFound(NOT_IN_TRASH);
  return {
    contact,
    submissionKey: newSubmissionKey(),
    returnTo: trashRedirect(new URL(request.url).searchParams.get("returnTo") ?? undefined),
  };
}

export async function action({ request }: ActionFunctionArgs) {
  return trashAction(request);
}

export const clientAction = clientWriteAction;
export const shouldRevalidate = revalidateUnlessLost;
export const headers = writeHeaders;

export const meta: MetaFunction<typeof loader> = ({ data }) => [
  { title: data ? `Delete ${data.contact.name} forever? · Cardfile` : "Not in the trash · Cardfile" },
];

export default function DeleteForeverPage() {
  const { contact, submissionKey, returnTo } = useLoaderData<typeof loader>();
  const { networkFailure } = useWriteResult<typeof action>();
  return (
    <section className="narrow" aria-labelledby="delete-forever-title">
      <h1 id="delete-forever-title">Delete {contact.name} forever?</h1>
      <p>{contact.name} will be deleted for good. This cannot be undone.</p>
      <WriteForm submissionKey={submissionKey} problem={networkFailure} className="actions">
        <input type="hidden" name="intent" value="delete-forever" />
        <input type="hidden" name="id" value={contact.id} />
        <input type="hidden" name="returnTo" value={returnTo} />
        <SubmitButton pendingLabel="Deleting…" className="danger">
          Delete forever
        </SubmitButton>{" "}
        <Link to={returnTo} className="button">
          Cancel
        </Link>
      </WriteForm>
    </section>
  );
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary notFoundMessage={NOT_IN_TRASH_MESSAGE} />;
}
