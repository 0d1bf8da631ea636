import { Form, Link, useNavigation, useSubmit } from "@remix-run/react";
import { useEffect, useRef } from "react";
import type { Label } from "#app/labels/labels.server";
import { listHref, SORTS, type ListParams, type Sort } from "./list-params";

// The list page's parts above and instead of its rows
// (app/routes/contacts._index.tsx): the import/export line, the search box,
// the sort menu, and what an empty list says. Each keeps the list's other
// parameters.

/** The export of the list as it is filtered (?q=&starred=1&label=), or of every contact. */
function exportHref(extension: "csv" | "vcf", params: ListParams) {
  return listHref(params).replace(/^\/contacts/, `/contacts/export.${extension}`);
}

const isFiltered = ({ q, starred, label }: ListParams) => q !== "" || starred || label !== null;

/** Import, export (these, or all), labels, trash. */
export function ListTransfer({ params }: { params: ListParams }) {
  return (
    <p className="transfer">
      <Link to="/contacts/import">Import</Link>
      {/* One text node with its spaces: a blank one between elements would be a separator (text-browser.test.ts). */}
      {` · Export ${isFiltered(params) ? "these" : "all"} as `}
      <a href={exportHref("csv", params)} download>
        CSV
      </a>
      {" or "}
      <a href={exportHref("vcf", params)} download>
        vCard
      </a>
      {" · "}
      <Link to="/labels">Labels</Link>
      {" · "}
      <Link to="/contacts/duplicates">Duplicates</Link>
      {" · "}
      <Link to="/contacts/trash">Trash</Link>
    </p>
  );
}

const SEARCH_DEBOUNCE_MS = 250;

/**
 * The search box: a GET form that keeps the list's filters (hidden inputs).
 * With JavaScript it searches as you type.
 */
export function SearchForm({ params }: { params: ListParams }) {
  const { q } = params;
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
  // A navigation of any other kind (the Search button, a link) drops a search still waiting to be sent: it would take the user back.
  useEffect(() => {
    if (navigation.state !== "idle") clearTimeout(timer.current);
  }, [navigation.state]);

  return (
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
      {/* After the box: the URL reads as the list's links write it (q first). */}
      <KeepParams params={params} except="q" />
    </Form>
  );
}

/** The list's other parameters as hidden inputs of a GET form that sets one of them. */
function KeepParams({ params, except }: { params: ListParams; except: keyof ListParams }) {
  const { q, starred, label, sort } = params;
  return (
    <>
      {q && except !== "q" ? <input type="hidden" name="q" value={q} /> : null}
      {starred && except !== "starred" ? <input type="hidden" name="starred" value="1" /> : null}
      {label && except !== "label" ? <input type="hidden" name="label" value={label} /> : null}
      {sort !== "newest" && except !== "sort" ? <input type="hidden" name="sort" value={sort} /> : null}
    </>
  );
}

/**
 * The order: a plain <select> and a Sort button (a GET form that keeps the
 * other parameters and starts at page 1). With JavaScript a choice applies
 * at once.
 */
export function SortForm({ params }: { params: ListParams }) {
  const submit = useSubmit();
  return (
    <Form method="get" action="/contacts" className="sort" onChange={(event) => submit(event.currentTarget)}>
      <KeepParams params={params} except="sort" />
      <label htmlFor="sort">Sort by</label>{" "}
      <select id="sort" name="sort" defaultValue={params.sort} key={params.sort}>
        {(Object.entries(SORTS) as [Sort, string][]).map(([value, text]) => (
          <option key={value} value={value}>
            {text}
          </option>
        ))}
      </select>{" "}
      <button type="submit">Sort</button>
    </Form>
  );
}

/** What the list says when it has no rows: why (the filters), and the way out. */
export function EmptyList({ params, label }: { params: ListParams; label: Label | null }) {
  const { q, starred } = params;
  return label ? (
    <p className="empty">
      {`No${starred ? " starred" : ""} contacts with the label ${label.name}${q ? ` match “${q}”` : " yet"}. `}
      <Link to={listHref({ ...params, label: null })}>Show them without the label</Link>
    </p>
  ) : starred ? (
    <p className="empty">
      {q ? `No starred contacts match “${q}”. ` : "No starred contacts yet: star a contact with ☆ to keep it here. "}
      <Link to={listHref({ ...params, starred: false })}>Show all contacts</Link>
    </p>
  ) : q ? (
    <p className="empty">
      No contacts match “{q}”. <Link to="/contacts">Show all contacts</Link>
    </p>
  ) : (
    <p className="empty">
      You have no contacts yet. <Link to="/contacts/new">Create your first contact</Link>
    </p>
  );
}
