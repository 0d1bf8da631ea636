import Link from "next/link";
import { createContact } from "../../actions";
import { requireUser } from "@/lib/session";

export const dynamic = "force-dynamic";

// The seed's ContactForm, as a server component whose form posts the server
// action: Next renders it as a plain POST form (the action's id in a hidden
// input), so it also works without JavaScript, which is how the bench sends it.
export default async function NewContactPage() {
  await requireUser();
  return (
    <div className="max-w-md mx-auto bg-white p-6 rounded-lg shadow-md">
      <p>
        <Link href="/contacts">← Contacts</Link>
      </p>
      <h1 className="text-2xl font-bold mb-6 text-gray-900">Add Contact</h1>
      <form action={createContact} className="space-y-4">
        <div>
          <label htmlFor="name" className="block text-sm font-medium text-gray-700 mb-1">
            Full Name *
          </label>
          <input
            type="text"
            id="name"
            name="name"
            required
            maxLength={100}
            className="w-full px-3 py-2 border border-gray-300 rounded-md"
            placeholder="John Doe"
          />
        </div>
        <div>
          <label htmlFor="email" className="block text-sm font-medium text-gray-700 mb-1">
            Email Address *
          </label>
          <input
            type="email"
            id="email"
            name="email"
            required
            maxLength={255}
            className="w-full px-3 py-2 border border-gray-300 rounded-md"
            placeholder="john@company.com"
          />
        </div>
        <div>
          <label htmlFor="company" className="block text-sm font-medium text-gray-700 mb-1">
            Company
          </label>
          <input
            type="text"
            id="company"
            name="company"
            maxLength={100}
            className="w-full px-3 py-2 border border-gray-300 rounded-md"
            placeholder="Acme Corp"
          />
        </div>
        <div>
          <label htmlFor="phone" className="block text-sm font-medium text-gray-700 mb-1">
            Phone Number
          </label>
          <input
            type="tel"
            id="phone"
            name="phone"
            maxLength={20}
            className="w-full px-3 py-2 border border-gray-300 rounded-md"
            placeholder="+1 (555) 123-4567"
          />
        </div>
        <div>
          <label htmlFor="notes" className="block text-sm font-medium text-gray-700 mb-1">
            Notes
          </label>
          <textarea id="notes" name="notes" rows={3} maxLength={500} className="w-full px-3 py-2 border border-gray-300 rounded-md" />
        </div>
        <button type="submit" className="w-full bg-blue-600 hover:bg-blue-700 text-white font-medium py-3 px-4 rounded-md">
          Create Contact
        </button>
      </form>
    </div>
  );
}
