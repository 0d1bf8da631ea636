import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { requireUser } from "#app/auth/session.server";
import { formatDate } from "#app/client/format";
import { clientWriteAction, revalidateUnlessLost, useWriteResult } from "#app/client/network";
import { GeneralErrorBoundary } from "#app/components/error-page";
import { ContactFieldRows } from "#app/contacts/contact-details";
import { ContactForm } from "#app/contacts/contact-form";
import { ContactEditSchema, DUPLICATE_EMAIL_MESSAGE } from "#app/contacts/contact-schema";
import { getContact, updateContact, type Contact } from "#app/contacts/contacts.server";
import { redirectWithFlash } from "#app/http/flash.server";
import { notFound, requireIdParam } from "#app/http/responses.server";
import { writeAction, writeHeaders } from "#app/http/write-action.server";
import { changeContactLabels, labelsOfContact } from "#app/labels/contact-labels.server";
import { NO_SUCH_LABEL } from "#app/labels/label-schema";
import { listLabels } from "#app/labels/labels.server";
import { RATE_LIMITS } from "#app/rate-limits/rate-limits.server";
import { newSubmissionKey } from "#app/submissions/submission-keys.server";

export async function loader({ request, params }: LoaderFunctionArgs) {
  const user = await requireUser(request);
  const contact = await getContact(user.id, requireIdParam(params.contactId));
  if (!contact) notFound("No such contact");
  const [labels, contactLabels] = await Promise.all([listLabels(user.id), labelsOfContact(user.id, contact.id)]);
  return { contact, labels, labelIds: contactLabels.map((label) => label.id), submissionKey: newSubmissionKey() };
}

export async function action({ request, params }: ActionFunctionArgs) {
  const user = await requireUser(request);
  const id = requireIdParam(params.contactId);
  return writeAction(
    request,
    {
      userId: user.id,
      schema: ContactEditSchema,
      // A retried save gets its first answer: it never reports a conflict with itself.
      form: `contact:update:${id}`,
      rateLimit: RATE_LIMITS.contactWritesPerUser,
      // Another account's id must look missing, not invalid.
      beforeInvalid: async () => (await getContact(user.id, id)) ?? notFound("No such contact"),
    },
    async ({ version, labels, labelsBefore, ...input }, { trx, reject }) => {
      const result = await updateContact(user.id, id, input, version, trx);
      if (result.ok) {
        // The labels are part of the edit (and of its version): another account's is a 404, and nothing is saved.
        if (!(await changeContactLabels(user.id, id, labelsBefore, labels, trx))) notFound(NO_SUCH_LABEL);
        return redirectWithFlash(request, `/contacts/${id}`, `Saved ${result.contact.name}.`);
      }
      if (result.reason === "not-found") notFound("No such contact");
      // Someone saved this contact after the form was opened: show both, keep
      // what was typed. (The notice says what happened; no field error.)
      if (result.reason === "conflict") {
        const current = await labelsOfContact(user.id, id, trx);
        return reject(409, undefined, { conflict: result.current, conflictLabels: current.map((label) => label.name) });
      }
      return reject(409, { fieldErrors: { email: [DUPLICATE_EMAIL_MESSAGE] } });
    },
  );
}

export const clientAction = clientWriteAction;
export const shouldRevalidate = revalidateUnlessLost;
export const headers = writeHeaders;

export const meta: MetaFunction<typeof loader> = ({ data }) => [
  { title: data ? `Edit ${data.contact.name} · Cardfile` : "Contact not found · Cardfile" },
];

export default function EditContactPage() {
  const { contact, labels, labelIds, submissionKey } = useLoaderData<typeof loader>();
  const { result, networkFailure } = useWriteResult<typeof action>();
  const conflict = result && "conflict" in result ? result.conflict : null;
  const conflictLabels = result && "conflictLabels" in result ? result.conflictLabels : [];
  return (
    <section className="narrow" aria-labelledby="edit-title">
      <p className="back">
        <Link to={`/contacts/${contact.id}`}>← {contact.name}</Link>
      </p>
      <h1 id="edit-title">Edit {contact.name}</h1>
      {conflict ? <ConflictNotice current={conflict} labels={conflictLabels} contactId={contact.id} /> : null}
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
        labels={labels}
        labelIds={labelIds}
      />
    </section>
  );
}

function ConflictNotice({ current, labels, contactId }: { current: Contact; labels: string[]; contactId: string }) {
  return (
    <div className="conflict" role="alert">
      <p>
        <strong>This contact was changed since you opened this form</strong> (last saved {formatDate(current.updatedAt)}). Your changes are
        kept in the form below. Save them over the current version, or drop them.
      </p>
      <table>
        <caption>The contact as it is now</caption>
        <tbody>
          <ContactFieldRows contact={current} />
          <tr>
            <th scope="row">Labels</th>
            <td>{labels.length ? labels.join(", ") : "—"}</td>
          </tr>
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
