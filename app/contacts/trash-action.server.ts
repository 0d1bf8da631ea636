import { data } from "@remix-run/node";
import { requireUser } from "#app/auth/session.server";
import { redirectWithFlash } from "#app/http/flash.server";
import { notFound } from "#app/http/responses.server";
import { writeAction } from "#app/http/write-action.server";
import { RATE_LIMITS } from "#app/rate-limits/rate-limits.server";
import { plural } from "#app/shared/text";
import { deleteForever, emptyTrash, PURGE_AFTER_MS, restoreContact, type RestoreResult } from "./trash.server";
import { TrashFormSchema, trashRedirect, TRASH_PATH } from "./trash-schema";

// The trash's writes, one intent each (trash-schema.ts): POST /contacts/trash
// takes them all, and its two confirmation pages (delete one for good, empty
// the trash) post the same form to themselves, so that each page keeps its
// own answer to a request lost on the network. Every answer is a 303 back to
// the trash with a message, but a 404 for a contact that is not in the
// caller's trash (another account's looks the same).

const NO_SUCH_CONTACT = "No such contact in your trash";

export async function trashAction(request: Request) {
  const user = await requireUser(request);
  return writeAction(
    request,
    {
      userId: user.id,
      schema: TrashFormSchema,
      // A repeat of a form's key gets its first answer, not "no such contact".
      form: (value) => (value.intent === "empty" ? "trash:empty" : `trash:${value.intent}:${value.id}`),
      rateLimit: RATE_LIMITS.contactWritesPerUser,
      beforeInvalid: (errors) => {
        if (errors.intent) throw data("Unknown intent", { status: 400 });
        if (errors.id) notFound(NO_SUCH_CONTACT);
      },
    },
    async (value, { trx }) => {
      if (value.intent === "empty") {
        const count = await emptyTrash(user.id, { upTo: value.upTo }, trx);
        return redirectWithFlash(
          request,
          TRASH_PATH,
          count === 0 ? "The trash was already empty." : `Deleted ${plural(count, "contact")} for good.`,
        );
      }
      const back = trashRedirect(value.returnTo);
      if (value.intent === "delete-forever") {
        const deleted = (await deleteForever(user.id, value.id, trx)) ?? notFound(NO_SUCH_CONTACT);
        return redirectWithFlash(request, back, `Deleted ${deleted.name} for good.`);
      }
      const result = await restoreContact(user.id, value.id, trx, Date.now(), PURGE_AFTER_MS);
      if (!result.ok && result.reason === "not-found") notFound(NO_SUCH_CONTACT);
      if (!result.ok) return redirectWithFlash(request, back, { message: refusal(result), kind: "error" });
      return redirectWithFlash(request, back, `Restored ${result.contact.name}.`);
    },
  );
}

function refusal(result: Extract<RestoreResult, { reason: "expired" | "email-taken" }>): string {
  if (result.reason === "expired") return `Couldn't restore ${result.name}: it was deleted more than 30 days ago.`;
  const holder = result.takenBy ?? "another contact";
  return `Couldn't restore ${result.name}: ${result.email} now belongs to ${holder}. Change or delete that contact's email first, then restore ${result.name}.`;
}
