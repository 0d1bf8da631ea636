import { data, redirect, type ActionFunctionArgs, type LoaderFunctionArgs } from "@remix-run/node";
import { requireUser } from "#app/auth/session.server";
import { clientWriteAction } from "#app/client/network";
import { StarFormSchema } from "#app/contacts/contact-schema";
import { setStar } from "#app/contacts/star.server";
import { GeneralErrorBoundary } from "#app/components/error-page";
import { redirectWithFlash } from "#app/http/flash.server";
import { listRedirect } from "#app/http/redirect";
import { notFound, requireIdParam } from "#app/http/responses.server";
import { writeAction, writeHeaders } from "#app/http/write-action.server";
import { RATE_LIMITS } from "#app/rate-limits/rate-limits.server";
import { BULK_FORM } from "#app/contacts/bulk-schema";
import { usePageKey } from "#app/submissions/submission-keys.server";

// The star button beside a contact (the list's rows, the contact's page):
// a POST form that sets the star on or off and goes back to that page with
// a message (a list row's is a button of the list's bulk form, which it
// sends here: the rows are inside that form). With JavaScript the list shows the new state at once and puts
// it back if the server refuses (decision 0033).

// Starring changes state, so it is a POST only; a GET lands on the contact.
export async function loader({ request, params }: LoaderFunctionArgs) {
  await requireUser(request);
  return redirect(`/contacts/${requireIdParam(params.contactId)}`, 303);
}

export async function action({ request, params }: ActionFunctionArgs) {
  const user = await requireUser(request);
  const id = requireIdParam(params.contactId);
  return writeAction(
    request,
    {
      userId: user.id,
      schema: StarFormSchema,
      form: `contact:star:${id}`,
      rateLimit: RATE_LIMITS.contactWritesPerUser,
      // Said beside the star that was refused.
      rateLimited: ({ message, init }) => data({ error: message }, init),
    },
    async ({ starred, returnTo }, { trx }) => {
      const contact = (await setStar(user.id, id, starred, trx)) ?? notFound("No such contact");
      // A list row's star is a button of the list's bulk form, and brings that form's key (a page key): it is used now,
      // so the list gets another, and the bulk form never meets a key its star has taken.
      await usePageKey(user.id, BULK_FORM, trx);
      // Back to the contact's page if it was sent from there, else to the list page it came from.
      const back = returnTo === `/contacts/${id}` ? returnTo : listRedirect(returnTo);
      return redirectWithFlash(request, back, `${starred ? "Starred" : "Unstarred"} ${contact.name}.`);
    },
  );
}

export const clientAction = clientWriteAction;
export const headers = writeHeaders;

export function ErrorBoundary() {
  return <GeneralErrorBoundary notFoundMessage="This contact does not exist, or it is not one of yours." />;
}
