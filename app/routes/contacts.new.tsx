import { parseWithZod } from "@conform-to/zod/v4";
import { data, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Link, useActionData, useLoaderData, type ClientActionFunctionArgs, type ShouldRevalidateFunction } from "@remix-run/react";
import { requireUser } from "#app/auth/session.server";
import { ContactForm } from "#app/contacts/contact-form";
import { ContactFormSchema, DUPLICATE_EMAIL_MESSAGE } from "#app/contacts/contact-schema";
import { createContact } from "#app/contacts/contacts.server";
import { GeneralErrorBoundary } from "#app/components/error-page";
import { redirectWithFlash } from "#app/http/flash.server";
import { consumeRateLimit, RATE_LIMITS, retryAfterHeaders, tooManyRequests } from "#app/rate-limits/rate-limits.server";
import { readForm } from "#app/http/form.server";
import { newSubmissionKey, once } from "#app/submissions/submission-keys.server";
import { keepFormOnNetworkFailure, lostSubmission } from "#app/client/network";

export async function loader({ request }: LoaderFunctionArgs) {
  await requireUser(request);
  return { submissionKey: newSubmissionKey() };
}

export async function action({ request }: ActionFunctionArgs) {
  const user = await requireUser(request);
  const form = await readForm(request);
  const submission = parseWithZod(form, { schema: ContactFormSchema });
  if (submission.status !== "success") return data(submission.reply(), { status: 400 });
  const limit = await consumeRateLimit(RATE_LIMITS.contactWritesPerUser, user.id);
  if (limit.limited) return data(submission.reply({ formErrors: [limit.message] }), tooManyRequests(limit));

  // A repeat of this form's key (double tap, resubmit, retry) gets the first answer.
  return once(user.id, form, "contact:create", async (trx) => {
    const result = await createContact(user.id, submission.value, trx);
    if (!result.ok) {
      return data(submission.reply({ fieldErrors: { email: [DUPLICATE_EMAIL_MESSAGE] } }), { status: 409 });
    }
    return redirectWithFlash(request, `/contacts/${result.contact.id}`, `Created ${result.contact.name}.`);
  });
}

// With JavaScript: a submission lost on the network keeps the form and says so.
export const clientAction = ({ serverAction }: ClientActionFunctionArgs) => keepFormOnNetworkFailure(serverAction<typeof action>);

export const shouldRevalidate: ShouldRevalidateFunction = ({ actionResult, defaultShouldRevalidate }) =>
  !lostSubmission(actionResult) && defaultShouldRevalidate;

export const headers = retryAfterHeaders;

export const meta: MetaFunction = () => [{ title: "New contact · Cardfile" }];

export default function NewContactPage() {
  const { submissionKey } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof clientAction>();
  const networkFailure = actionData && "networkFailure" in actionData ? actionData.networkFailure : null;
  const lastResult = actionData && !("networkFailure" in actionData) ? actionData : undefined;
  return (
    <section className="narrow" aria-labelledby="new-title">
      <p className="back">
        <Link to="/contacts">← Contacts</Link>
      </p>
      <h1 id="new-title">New contact</h1>
      <ContactForm
        lastResult={lastResult}
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
