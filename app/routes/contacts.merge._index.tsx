import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { requireUser } from "#app/auth/session.server";
import { clientWriteAction, revalidateUnlessLost, useWriteResult } from "#app/client/network";
import { GeneralErrorBoundary } from "#app/components/error-page";
import { redirectWithFlash } from "#app/http/flash.server";
import { pageAmong } from "#app/http/redirect";
import { badRequest, notFound } from "#app/http/responses.server";
import { writeAction, writeHeaders } from "#app/http/write-action.server";
import { MergeForm } from "#app/merges/merge-form";
import { MAX_MERGE, MERGE_COUNT_MESSAGE, type MergeChoices } from "#app/merges/merge-plan";
import { MergeFormSchema } from "#app/merges/merge-schema";
import { mergeContacts, mergeGroup, mergeView } from "#app/merges/merges.server";
import { RATE_LIMITS } from "#app/rate-limits/rate-limits.server";
import { plural } from "#app/shared/text";
import { isId } from "#app/shared/ids";
import { newSubmissionKey } from "#app/submissions/submission-keys.server";

// Merging duplicates (decision 0037): /contacts/merge?ids=…&ids=… shows the
// group side by side with a radio per field; its POST keeps one contact
// with the chosen values and moves the others to the trash, exactly once,
// with an Undo. A form opened before one of them changed gets this page
// again (409) with the group as it is now, as a stale edit does.

export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requireUser(request);
  const search = new URL(request.url).searchParams;
  const ids = [...new Set(search.getAll("ids"))];
  const returnTo = backTo(search.get("returnTo")) ?? "";
  // No contacts named: how to choose some.
  if (ids.length === 0) return { view: null, submissionKey: "", returnTo };
  if (ids.length < 2 || ids.length > MAX_MERGE) badRequest(MERGE_COUNT_MESSAGE);
  const members = (ids.every(isId) ? await mergeGroup(user.id, ids) : null) ?? notFound("No such contact");
  return { view: mergeView(members), submissionKey: newSubmissionKey(), returnTo };
}

export async function action({ request }: ActionFunctionArgs) {
  const user = await requireUser(request);
  return writeAction(
    request,
    {
      userId: user.id,
      schema: MergeFormSchema,
      // A retried merge gets its first answer, not a conflict with itself.
      form: (value) => `contact:merge:${value.contacts.map((member) => member.id).sort()}`,
      rateLimit: RATE_LIMITS.contactWritesPerUser,
    },
    async ({ contacts, returnTo, ...choices }, { trx, reject }) => {
      const result = await mergeContacts(user.id, contacts, choices, trx);
      if (result.ok) {
        const message = `Merged ${plural(result.trashed + 1, "contact")} into ${result.kept.name}.`;
        return redirectWithFlash(request, backTo(returnTo) ?? `/contacts/${result.kept.id}`, { message, undoMergeId: result.mergeId });
      }
      if (result.reason === "gone") {
        // Thrown: the transaction rolls back, and the answer is this message.
        throw redirectWithFlash(request, backTo(returnTo) ?? "/contacts/duplicates", {
          message: "One of these contacts was deleted or merged since the page was opened: nothing was merged.",
          kind: "error",
        });
      }
      if (result.reason === "invalid") return reject(400, { fieldErrors: { [result.field]: [result.message] } });
      return reject(409, undefined, { conflict: { view: mergeView(result.members), changed: result.changed, choices } });
    },
  );
}

/** Where the merge page goes back to: the duplicates page or the list it came from; anything else is no page to go back to. */
function backTo(to: string | null | undefined): string | null {
  return pageAmong(to, ["/contacts/duplicates", "/contacts"]);
}

export const clientAction = clientWriteAction;
export const shouldRevalidate = revalidateUnlessLost;
export const headers = writeHeaders;

export const meta: MetaFunction<typeof loader> = ({ data }) => [
  { title: data?.view ? `Merge ${plural(data.view.members.length, "contact")} · Cardfile` : "Merge contacts · Cardfile" },
];

export default function MergePage() {
  const loaded = useLoaderData<typeof loader>();
  const { result, networkFailure } = useWriteResult<typeof action>();
  const conflict = result && "conflict" in result ? result.conflict : null;
  const choices: MergeChoices = conflict?.choices ?? {};
  const back = loaded.returnTo || "/contacts/duplicates";
  return (
    <section aria-labelledby="merge-title">
      <p className="back">
        <Link to={back}>{back.startsWith("/contacts/duplicates") ? "← Duplicates" : "← Contacts"}</Link>
      </p>
      <h1 id="merge-title">Merge contacts</h1>
      {loaded.view === null ? <HowToChoose /> : null}
      {conflict ? (
        <div className="conflict" role="alert">
          <p>
            <strong>{`${conflict.changed.join(", ")} ${conflict.changed.length === 1 ? "was" : "were"} changed since you opened this page.`}</strong>{" "}
            The page now shows every contact as it is; your choices are kept. Merge them again, or go back.
          </p>
        </div>
      ) : null}
      {loaded.view === null ? null : (
        <MergeForm
          // A new form after a conflict: its radios start at the choices made, over the group as it is now.
          key={conflict ? conflict.view.members.map((m: { id: string; version: number }) => `${m.id}:${m.version}`).join() : "loaded"}
          view={conflict?.view ?? loaded.view}
          submissionKey={loaded.submissionKey}
          returnTo={loaded.returnTo}
          choices={choices}
          errors={result?.error ?? {}}
          problem={networkFailure ?? (result?.error?.[""] ?? result?.error?.contacts)?.join(" ") ?? null}
        />
      )}
    </section>
  );
}

function HowToChoose() {
  return (
    <p>
      {`${MERGE_COUNT_MESSAGE} Pick a group on the `}
      <Link to="/contacts/duplicates">Duplicates</Link>
      {" page, or check them in "}
      <Link to="/contacts">the list</Link>
      {" and press Merge."}
    </p>
  );
}

export function ErrorBoundary() {
  return (
    <GeneralErrorBoundary notFoundMessage="One of these contacts does not exist any more (deleted or merged), or is not one of yours." />
  );
}
