import { data, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { requireUser } from "#app/auth/session.server";
import { clientWriteAction, revalidateUnlessLost, useWriteResult } from "#app/client/network";
import { GeneralErrorBoundary } from "#app/components/error-page";
import { FormProblem } from "#app/components/form-problem";
import { redirectWithFlash } from "#app/http/flash.server";
import { notFound } from "#app/http/responses.server";
import { writeAction, writeHeaders } from "#app/http/write-action.server";
import { LabelRow, NewLabelForm, type LabelFormResult } from "#app/labels/label-forms";
import { DUPLICATE_LABEL_MESSAGE, LabelFormSchema, NO_SUCH_LABEL } from "#app/labels/label-schema";
import { labelCounts } from "#app/labels/contact-labels.server";
import { createLabel, deleteLabel, listLabels, renameLabel } from "#app/labels/labels.server";
import { RATE_LIMITS } from "#app/rate-limits/rate-limits.server";
import { newSubmissionKey } from "#app/submissions/submission-keys.server";

// The account's labels: create, rename, delete (the contacts stay). Plain
// POST forms, one intent each (decision 0034).

export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requireUser(request);
  const [labels, counts] = await Promise.all([listLabels(user.id), labelCounts(user.id)]);
  // One key per form: each is its own submission.
  return {
    labels: labels.map((label) => ({
      ...label,
      count: counts.get(label.id) ?? 0,
      keys: { rename: newSubmissionKey(), delete: newSubmissionKey() },
    })),
    createKey: newSubmissionKey(),
  };
}

export async function action({ request }: ActionFunctionArgs) {
  const user = await requireUser(request);
  return writeAction(
    request,
    {
      userId: user.id,
      schema: LabelFormSchema,
      form: (value) => (value.intent === "create" ? "label:create" : `label:${value.intent}:${value.id}`),
      rateLimit: RATE_LIMITS.contactWritesPerUser,
      beforeInvalid: (errors) => {
        if (errors.intent) throw data("Unknown intent", { status: 400 });
        if (errors.id) notFound(NO_SUCH_LABEL);
      },
    },
    async (value, { trx, reject }) => {
      if (value.intent === "delete") {
        const deleted = (await deleteLabel(user.id, value.id, trx)) ?? notFound(NO_SUCH_LABEL);
        return redirectWithFlash(request, "/labels", `Deleted the label ${deleted.name}. Its contacts are still there.`);
      }
      const result =
        value.intent === "create" ? await createLabel(user.id, value.name, trx) : await renameLabel(user.id, value.id, value.name, trx);
      if (!result.ok && result.reason === "not-found") notFound(NO_SUCH_LABEL);
      if (!result.ok) return reject(409, { fieldErrors: { name: [DUPLICATE_LABEL_MESSAGE] } });
      return redirectWithFlash(
        request,
        "/labels",
        value.intent === "create" ? `Created the label ${result.label.name}.` : `Renamed the label to ${result.label.name}.`,
      );
    },
  );
}

export const clientAction = clientWriteAction;
export const shouldRevalidate = revalidateUnlessLost;
export const headers = writeHeaders;

export const meta: MetaFunction = () => [{ title: "Labels · Cardfile" }];

export default function LabelsPage() {
  const { labels, createKey } = useLoaderData<typeof loader>();
  const { result, networkFailure } = useWriteResult<typeof action>();
  const answer = result as LabelFormResult;
  return (
    <section className="narrow" aria-labelledby="labels-title">
      <p className="back">
        <Link to="/contacts">← Contacts</Link>
      </p>
      <h1 id="labels-title">Labels</h1>
      <FormProblem message={networkFailure} />
      <NewLabelForm submissionKey={createKey} result={answer} />
      {labels.length === 0 ? (
        <p className="empty">You have no labels yet. A label groups contacts: “Family”, “Clients”, “Book club”.</p>
      ) : (
        <ul className="label-list" aria-label="Your labels">
          {labels.map((label) => (
            <LabelRow key={label.id} label={label} count={label.count} keys={label.keys} result={answer} />
          ))}
        </ul>
      )}
    </section>
  );
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary notFoundMessage="This label does not exist, or it is not one of yours." />;
}
