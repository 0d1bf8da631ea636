import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { requireUser } from "#app/auth/session.server";
import { clientWriteAction, revalidateUnlessLost, useWriteResult } from "#app/client/network";
import { GeneralErrorBoundary } from "#app/components/error-page";
import { ContactForm } from "#app/contacts/contact-form";
import { ContactFormSchema, DUPLICATE_EMAIL_MESSAGE } from "#app/contacts/contact-schema";
import { createContact } from "#app/contacts/contacts.server";
import { redirectWithFlash } from "#app/http/flash.server";
import { writeAction, writeHeaders } from "#app/http/write-action.server";
import { RATE_LIMITS } from "#app/rate-limits/rate-limits.server";
import { newSubmissionKey } from "#app/submissions/submission-keys.server";

export async function loader({ request }: LoaderFunctionArgs) {
  await requireUser(request);
  return { submissionKey: newSubmissionKey() };
}

export async function action({ request }: ActionFunctionArgs) {
  const user = await requireUser(request);
  return writeAction(
    request,
    { userId: user.id, schema: ContactFormSchema, form: "contact:create", rateLimit: RATE_LIMITS.contactWritesPerUser },
    async (input, { trx, reject }) => {
      const result = await createContact(user.id, input, trx);
      if (!result.ok) return reject(409, { fieldErrors: { email: [DUPLICATE_EMAIL_MESSAGE] } });
      return redirectWithFlash(request, `/contacts/${result.contact.id}`, `Created ${result.contact.name}.`);
    },
  );
}

export const clientAction = clientWriteAction;
export const shouldRevalidate = revalidateUnlessLost;
export const headers = writeHeaders;

export const meta: MetaFunction = () => [{ title: "New contact · Cardfile" }];

export default function NewContactPage() {
  const { submissionKey } = useLoaderData<typeof loader>();
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
      />
    </section>
  );
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}
