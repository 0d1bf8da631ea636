import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import {
  Form,
  Link,
  useFetcher,
  useFetchers,
  useLoaderData,
  useLocation,
  useNavigate,
  useNavigation,
  useSubmit,
  type ShouldRevalidateFunction,
} from "@remix-run/react";
import { useEffect, useRef, useState, type MouseEvent } from "react";
import { requireUser } from "#app/auth/session.server";
import { listedDetails } from "#app/contacts/contact-details";
import type { ContactSummary } from "#app/contacts/contacts.server";
import { listContacts } from "#app/contacts/contact-list.server";
import { normalizeQuery } from "#app/contacts/search";
import { deleteProblem } from "#app/contacts/delete-outcome";
import { isId, newId } from "#app/shared/ids";
import { lostSubmission } from "#app/client/network";
import { keepPageWhenOffline } from "#app/client/offline";
import type { clientAction as deleteAction } from "./contacts.$contactId.delete";
import { GeneralErrorBoundary } from "#app/components/error-page";
import { Pager } from "#app/components/pager";
import { formatDate } from "#app/client/format";

export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requireUser(request);
  const url = new URL(request.url);
  // The query as it is searched is the one echoed (box, title, labels): no control characters.
  const q = normalizeQuery(url.searchParams.get("q"));
  const page = await listContacts(user.id, { q, cursor: url.searchParams.get("cursor") });
  return { q, ...page };
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

      {rows.length === 0 ? (
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
          {rows.map((contact) => (
            <ContactRow key={contact.id} contact={contact} confirmQuery={confirmQuery} actions={rowActions} />
          ))}
        </ol>
      )}
      {[...rowActions.touched].map((id) => (
        <KeepDeleteFetcher key={id} contactId={id} />
      ))}

      <Pager newer={newer} older={older} href={(cursor) => pageHref(q, cursor)} />
    </section>
  );
}

// With JavaScript, Delete and Undo are optimistic: the row leaves (or comes
// back) at once, and the server's answer settles it. Without JavaScript the
// same Delete link opens the confirmation page, and Undo is a plain form.

/** Rows deleted from this tab's lists, by id, so that an Undo can show them again at once. */
const deletedRows = new Map<string, { contact: ContactSummary; list: string }>();

const deleteFetcherKey = (id: string) => `delete:${id}`;

/** A plain left click, which the page may handle itself (not a new tab or window). */
function isPlainClick(event: MouseEvent<HTMLAnchorElement>): boolean {
  return event.button === 0 && !event.metaKey && !event.ctrlKey && !event.shiftKey && !event.altKey;
}

/**
 * What the rows need from the router, made once for the page: 50 rows of
 * <Link> and useFetcher cost a router lookup each on every render (about a
 * millisecond a page on the server). The rows are plain links; a click
 * navigates (or deletes) through these handlers.
 */
function useRowActions(returnTo: string) {
  const navigate = useNavigate();
  const submit = useSubmit();
  // One key per row and intent: a retry after a lost answer is the same delete.
  const keys = useRef(new Map<string, string>());
  const [touched, setTouched] = useState<ReadonlySet<string>>(new Set());
  const deleting = new Set(
    useFetchers()
      .filter((f) => f.state !== "idle" && f.key.startsWith("delete:"))
      .map((f) => f.key.slice("delete:".length)),
  );
  return {
    deleting,
    touched,
    open(event: MouseEvent<HTMLAnchorElement>) {
      if (!isPlainClick(event)) return;
      event.preventDefault();
      navigate(event.currentTarget.getAttribute("href")!);
    },
    remove(event: MouseEvent<HTMLAnchorElement>, contact: ContactSummary) {
      if (!isPlainClick(event)) return;
      event.preventDefault();
      const key = keys.current.get(contact.id) ?? newId();
      keys.current.set(contact.id, key);
      deletedRows.set(contact.id, { contact, list: returnTo });
      setTouched((ids) => new Set(ids).add(contact.id));
      submit(
        { submissionKey: key, returnTo },
        { method: "post", action: `/contacts/${contact.id}/delete`, navigate: false, fetcherKey: deleteFetcherKey(contact.id) },
      );
    },
  };
}

function ContactRow({
  contact,
  confirmQuery,
  actions,
}: {
  contact: ContactSummary;
  confirmQuery: string;
  actions: ReturnType<typeof useRowActions>;
}) {
  if (actions.deleting.has(contact.id)) return null;
  // Styled by position (styles.css): 50 rows of class attributes are a
  // measurable share of rendering the page on the server. The spaces between
  // the parts are for text browsers and copied text (w3m ran them together);
  // in the row's grid they take no room.
  return (
    <li>
      <a href={`/contacts/${contact.id}`} onClick={actions.open}>
        {contact.name}
      </a>{" "}
      <span>{listedDetails(contact)}</span> <time dateTime={contact.createdAt}>{formatDate(contact.createdAt)}</time>{" "}
      <a
        href={`/contacts/${contact.id}/delete?${confirmQuery}`}
        aria-label={`Delete ${contact.name}`}
        onClick={(event) => actions.remove(event, contact)}
      >
        Delete
      </a>
      {actions.touched.has(contact.id) ? <DeleteProblem contactId={contact.id} /> : null}
    </li>
  );
}

/**
 * Holds a row's delete fetcher for as long as the page is shown. React
 * Router drops the answer of a fetcher nobody renders any more, redirect
 * included, and the row (with its DeleteProblem) is not rendered while its
 * delete is on its way.
 */
function KeepDeleteFetcher({ contactId }: { contactId: string }) {
  useFetcher({ key: deleteFetcherKey(contactId) });
  return null;
}

/** Why this row's delete did not go through, once its request has settled (only for rows the user tried to delete). */
function DeleteProblem({ contactId }: { contactId: string }) {
  const fetcher = useFetcher<typeof deleteAction>({ key: deleteFetcherKey(contactId) });
  const problem = fetcher.state === "idle" ? deleteProblem(fetcher.data) : null;
  return problem ? (
    <p className="form-error row-error" role="alert">
      {problem}
    </p>
  ) : null;
}

/** The page's rows, plus those whose Undo is on its way (where they were, newest first). */
function useRowsWithPendingUndos(contacts: ContactSummary[], here: string): ContactSummary[] {
  const undoing = useFetchers()
    .filter((f) => f.state !== "idle" && f.formMethod?.toUpperCase() === "POST")
    .map((f) => /^\/contacts\/([^/]+)\/restore$/.exec(f.formAction ?? "")?.[1])
    .filter(isId)
    .map((id) => deletedRows.get(id))
    .filter((row) => row !== undefined && row.list === here && !contacts.some((c) => c.id === row.contact.id))
    .map((row) => row!.contact);
  if (undoing.length === 0) return contacts;
  return [...contacts, ...undoing].sort((a, b) => (a.createdAt < b.createdAt ? 1 : a.createdAt > b.createdAt ? -1 : a.id < b.id ? 1 : -1));
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}
