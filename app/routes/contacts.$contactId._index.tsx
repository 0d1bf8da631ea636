import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { requireUser } from "#app/auth/session.server";
import { ContactFieldList } from "#app/contacts/contact-details";
import { getContact } from "#app/contacts/contacts.server";
import { GeneralErrorBoundary } from "#app/components/error-page";
import { formatDate } from "#app/client/format";
import { keepPageWhenOffline } from "#app/client/offline";
import { notFound, requireIdParam } from "#app/http/responses.server";

export async function loader({ request, params }: LoaderFunctionArgs) {
  const user = await requireUser(request);
  const contact = await getContact(user.id, requireIdParam(params.contactId));
  if (!contact) notFound("No such contact");
  return { contact };
}

// A reload of the contact that cannot reach the server keeps it on screen (see offline.ts).
export const clientLoader = keepPageWhenOffline("routes/contacts.$contactId._index");

export const meta: MetaFunction<typeof loader> = ({ data }) => [
  { title: data ? `${data.contact.name} · Cardfile` : "Contact not found · Cardfile" },
];

export default function ContactPage() {
  const { contact } = useLoaderData<typeof loader>();
  return (
    <article className="narrow" aria-labelledby="contact-title">
      <p className="back">
        <Link to="/contacts">← Contacts</Link>
      </p>
      <h1 id="contact-title">{contact.name}</h1>
      <dl className="details">
        <ContactFieldList contact={contact} />
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

export function ErrorBoundary() {
  return <GeneralErrorBoundary notFoundMessage="This contact does not exist, or it is not one of yours." />;
}
