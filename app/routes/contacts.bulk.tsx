import { createHash } from "node:crypto";
import { redirect, type ActionFunctionArgs, type LoaderFunctionArgs } from "@remix-run/node";
import { requireUser } from "#app/auth/session.server";
import { BULK_FORM, BulkFormSchema, NO_LABEL_CHOSEN, NOTHING_SELECTED, UNREADABLE, type BulkForm } from "#app/contacts/bulk-schema";
import { runBulk, undoBulkDelete, type BulkChange, type BulkSelection } from "#app/contacts/bulk.server";
import { readListParams } from "#app/contacts/list-params";
import { UNDO_EXPIRED_MESSAGE } from "#app/contacts/trash.server";
import { GeneralErrorBoundary } from "#app/components/error-page";
import { redirectWithFlash } from "#app/http/flash.server";
import { listRedirect, safeRedirect } from "#app/http/redirect";
import { notFound } from "#app/http/responses.server";
import { writeAction, writeHeaders, type WriteContext } from "#app/http/write-action.server";
import { NO_SUCH_LABEL } from "#app/labels/label-schema";
import { getLabel } from "#app/labels/labels.server";
import { RATE_LIMITS } from "#app/rate-limits/rate-limits.server";
import { usePageKey } from "#app/submissions/submission-keys.server";
import { plural } from "#app/shared/text";

// The list's bulk actions (decision 0036): one POST form around the rows'
// checkboxes. The checked contacts' change is one transaction; every
// contact matching the list goes a batch at a time, the first batch in the
// write's transaction (with its submission key: exactly once), the rest
// after it commits. Every answer is a 303 back to the list with a message
// (a refusal's says what to fix and nothing is changed); a bulk delete's
// message carries one Undo for all of it. Another account's label is a 404.

export async function loader({ request }: LoaderFunctionArgs) {
  await requireUser(request);
  return redirect("/contacts", 303);
}

export async function action({ request }: ActionFunctionArgs) {
  const user = await requireUser(request);
  return writeAction(
    request,
    {
      userId: user.id,
      schema: BulkFormSchema,
      // The bulk form's key lasts until used (pageKey): a key used for another selection, or action, is refused, not replayed.
      form: (value) =>
        value.action === "undo-delete" ? `contact:bulk:undo:${value.deletedAt}` : `contact:bulk:${value.action}:${digest(value)}`,
      rateLimit: RATE_LIMITS.contactWritesPerUser,
      rateLimited: ({ message, value }) => redirectWithFlash(request, listRedirect(value.returnTo), { message, kind: "error" }),
      // No page of its own: a form it cannot read (no action, an unknown one) goes back to the list and says so.
      beforeInvalid: () => {
        throw redirectWithFlash(request, "/contacts", { message: UNREADABLE, kind: "error" });
      },
    },
    async (value, context) => {
      const back = listRedirect(value.returnTo);
      if (value.action !== "undo-delete") await usePageKey(user.id, BULK_FORM, context.trx);
      if (value.action === "undo-delete") return undoDelete(request, user.id, value.deletedAt, back, context);
      const refuse = (message: string) => redirectWithFlash(request, back, { message, kind: "error" });
      const { trx, afterCommit } = context;

      let change: BulkChange;
      let labelName = "";
      if (value.action === "add-label" || value.action === "remove-label") {
        if (!value.labelId) return refuse(NO_LABEL_CHOSEN);
        const label = (await getLabel(user.id, value.labelId, trx)) ?? notFound(NO_SUCH_LABEL);
        change = { kind: value.action, labelId: label.id };
        labelName = label.name;
      } else {
        change = value.action === "delete" ? { kind: "delete", at: Date.now() } : { kind: value.action };
      }

      let selection: BulkSelection;
      if (value.scope === "matching") {
        // Without the list it came from, "every contact matching" would be every contact: not a guess to act on.
        if (value.list === undefined) return refuse(UNREADABLE);
        // The list's filters, as its URL has them; a label not theirs is a 404.
        const filters = readListParams(new URL(safeRedirect(value.list), "http://cardfile.invalid").searchParams);
        const filterLabel = filters.label === null ? null : ((await getLabel(user.id, filters.label, trx)) ?? notFound(NO_SUCH_LABEL));
        selection = { matching: { q: filters.q, starred: filters.starred, labelId: filterLabel?.id ?? null } };
      } else {
        if (value.ids.length === 0) return refuse(NOTHING_SELECTED);
        selection = { ids: value.ids };
      }
      const { count, rest } = await runBulk(user.id, change, selection, trx);
      if (rest) afterCommit(rest);
      return redirectWithFlash(request, back, {
        message: outcome(value, count, labelName),
        ...(change.kind === "delete" && count > 0 ? { undoDeletedAt: change.at } : {}),
      });
    },
  );
}

/** Which contacts a bulk form names, and how: what its key is for. */
function digest(value: Extract<BulkForm, { scope: string }>): string {
  const { ids, scope, list, labelId } = value;
  const what = JSON.stringify([scope, scope === "matching" ? (list ?? "") : [...ids].sort(), labelId ?? null]);
  return createHash("sha256").update(what).digest("base64url").slice(0, 16);
}

/** What happened, in words ("Starred 3 contacts."). */
function outcome(value: Extract<BulkForm, { scope: string }>, count: number, labelName: string): string {
  const contacts = plural(count, "contact");
  switch (value.action) {
    case "star":
      return `Starred ${contacts}.`;
    case "unstar":
      return `Unstarred ${contacts}.`;
    case "add-label":
      return `Labelled ${contacts} ${labelName}.`;
    case "remove-label":
      return `Took the label ${labelName} off ${contacts}.`;
    case "delete":
      return `Moved ${contacts} to the trash.`;
  }
}

/** The Undo of a bulk delete: every contact it deleted comes back, but those whose email another contact holds now. */
async function undoDelete(request: Request, ownerId: string, deletedAt: number, back: string, { trx, afterCommit }: WriteContext) {
  const { total, blocked, rest } = await undoBulkDelete(ownerId, deletedAt, trx);
  if (total === 0) {
    return redirectWithFlash(request, back, {
      message: UNDO_EXPIRED_MESSAGE,
      kind: "error",
    });
  }
  if (rest) afterCommit(rest);
  const restored = `Restored ${plural(total - blocked, "contact")}.`;
  return redirectWithFlash(
    request,
    back,
    blocked === 0
      ? restored
      : `${restored} ${plural(blocked, "contact")} stay in the trash: another contact now has the same email address.`,
  );
}

export const headers = writeHeaders;

export function ErrorBoundary() {
  return <GeneralErrorBoundary notFoundMessage="This label does not exist, or it is not one of yours." />;
}
