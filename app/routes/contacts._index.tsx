import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Form, Link, useLoaderData, useLocation, useNavigation, useSubmit, type ShouldRevalidateFunction } from "@remix-run/react";
import { useEffect, useRef } from "react";
import { requireUser } from "#app/auth/session.server";
import { listContacts } from "#app/contacts/contact-list.server";
import {
  ContactRow,
  deleteFetcherKey,
  KeepFetcher,
  starFetcherKey,
  useRowActions,
  useRowsWithPendingUndos,
} from "#app/contacts/contact-rows";
import { normalizeQuery } from "#app/contacts/search";
import { lostSubmission } from "#app/client/network";
import { keepPageWhenOffline } from "#app/client/offline";
import { GeneralErrorBoundary } from "#app/components/error-page";
import { Pager } from "#app/components/pager";

export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requireUser(request);
  const url = new URL(request.url);
  // The query as it is searched is the one echoed (box, title, labels): no control characters.
  const q = normalizeQuery(url.searchParams.get("q"));
  const starred = url.searchParams.get("starred") === "1";
  const page = await listContacts(user.id, { q, starred, cursor: url.searchParams.get("cursor") });
  return { q, starred, ...page };
}

// A reload of the list that cannot reach the server keeps the list on screen (see offline.ts).
export const clientLoader = keepPageWhenOffline("routes/contacts._index");

// After a delete from this page lost on the network, do not reload the list:
// the reload would fail too and replace the page with the error page.
export const shouldRevalidate: ShouldRevalidateFunction = ({ actionResult, defaultShouldRevalidate }) =>
  !lostSubmission(actionResult) && defaultShouldRevalidate;

const SEARCH_DEBOUNCE_MS = 250;

/** The export of the list as it is searched (?q=), or of every contact. */
function exportHref(extension: "csv" | "vcf", q: string) {
  return q ? `/contacts/export.${extension}?${new URLSearchParams({ q })}` : `/contacts/export.${extension}`;
}

function pageHref(q: string, starred: boolean, cursor: string | null) {
  const params = new URLSearchParams();
  if (q) params.set("q", q);
  if (starred) params.set("starred", "1");
  if (cursor) params.set("cursor", cursor);
  const search = params.toString();
  return search ? `/contacts?${search}` : "/contacts";
}

export const meta: MetaFunction<typeof loader> = ({ data }) => [
  { title: data?.q ? `“${data.q}” · Contacts · Cardfile` : "Contacts · Cardfile" },
];

export default function ContactsPage() {
  const { q, starred, contacts, older, newer } = useLoaderData<typeof loader>();
  const location = useLocation();
  const here = location.pathname + location.search;
  const rows = useRowsWithPendingUndos(contacts, here);
  const rowActions = useRowActions(here);
  const confirmQuery = new URLSearchParams({ returnTo: here }).toString();
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
      <p className="transfer">
        <Link to="/contacts/import">Import</Link>
        {/* One text node with its spaces: a blank one between elements would be a separator (text-browser.test.ts). */}
        {` · Export ${q ? "these" : "all"} as `}
        <a href={exportHref("csv", q)} download>
          CSV
        </a>
        {" or "}
        <a href={exportHref("vcf", q)} download>
          vCard
        </a>
        {" · "}
        <Link to="/labels">Labels</Link>
        {" · "}
        <Link to="/contacts/trash">Trash</Link>
      </p>

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
        {starred ? <input type="hidden" name="starred" value="1" /> : null}
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
          />{" "}
          <button type="submit">Search</button>
        </div>
      </Form>

      <nav className="filters" aria-label="Show">
        {starred ? <Link to={pageHref(q, false, null)}>All contacts</Link> : <strong aria-current="page">All contacts</strong>}
        {" · "}
        {starred ? <strong aria-current="page">Starred</strong> : <Link to={pageHref(q, true, null)}>Starred</Link>}
      </nav>

      {rows.length === 0 ? (
        starred ? (
          <p className="empty">
            {q ? `No starred contacts match “${q}”. ` : "No starred contacts yet: star a contact with ☆ to keep it here. "}
            <Link to={pageHref(q, false, null)}>Show all contacts</Link>
          </p>
        ) : q ? (
          <p className="empty">
            No contacts match “{q}”. <Link to="/contacts">Show all contacts</Link>
          </p>
        ) : (
          <p className="empty">
            You have no contacts yet. <Link to="/contacts/new">Create your first contact</Link>
          </p>
        )
      ) : (
        <ol
          className="contact-list"
          aria-label={`${starred ? "Starred contacts" : "Contacts"}${q ? ` matching “${q}”` : ", newest first"}`}
        >
          {rows.map((contact) => (
            <ContactRow key={contact.id} contact={contact} confirmQuery={confirmQuery} returnTo={here} actions={rowActions} />
          ))}
        </ol>
      )}
      {[...rowActions.touched].map((id) => (
        <KeepFetcher key={id} fetcherKey={deleteFetcherKey(id)} />
      ))}
      {[...rowActions.starTouched].map((id) => (
        <KeepFetcher key={id} fetcherKey={starFetcherKey(id)} />
      ))}

      <Pager newer={newer} older={older} href={(cursor) => pageHref(q, starred, cursor)} />
    </section>
  );
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}
