import { data, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import {
  Form,
  Link,
  isRouteErrorResponse,
  useActionData,
  useLoaderData,
  type ClientActionFunctionArgs,
  type ShouldRevalidateFunction,
} from "@remix-run/react";
import { requireUser } from "#app/auth/session.server";
import { deleteContact, getContact } from "#app/contacts/contacts.server";
import { GeneralErrorBoundary } from "#app/components/error-page";
import { SubmitButton } from "#app/components/submit-button";
import { redirectWithFlash } from "#app/http/flash.server";
import { consumeRateLimit, RATE_LIMITS, retryAfterHeaders, tooManyRequests } from "#app/rate-limits/rate-limits.server";
import { notFound, requireIdParam } from "#app/http/responses.server";
import { readForm } from "#app/http/form.server";
import { newSubmissionKey, once } from "#app/submissions/submission-keys.server";
import { SubmissionKey } from "#app/components/submission-key";
import { keepFormOnNetworkFailure, lostSubmission } from "#app/client/network";
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
  const form = await readForm(request);
  const limit = await consumeRateLimit(RATE_LIMITS.contactWritesPerUser, user.id);
  if (limit.limited) return data({ error: limit.message }, tooManyRequests(limit));
  // A repeat of this form's key (double tap, resubmit, retry) gets the first answer, not a 404.
  return once(user.id, form, `contact:delete:${id}`, async (trx) => {
    const deleted = await deleteContact(user.id, id, trx);
    if (!deleted) notFound("No such contact");
    return redirectWithFlash(request, listRedirect(form.get("returnTo")), { message: `Deleted ${deleted.name}.`, undoContactId: id });
  });
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

export const shouldRevalidate: ShouldRevalidateFunction = ({ actionResult, defaultShouldRevalidate }) =>
  !lostSubmission(actionResult) && defaultShouldRevalidate;

export const headers = retryAfterHeaders;

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
        {contact.name} ({contact.email}) will be removed from your contacts. You can undo this for 10 minutes.
      </p>
      {problem ? (
        <p className="form-error" role="alert">
          {problem}
        </p>
      ) : null}
      <Form method="post" className="actions">
        <SubmissionKey value={submissionKey} />
        <input type="hidden" name="returnTo" value={returnTo} />
        <SubmitButton pendingLabel="Deleting…" className="danger">
          Delete contact
        </SubmitButton>
        <Link to={`/contacts/${contact.id}`} className="button">
          Cancel
        </Link>
      </Form>
    </section>
  );
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary notFoundMessage="This contact does not exist, or it is not one of yours." />;
}
