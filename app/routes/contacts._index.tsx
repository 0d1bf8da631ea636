import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Form, Link, useLoaderData, useNavigation, useSubmit } from "@remix-run/react";
import { useEffect, useRef } from "react";
import { requireUser } from "~/auth/session.server";
import { listContacts } from "~/contacts/contacts.server";
import { GeneralErrorBoundary } from "~/components/error-page";
import { formatDate } from "~/components/format";

export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requireUser(request);
  const url = new URL(request.url);
  const q = url.searchParams.get("q")?.trim() ?? "";
  const page = await listContacts(user.id, { q, cursor: url.searchParams.get("cursor") });
  return { q, ...page };
}

const SEARCH_DEBOUNCE_MS = 250;

function pageHref(q: string, cursor: string | null) {
  const params = new URLSearchParams();
  if (q) params.set("q", q);
  if (cursor) params.set("cursor", cursor);
  const search = params.toString();
  return search ? `/contacts?${search}` : "/contacts";
}

export const meta: MetaFunction<typeof loader> = ({ data }) => [
  { title: data?.q ? `“${data.q}” · Contacts · Cardfile` : "Contacts · Cardfile" },
];

export default function ContactsPage() {
  const { q, contacts, older, newer } = useLoaderData<typeof loader>();
  const navigation = useNavigation();
  const submit = useSubmit();
  const searchRef = useRef<HTMLInputElement>(null);
  const timer = useRef<ReturnType<typeof setTimeout>>();
  const searching = navigation.location?.pathname === "/contacts" && new URLSearchParams(navigation.location.search).has("q");

  // Back/forward changes q without typing: keep the box in step with the URL.
  useEffect(() => {
    if (searchRef.current && document.activeElement !== searchRef.current) searchRef.current.value = q;
  }, [q]);
  useEffect(() => () => clearTimeout(timer.current), []);

  return (
    <section aria-labelledby="contacts-title">
      <div className="page-head">
        <h1 id="contacts-title">Contacts</h1>
        <Link to="/contacts/new" className="button primary">
          New contact
        </Link>
      </div>

      <Form
        method="get"
        action="/contacts"
        role="search"
        className="search"
        onChange={(event) => {
          const form = event.currentTarget;
          clearTimeout(timer.current);
          // Search as you type; one history entry per search, not per key.
          timer.current = setTimeout(() => submit(form, { replace: q !== "" }), SEARCH_DEBOUNCE_MS);
        }}
      >
        <label htmlFor="q">Search contacts</label>
        <div className="search-row">
          <input
            ref={searchRef}
            id="q"
            name="q"
            type="search"
            defaultValue={q}
            placeholder="Name, email or company"
            maxLength={100}
            aria-busy={searching}
          />
          <button type="submit">Search</button>
        </div>
      </Form>

      {contacts.length === 0 ? (
        q ? (
          <p className="empty">
            No contacts match “{q}”. <Link to="/contacts">Show all contacts</Link>
          </p>
        ) : (
          <p className="empty">
            You have no contacts yet. <Link to="/contacts/new">Create your first contact</Link>
          </p>
        )
      ) : (
        <ol className="contact-list" aria-label={q ? `Contacts matching “${q}”` : "Contacts, newest first"}>
          {contacts.map((contact) => (
            <li key={contact.id}>
              <Link to={`/contacts/${contact.id}`} className="contact-name">
                {contact.name}
              </Link>
              <span className="contact-meta">
                {contact.email}
                {contact.company ? ` · ${contact.company}` : ""}
              </span>
              <time dateTime={contact.createdAt} className="contact-date">
                {formatDate(contact.createdAt)}
              </time>
            </li>
          ))}
        </ol>
      )}

      {newer || older ? (
        <nav className="pager" aria-label="Pages">
          {newer ? (
            <Link to={pageHref(q, newer)} rel="prev">
              ← Newer
            </Link>
          ) : (
            <span />
          )}
          {older ? (
            <Link to={pageHref(q, older)} rel="next">
              Older →
            </Link>
          ) : null}
        </nav>
      ) : null}
    </section>
  );
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}
