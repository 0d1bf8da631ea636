import { parseWithZod } from "@conform-to/zod/v4";
import { data, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Link, useActionData, useLoaderData, type ClientActionFunctionArgs, type ShouldRevalidateFunction } from "@remix-run/react";
import { requireUser } from "#app/auth/session.server";
import { ContactForm } from "#app/contacts/contact-form";
import { ContactFormSchema, DUPLICATE_EMAIL_MESSAGE } from "#app/contacts/contact-schema";
import { getContact, updateContact, type Contact } from "#app/contacts/contacts.server";
import { GeneralErrorBoundary } from "#app/components/error-page";
import { redirectWithFlash } from "#app/http/flash.server";
import { consumeRateLimit, RATE_LIMITS, retryAfterHeaders, tooManyRequests } from "#app/rate-limits/rate-limits.server";
import { notFound, requireIdParam } from "#app/http/responses.server";
import { readForm } from "#app/http/form.server";
import { newSubmissionKey, once } from "#app/submissions/submission-keys.server";
import { formatDate } from "#app/client/format";
import { keepFormOnNetworkFailure, lostSubmission } from "#app/client/network";

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
  const version = parseVersion(form.get("version"));
  if (submission.status !== "success" || version === null) {
    // Another account's id must look missing, not invalid: check before answering 400.
    if (!(await getContact(user.id, id))) notFound("No such contact");
    return data(submission.reply(version === null ? { formErrors: [STALE_FORM] } : undefined), { status: 400 });
  }
  const limit = await consumeRateLimit(RATE_LIMITS.contactWritesPerUser, user.id);
  if (limit.limited) return data(submission.reply({ formErrors: [limit.message] }), tooManyRequests(limit));

  // A repeat of this form's key (double tap, resubmit, retry) gets the first
  // answer, so a retried save never reports a conflict with itself.
  return once(user.id, form, `contact:update:${id}`, async (trx) => {
    const result = await updateContact(user.id, id, submission.value, version, trx);
    if (result.ok) return redirectWithFlash(request, `/contacts/${id}`, `Saved ${result.contact.name}.`);
    if (result.reason === "not-found") notFound("No such contact");
    if (result.reason === "conflict") {
      // Someone saved this contact after the form was opened: show both, keep what was typed.
      // (The notice says what happened; the form holds no field error.)
      return data({ ...submission.reply(), conflict: result.current }, { status: 409 });
    }
    return data(submission.reply({ fieldErrors: { email: [DUPLICATE_EMAIL_MESSAGE] } }), { status: 409 });
  });
}

const STALE_FORM = "This form is out of date. Reload the page and make your changes again.";

function parseVersion(value: FormDataEntryValue | null): number | null {
  return typeof value === "string" && /^[1-9]\d{0,9}$/.test(value) ? Number(value) : null;
}

// With JavaScript: a submission lost on the network keeps the form and says so.
export const clientAction = ({ serverAction }: ClientActionFunctionArgs) => keepFormOnNetworkFailure(serverAction<typeof action>);

export const shouldRevalidate: ShouldRevalidateFunction = ({ actionResult, defaultShouldRevalidate }) =>
  !lostSubmission(actionResult) && defaultShouldRevalidate;

export const headers = retryAfterHeaders;

export const meta: MetaFunction<typeof loader> = ({ data }) => [
  { title: data ? `Edit ${data.contact.name} · Cardfile` : "Contact not found · Cardfile" },
];

export default function EditContactPage() {
  const { contact, submissionKey } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof clientAction>();
  const networkFailure = actionData && "networkFailure" in actionData ? actionData.networkFailure : null;
  const result = actionData && !("networkFailure" in actionData) ? actionData : undefined;
  const conflict = result && "conflict" in result ? result.conflict : null;
  return (
    <section className="narrow" aria-labelledby="edit-title">
      <p className="back">
        <Link to={`/contacts/${contact.id}`}>← {contact.name}</Link>
      </p>
      <h1 id="edit-title">Edit {contact.name}</h1>
      {conflict ? <ConflictNotice current={conflict} contactId={contact.id} /> : null}
      <ContactForm
        draftKey={`edit:${contact.id}`}
        lastResult={result}
        networkFailure={networkFailure}
        defaultValue={contact}
        // After a conflict the form holds what the user typed; saving it again
        // means "mine over theirs", at the version they have now seen.
        version={conflict ? conflict.version : contact.version}
        submitLabel={conflict ? "Save mine anyway" : "Save changes"}
        submissionKey={submissionKey}
      />
    </section>
  );
}

function ConflictNotice({ current, contactId }: { current: Contact; contactId: string }) {
  const rows: [string, string | null][] = [
    ["Name", current.name],
    ["Email", current.email],
    ["Company", current.company],
    ["Phone", current.phone],
    ["Notes", current.notes],
  ];
  return (
    <div className="conflict" role="alert">
      <p>
        <strong>This contact was changed since you opened this form</strong> (last saved {formatDate(current.updatedAt)}).
        Your changes are kept in the form below. Save them over the current version, or drop them.
      </p>
      <table>
        <caption>The contact as it is now</caption>
        <tbody>
          {rows.map(([label, value]) => (
            <tr key={label}>
              <th scope="row">{label}</th>
              <td>{value ?? "—"}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <p>
        <Link to={`/contacts/${contactId}`} reloadDocument>
          Drop my changes
        </Link>
      </p>
    </div>
  );
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary notFoundMessage="This contact does not exist, or it is not one of yours." />;
}
