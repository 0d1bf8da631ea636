import { redirect, type ActionFunctionArgs, type LoaderFunctionArgs } from "@remix-run/node";
import { requireUser } from "#app/auth/session.server";
import { ReturnToFormSchema } from "#app/contacts/contact-schema";
import { UNDO_EXPIRED_MESSAGE } from "#app/contacts/trash.server";
import { GeneralErrorBoundary } from "#app/components/error-page";
import { redirectWithFlash } from "#app/http/flash.server";
import { safeRedirect } from "#app/http/redirect";
import { requireIdParam } from "#app/http/responses.server";
import { writeAction, writeHeaders } from "#app/http/write-action.server";
import { undoMerge, type UndoMergeResult } from "#app/merges/merges.server";
import { RATE_LIMITS } from "#app/rate-limits/rate-limits.server";
import { plural } from "#app/shared/text";

// The Undo beside "Merged 3 contacts into …" (decision 0037): the kept
// contact as it was, the others back from the trash, exactly once. Every
// answer is a 303 back to the page the Undo was on, with what happened or
// why nothing did (then nothing is changed).

export async function loader({ request }: LoaderFunctionArgs) {
  await requireUser(request);
  return redirect("/contacts", 303);
}

export async function action({ request, params }: ActionFunctionArgs) {
  const user = await requireUser(request);
  const id = requireIdParam(params.mergeId, "No such merge");
  return writeAction(
    request,
    {
      userId: user.id,
      schema: ReturnToFormSchema,
      form: `contact:merge:undo:${id}`,
      rateLimit: RATE_LIMITS.contactWritesPerUser,
      rateLimited: ({ message, value }) => redirectWithFlash(request, safeRedirect(value.returnTo), { message, kind: "error" }),
    },
    async ({ returnTo }, { trx }) => {
      const back = safeRedirect(returnTo);
      const result = await undoMerge(user.id, id, trx);
      // A refusal is thrown: the transaction rolls back.
      if (!result.ok) throw redirectWithFlash(request, back, { message: refusal(result), kind: "error" });
      const restored = `${plural(result.restored, "contact")} ${result.restored === 1 ? "is" : "are"} back`;
      const blocked = result.blocked.length
        ? ` ${result.blocked.join(", ")} ${result.blocked.length === 1 ? "stays" : "stay"} in the trash: another contact now has the same email address.`
        : "";
      return redirectWithFlash(request, back, `Undid the merge: ${result.kept.name} is as it was, and ${restored}.${blocked}`);
    },
  );
}

function refusal(result: Exclude<UndoMergeResult, { ok: true }>): string {
  switch (result.reason) {
    case "expired":
      return UNDO_EXPIRED_MESSAGE;
    case "changed":
      return `Couldn't undo the merge: ${result.name} was changed after it, and undoing it would lose that. The other contacts are in the trash.`;
    case "email-taken":
      return `Couldn't undo the merge: another contact now has ${result.email}, the address ${result.name} had before.`;
  }
}

export const headers = writeHeaders;

export function ErrorBoundary() {
  return <GeneralErrorBoundary notFoundMessage="This merge does not exist, or it is not one of yours." />;
}
