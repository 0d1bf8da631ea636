import Link from "next/link";
import { formatDate } from "@/lib/format";
import { notFound } from "next/navigation";
import { getContact } from "../../actions";

export const dynamic = "force-dynamic";

export default async function ContactPage({ params }) {
  const contact = await getContact(params.id);
  if (!contact) notFound();
  const none = <span className="text-gray-400">—</span>;
  return (
    <article className="max-w-md mx-auto bg-white p-6 rounded-lg shadow-md">
      <p>
        <Link href="/contacts">← Contacts</Link>
      </p>
      <h1 className="text-2xl font-bold mb-6 text-gray-900">{contact.name}</h1>
      <dl className="space-y-2">
        <dt className="text-sm font-medium text-gray-700">Email</dt>
        <dd>
          <a href={`mailto:${contact.email}`}>{contact.email}</a>
        </dd>
        <dt className="text-sm font-medium text-gray-700">Company</dt>
        <dd>{contact.company ?? none}</dd>
        <dt className="text-sm font-medium text-gray-700">Phone</dt>
        <dd>{contact.phone ? <a href={`tel:${contact.phone}`}>{contact.phone}</a> : none}</dd>
        <dt className="text-sm font-medium text-gray-700">Notes</dt>
        <dd>{contact.notes ?? none}</dd>
        <dt className="text-sm font-medium text-gray-700">Added</dt>
        <dd>{formatDate(contact.createdAt)}</dd>
      </dl>
    </article>
  );
}
