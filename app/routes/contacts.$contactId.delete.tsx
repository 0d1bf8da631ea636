import { data, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Link, isRouteErrorResponse, useActionData, useLoaderData, type ClientActionFunctionArgs } from "@remix-run/react";
import { requireUser } from "#app/auth/session.server";
import { getContact } from "#app/contacts/contacts.server";
import { deleteContact } from "#app/contacts/trash.server";
import { GeneralErrorBoundary } from "#app/components/error-page";
import { SubmitButton } from "#app/components/submit-button";
import { redirectWithFlash } from "#app/http/flash.server";
import { RATE_LIMITS } from "#app/rate-limits/rate-limits.server";
import { writeAction, writeHeaders } from "#app/http/write-action.server";
import { ReturnToFormSchema } from "#app/contacts/contact-schema";
import { notFound, requireIdParam } from "#app/http/responses.server";
import { newSubmissionKey } from "#app/submissions/submission-keys.server";
import { WriteForm } from "#app/components/write-form";
import { keepFormOnNetworkFailure, revalidateUnlessLost } from "#app/client/network";
import { listRedirect } from "#app/http/redirect";
import { ALREADY_DELETED, deleteProblem } from "#app/contacts/delete-outcome";

// Deleting has its own page, so it works with a plain form and no JavaScript.
export async function loader({ request, params }: LoaderFunctionArgs) {
  const user = await requireUser(request);
  const contact = await getContact(user.id, requireIdParam(params.contactId));
  if (!contact) notFound("No such contact");
  return {
    contact: { id: contact.id, name: contact.name, email: contact.email },
    submissionKey: newSubmissionKey(),
    // The list page the Delete link was on (its search and page), to go back to.
    returnTo: listRedirect(new URL(request.url).searchParams.get("returnTo")),
  };
}

export async function action({ request, params }: ActionFunctionArgs) {
  const user = await requireUser(request);
  const id = requireIdParam(params.contactId);
  return writeAction(
    request,
    {
      userId: user.id,
      schema: ReturnToFormSchema,
      // A repeat gets the first answer, not a 404.
      form: `contact:delete:${id}`,
      rateLimit: RATE_LIMITS.contactWritesPerUser,
      // Said beside the page's (or the list's) Delete button.
      rateLimited: ({ message, init }) => data({ error: message }, init),
    },
    async ({ returnTo }, { trx }) => {
      const deleted = await deleteContact(user.id, id, trx);
      if (!deleted) notFound("No such contact");
      return redirectWithFlash(request, listRedirect(returnTo), { message: `Deleted ${deleted.name}.`, undoContactId: id });
    },
  );
}

/**
 * With JavaScript (this page's form, or the list's optimistic Delete): a
 * request lost on the network, or a contact that is already gone, is an
 * answer to show beside the form, not an error page.
 */
export async function clientAction({ serverAction }: ClientActionFunctionArgs) {
  try {
    return await keepFormOnNetworkFailure(serverAction<typeof action>);
  } catch (error) {
    if (isRouteErrorResponse(error) && error.status === 404) return { gone: ALREADY_DELETED };
    throw error;
  }
}

export const shouldRevalidate = revalidateUnlessLost;
export const headers = writeHeaders;

export const meta: MetaFunction<typeof loader> = ({ data }) => [
  { title: data ? `Delete ${data.contact.name}? · Cardfile` : "Contact not found · Cardfile" },
];

export default function DeleteContactPage() {
  const { contact, submissionKey, returnTo } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof clientAction>();
  const problem = actionData ? deleteProblem(actionData) : null;
  return (
    <section className="narrow" aria-labelledby="delete-title">
      <h1 id="delete-title">Delete {contact.name}?</h1>
      <p>
        {contact.name}
        {contact.email ? ` (${contact.email})` : ""} will be removed from your contacts. You can undo this for 10 minutes.
      </p>
      <WriteForm submissionKey={submissionKey} problem={problem} className="actions">
        <input type="hidden" name="returnTo" value={returnTo} />
        <SubmitButton pendingLabel="Deleting…" className="danger">
          Delete contact
        </SubmitButton>{" "}
        <Link to={`/contacts/${contact.id}`} className="button">
          Cancel
        </Link>
      </WriteForm>
    </section>
  );
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary notFoundMessage="This contact does not exist, or it is not one of yours." />;
}
