import { redirect, type ActionFunctionArgs, type LoaderFunctionArgs } from "@remix-run/node";
import { requireUser } from "~/auth/session.server";
import { restoreContact, UNDO_WINDOW_MS, type RestoreResult } from "~/contacts/contacts.server";
import { GeneralErrorBoundary } from "~/components/error-page";
import { redirectWithFlash } from "~/http/flash.server";
import { consumeRateLimit, RATE_LIMITS } from "~/http/rate-limit.server";
import { notFound, requireIdParam } from "~/http/responses.server";

// The Undo of a delete: the button beside the "Deleted …" message posts here.
// Every answer but a 404 is a 303 to /contacts with a message, so it works as
// a plain form and the list shows the outcome. See docs/decisions/0015.

// Restoring changes state, so it is a POST only; a GET (typed, prefetched,
// followed from a link) restores nothing and lands on the list.
export async function loader({ request }: LoaderFunctionArgs) {
  await requireUser(request);
  return redirect("/contacts", 303);
}

export async function action({ request, params }: ActionFunctionArgs) {
  const user = await requireUser(request);
  const id = requireIdParam(params.contactId);
  const limit = await consumeRateLimit(RATE_LIMITS.contactWritesPerUser, user.id);
  // Refused for now, not for good: the message keeps its Undo button.
  if (limit.limited) return redirectWithFlash(request, "/contacts", { message: limit.message, kind: "error", undoContactId: id });

  const result = await restoreContact(user.id, id);
  if (!result.ok && result.reason === "not-found") notFound("No such contact");
  if (!result.ok) return redirectWithFlash(request, "/contacts", { message: refusal(result), kind: "error" });
  return redirectWithFlash(request, "/contacts", `Restored ${result.contact.name}.`);
}

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
