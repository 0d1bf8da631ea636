import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { requireUser } from "#app/auth/session.server";
import { clientWriteAction, revalidateUnlessLost, useWriteResult } from "#app/client/network";
import { GeneralErrorBoundary } from "#app/components/error-page";
import { SubmitButton } from "#app/components/submit-button";
import { WriteForm } from "#app/components/write-form";
import { trashAction } from "#app/contacts/trash-action.server";
import { TRASH_PATH } from "#app/contacts/trash-schema";
import { trashSummary } from "#app/contacts/trash.server";
import { writeHeaders } from "#app/http/write-action.server";
import { plural } from "#app/shared/text";
import { newSubmissionKey } from "#app/submissions/submission-keys.server";

// "Empty trash" asks first, and says how many: the form carries the latest
// deletion it counted (upTo), so a contact deleted in another tab meanwhile
// stays in the trash rather than going unseen.

export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requireUser(request);
  const { total, latest } = await trashSummary(user.id);
  return { total, latest, submissionKey: newSubmissionKey() };
}

export async function action({ request }: ActionFunctionArgs) {
  return trashAction(request);
}

export const clientAction = clientWriteAction;
export const shouldRevalidate = revalidateUnlessLost;
export const headers = writeHeaders;

export const meta: MetaFunction = () => [{ title: "Empty the trash? · Cardfile" }];

export default function EmptyTrashPage() {
  const { total, latest, submissionKey } = useLoaderData<typeof loader>();
  const { networkFailure } = useWriteResult<typeof action>();
  if (latest === null) {
    return (
      <section className="narrow" aria-labelledby="empty-trash-title">
        <h1 id="empty-trash-title">The trash is empty</h1>
        <p>
          There is nothing to delete. <Link to="/contacts">Back to your contacts</Link>
        </p>
      </section>
    );
  }
  const count = plural(total, "contact");
  return (
    <section className="narrow" aria-labelledby="empty-trash-title">
      <h1 id="empty-trash-title">Empty the trash?</h1>
      <p>{`${count} in the trash will be deleted for good. This cannot be undone.`}</p>
      <WriteForm submissionKey={submissionKey} problem={networkFailure} className="actions">
        <input type="hidden" name="intent" value="empty" />
        <input type="hidden" name="upTo" value={String(latest)} />
        <SubmitButton pendingLabel="Deleting…" className="danger">
          {`Delete ${count} forever`}
        </SubmitButton>{" "}
        <Link to={TRASH_PATH} className="button">
          Cancel
        </Link>
      </WriteForm>
    </section>
  );
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}
