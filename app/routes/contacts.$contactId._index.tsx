import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Link, useFetcher, useLoaderData } from "@remix-run/react";
import { requireUser } from "#app/auth/session.server";
import { ContactFieldList } from "#app/contacts/contact-details";
import { starFetcherKey } from "#app/contacts/contact-rows";
import { getContact } from "#app/contacts/contacts.server";
import { GeneralErrorBoundary } from "#app/components/error-page";
import { formatDate } from "#app/client/format";
import { keepPageWhenOffline } from "#app/client/offline";
import { notFound, requireIdParam } from "#app/http/responses.server";
import { FormProblem } from "#app/components/form-problem";
import { SubmissionKey } from "#app/components/submission-key";
import { newSubmissionKey } from "#app/submissions/submission-keys.server";
import { LabelLinks } from "#app/contacts/list-filters";
import { labelsOfContact } from "#app/labels/contact-labels.server";

export async function loader({ request, params }: LoaderFunctionArgs) {
  const user = await requireUser(request);
  const contact = await getContact(user.id, requireIdParam(params.contactId));
  if (!contact) notFound("No such contact");
  return { contact, labels: await labelsOfContact(user.id, contact.id), starKey: newSubmissionKey() };
}

// A reload of the contact that cannot reach the server keeps it on screen (see offline.ts).
export const clientLoader = keepPageWhenOffline("routes/contacts.$contactId._index");

export const meta: MetaFunction<typeof loader> = ({ data }) => [
  { title: data ? `${data.contact.name} · Cardfile` : "Contact not found · Cardfile" },
];

export default function ContactPage() {
  const { contact, labels, starKey } = useLoaderData<typeof loader>();
  return (
    <article className="narrow" aria-labelledby="contact-title">
      <p className="back">
        <Link to="/contacts">← Contacts</Link>
      </p>
      <div className="page-head">
        <h1 id="contact-title">{contact.name}</h1>
        <StarForm contactId={contact.id} starred={contact.starred} submissionKey={starKey} />
      </div>
      <dl className="details">
        <ContactFieldList contact={contact} />
        <dt>Labels</dt>
        <dd>{labels.length ? <LabelLinks labels={labels} /> : <span className="none">—</span>}</dd>
        <dt>Added</dt>
        <dd>
          <time dateTime={contact.createdAt}>{formatDate(contact.createdAt)}</time>
        </dd>
        <dt>Last changed</dt>
        <dd>
          <time dateTime={contact.updatedAt}>{formatDate(contact.updatedAt)}</time>
        </dd>
      </dl>
      <div className="actions">
        <Link to="edit" className="button primary">
          Edit
        </Link>{" "}
        <Link to="delete" className="button danger">
          Delete
        </Link>
      </div>
    </article>
  );
}

/**
 * The contact's star: a POST form (a fetcher's, so that a refusal or a
 * request lost on the network is said here), showing the state it asks for
 * while it is on its way.
 */
function StarForm({ contactId, starred, submissionKey }: { contactId: string; starred: boolean; submissionKey: string }) {
  const star = useFetcher<{ error?: string; networkFailure?: string }>({ key: starFetcherKey(contactId) });
  const shown = star.formData ? star.formData.get("starred") === "1" : starred;
  const problem = star.state === "idle" ? (star.data?.error ?? star.data?.networkFailure) : null;
  return (
    <star.Form method="post" action={`/contacts/${contactId}/star`} className="star-form">
      <SubmissionKey value={submissionKey} />
      <input type="hidden" name="starred" value={shown ? "0" : "1"} />
      <input type="hidden" name="returnTo" value={`/contacts/${contactId}`} />
      <button type="submit" className="button" aria-pressed={shown}>
        {shown ? "★ Starred" : "☆ Star"}
      </button>
      <FormProblem message={problem} />
    </star.Form>
  );
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary notFoundMessage="This contact does not exist, or it is not one of yours." />;
}
