import { redirect, type ActionFunctionArgs, type LoaderFunctionArgs } from "@remix-run/node";
import type { ClientActionFunctionArgs } from "@remix-run/react";
import { keepFormOnNetworkFailure } from "#app/client/network";
import { requireUser } from "#app/auth/session.server";
import { restoreContact, UNDO_WINDOW_MS, type RestoreResult } from "#app/contacts/contacts.server";
import { GeneralErrorBoundary } from "#app/components/error-page";
import { redirectWithFlash } from "#app/http/flash.server";
import { consumeRateLimit, RATE_LIMITS } from "#app/rate-limits/rate-limits.server";
import { notFound, requireIdParam } from "#app/http/responses.server";
import { readForm } from "#app/http/form.server";
import { once } from "#app/submissions/submission-keys.server";
import { listRedirect } from "#app/http/redirect";
import { isUniqueViolation } from "#db/errors";

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
  const form = await readForm(request);
  const limit = await consumeRateLimit(RATE_LIMITS.contactWritesPerUser, user.id);
  // Refused for now, not for good: the message keeps its Undo button.
  const back = listRedirect(form.get("returnTo"));
  if (limit.limited) return redirectWithFlash(request, back, { message: limit.message, kind: "error", undoContactId: id });

  // A repeat of the Undo form's key gets the first answer (restored, or why not).
  const undo = () =>
    once(user.id, form, `contact:restore:${id}`, async (trx) => {
      const result = await restoreContact(user.id, id, trx);
      if (!result.ok && result.reason === "not-found") notFound("No such contact");
      if (!result.ok) return redirectWithFlash(request, back, { message: refusal(result), kind: "error" });
      return redirectWithFlash(request, back, `Restored ${result.contact.name}.`);
    });
  try {
    return await undo();
  } catch (error) {
    // Postgres: a live contact took the email between the check and the
    // write, and the unique index refused. That rolled everything back, the
    // key's claim included; asked again, restoreContact says who holds it.
    if (isUniqueViolation(error)) return undo();
    throw error;
  }
}

// With JavaScript (the Undo is a fetcher): a request lost on the network
// keeps the message and its Undo, and says so.
export const clientAction = ({ serverAction }: ClientActionFunctionArgs) => keepFormOnNetworkFailure(serverAction<typeof action>);

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
