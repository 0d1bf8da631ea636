import Link from "next/link";
import { formatDate } from "@/lib/format";
import { getContacts } from "../actions";

// A server component reading searchParams, like the seed's app/page.js reads
// getContacts(); rendered on every request (it reads the session cookie).
export const dynamic = "force-dynamic";

function pageHref(q, cursor) {
  const params = new URLSearchParams();
  if (q) params.set("q", q);
  if (cursor) params.set("cursor", cursor);
  return `/contacts?${params}`;
}

export default async function ContactsPage({ searchParams }) {
  const q = typeof searchParams.q === "string" ? searchParams.q.trim().slice(0, 100) : "";
  const { contacts, older } = await getContacts(q, typeof searchParams.cursor === "string" ? searchParams.cursor : null);

  return (
    <div className="bg-white shadow-md rounded-lg overflow-hidden">
      <div className="px-6 py-4 bg-gray-50 border-b flex justify-between">
        <h1 className="text-lg font-semibold text-gray-900">Contacts ({contacts.length})</h1>
        <Link href="/contacts/new" className="text-sm bg-blue-600 text-white px-3 py-1 rounded">
          Add Contact
        </Link>
      </div>
      <form action="/contacts" method="get" role="search" className="px-6 py-4 border-b">
        <label htmlFor="q" className="block text-sm font-medium text-gray-700 mb-1">
          Search contacts
        </label>
        <input
          id="q"
          name="q"
          type="search"
          defaultValue={q}
          maxLength={100}
          className="w-full px-3 py-2 border border-gray-300 rounded-md"
          placeholder="Name, email or company"
        />
      </form>

      {contacts.length === 0 ? (
        <div className="p-8 text-center text-gray-500">
          <p className="text-lg font-medium">{q ? `No contacts match “${q}”` : "No contacts yet"}</p>
        </div>
      ) : (
        <div className="divide-y divide-gray-200">
          {contacts.map((contact) => (
            <div key={contact.id} className="p-6 hover:bg-gray-50 transition-colors">
              <h2 className="text-lg font-medium text-gray-900 truncate">
                <Link href={`/contacts/${contact.id}`}>{contact.name}</Link>
              </h2>
              <p className="text-sm text-gray-600 truncate">{contact.email}</p>
              {contact.company && <p className="text-sm text-gray-600 truncate mt-1">🏢 {contact.company}</p>}
              <p className="text-xs text-gray-400 mt-3">Added {formatDate(contact.createdAt)}</p>
            </div>
          ))}
        </div>
      )}

      {older && (
        <nav className="px-6 py-4 border-t" aria-label="Pages">
          <Link href={pageHref(q, older)} rel="next">
            Older →
          </Link>
        </nav>
      )}
    </div>
  );
}
