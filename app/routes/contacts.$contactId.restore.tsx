import { redirect, type ActionFunctionArgs, type LoaderFunctionArgs } from "@remix-run/node";
import { clientWriteAction } from "#app/client/network";
import { requireUser } from "#app/auth/session.server";
import { restoreContact, UNDO_WINDOW_MS, type RestoreResult } from "#app/contacts/trash.server";
import { GeneralErrorBoundary } from "#app/components/error-page";
import { redirectWithFlash } from "#app/http/flash.server";
import { RATE_LIMITS } from "#app/rate-limits/rate-limits.server";
import { notFound, requireIdParam } from "#app/http/responses.server";
import { listRedirect } from "#app/http/redirect";
import { writeAction } from "#app/http/write-action.server";
import { ReturnToFormSchema } from "#app/contacts/contact-schema";

// The Undo of a delete: the button beside the "Deleted …" message posts here.
// Every answer but a 404 is a 303 back to the list page it was sent from (or
// /contacts) with a message, so it works as a plain form and the list shows
// the outcome. See docs/decisions/0015.

// Restoring changes state, so it is a POST only; a GET (typed, prefetched,
// followed from a link) restores nothing and lands on the list.
export async function loader({ request }: LoaderFunctionArgs) {
  await requireUser(request);
  return redirect("/contacts", 303);
}

export async function action({ request, params }: ActionFunctionArgs) {
  const user = await requireUser(request);
  const id = requireIdParam(params.contactId);
  return writeAction(
    request,
    {
      userId: user.id,
      schema: ReturnToFormSchema,
      // A repeat of the Undo form's key gets the first answer (restored, or why not).
      form: `contact:restore:${id}`,
      rateLimit: RATE_LIMITS.contactWritesPerUser,
      // Refused for now, not for good: the message keeps its Undo button.
      rateLimited: ({ message, value }) =>
        redirectWithFlash(request, listRedirect(value.returnTo), { message, kind: "error", undoContactId: id }),
    },
    async ({ returnTo }, { trx }) => {
      const result = await restoreContact(user.id, id, trx);
      if (!result.ok && result.reason === "not-found") notFound("No such contact");
      if (!result.ok) return redirectWithFlash(request, listRedirect(returnTo), { message: refusal(result), kind: "error" });
      return redirectWithFlash(request, listRedirect(returnTo), `Restored ${result.contact.name}.`);
    },
  );
}

// With JavaScript (the Undo is a fetcher): a request lost on the network
// keeps the message and its Undo, and says so.
export const clientAction = clientWriteAction;

function refusal(result: Extract<RestoreResult, { reason: "expired" | "email-taken" }>): string {
  if (result.reason === "expired") {
    return `Couldn't undo: more than ${UNDO_WINDOW_MS / 60_000} minutes have passed since ${result.name} was deleted.`;
  }
  const holder = result.takenBy ?? "another contact";
  return `Couldn't undo: ${result.email} now belongs to ${holder}. ${result.name} stays deleted.`;
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary notFoundMessage="This contact does not exist, or it is not one of yours." />;
}
