import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { requireUser } from "#app/auth/session.server";
import { clientWriteAction, revalidateUnlessLost, useWriteResult } from "#app/client/network";
import { GeneralErrorBoundary } from "#app/components/error-page";
import { ContactForm } from "#app/contacts/contact-form";
import { DUPLICATE_EMAIL_MESSAGE, NewContactSchema } from "#app/contacts/contact-schema";
import { createContact } from "#app/contacts/contacts.server";
import { redirectWithFlash } from "#app/http/flash.server";
import { notFound } from "#app/http/responses.server";
import { writeAction, writeHeaders } from "#app/http/write-action.server";
import { setContactLabels } from "#app/labels/contact-labels.server";
import { NO_SUCH_LABEL } from "#app/labels/label-schema";
import { listLabels } from "#app/labels/labels.server";
import { RATE_LIMITS } from "#app/rate-limits/rate-limits.server";
import { newSubmissionKey } from "#app/submissions/submission-keys.server";

export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requireUser(request);
  return { submissionKey: newSubmissionKey(), labels: await listLabels(user.id) };
}

export async function action({ request }: ActionFunctionArgs) {
  const user = await requireUser(request);
  return writeAction(
    request,
    { userId: user.id, schema: NewContactSchema, form: "contact:create", rateLimit: RATE_LIMITS.contactWritesPerUser },
    async ({ labels, ...input }, { trx, reject }) => {
      const result = await createContact(user.id, input, trx);
      if (!result.ok) return reject(409, { fieldErrors: { email: [DUPLICATE_EMAIL_MESSAGE] } });
      // Another account's label never attaches: 404, and the contact is not created either.
      if (!(await setContactLabels(user.id, result.contact.id, labels, trx))) notFound(NO_SUCH_LABEL);
      return redirectWithFlash(request, `/contacts/${result.contact.id}`, `Created ${result.contact.name}.`);
    },
  );
}

export const clientAction = clientWriteAction;
export const shouldRevalidate = revalidateUnlessLost;
export const headers = writeHeaders;

export const meta: MetaFunction = () => [{ title: "New contact · Cardfile" }];

export default function NewContactPage() {
  const { submissionKey, labels } = useLoaderData<typeof loader>();
  const { result, networkFailure } = useWriteResult<typeof action>();
  return (
    <section className="narrow" aria-labelledby="new-title">
      <p className="back">
        <Link to="/contacts">← Contacts</Link>
      </p>
      <h1 id="new-title">New contact</h1>
      <ContactForm
        lastResult={result}
        submitLabel="Create contact"
        submissionKey={submissionKey}
        networkFailure={networkFailure}
        draftKey="new"
        labels={labels}
      />
    </section>
  );
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}
