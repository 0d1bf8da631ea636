import { parseWithZod } from "@conform-to/zod/v4";
import { data, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Link, useActionData, useLoaderData } from "@remix-run/react";
import { requireUser } from "~/auth/session.server";
import { ContactForm } from "~/contacts/contact-form";
import { ContactFormSchema, DUPLICATE_EMAIL_MESSAGE } from "~/contacts/contact-schema";
import { getContact, updateContact } from "~/contacts/contacts.server";
import { GeneralErrorBoundary } from "~/components/error-page";
import { redirectWithFlash } from "~/http/flash.server";
import { consumeRateLimit, RATE_LIMITS, retryAfterHeaders, tooManyRequests } from "~/http/rate-limit.server";
import { notFound, requireIdParam } from "~/http/responses.server";
import { readForm } from "~/http/form.server";
import { newSubmissionKey, once } from "~/http/submissions.server";

export async function loader({ request, params }: LoaderFunctionArgs) {
  const user = await requireUser(request);
  const contact = await getContact(user.id, requireIdParam(params.contactId));
  if (!contact) notFound("No such contact");
  return { contact, submissionKey: newSubmissionKey() };
}

export async function action({ request, params }: ActionFunctionArgs) {
  const user = await requireUser(request);
  const id = requireIdParam(params.contactId);
  const form = await readForm(request);
  const submission = parseWithZod(form, { schema: ContactFormSchema });
  if (submission.status !== "success") {
    // Another account's id must look missing, not invalid: check before answering 400.
    if (!(await getContact(user.id, id))) notFound("No such contact");
    return data(submission.reply(), { status: 400 });
  }
  const limit = await consumeRateLimit(RATE_LIMITS.contactWritesPerUser, user.id);
  if (limit.limited) return data(submission.reply({ formErrors: [limit.message] }), tooManyRequests(limit));

  // A repeat of this form's key (double tap, resubmit, retry) gets the first answer.
  return once(user.id, form, `contact:update:${id}`, async (trx) => {
    const result = await updateContact(user.id, id, submission.value, trx);
    if (!result.ok && result.reason === "not-found") notFound("No such contact");
    if (!result.ok) {
      return data(submission.reply({ fieldErrors: { email: [DUPLICATE_EMAIL_MESSAGE] } }), { status: 409 });
    }
    return redirectWithFlash(request, `/contacts/${id}`, `Saved ${result.contact.name}.`);
  });
}

export const headers = retryAfterHeaders;

export const meta: MetaFunction<typeof loader> = ({ data }) => [
  { title: data ? `Edit ${data.contact.name} · Cardfile` : "Contact not found · Cardfile" },
];

export default function EditContactPage() {
  const { contact, submissionKey } = useLoaderData<typeof loader>();
  const lastResult = useActionData<typeof action>();
  return (
    <section className="narrow" aria-labelledby="edit-title">
      <p className="back">
        <Link to={`/contacts/${contact.id}`}>← {contact.name}</Link>
      </p>
      <h1 id="edit-title">Edit {contact.name}</h1>
      <ContactForm lastResult={lastResult} defaultValue={contact} submitLabel="Save changes" submissionKey={submissionKey} />
    </section>
  );
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary notFoundMessage="This contact does not exist, or it is not one of yours." />;
}
