import { useFetcher, useFetchers, useNavigate, useSubmit } from "@remix-run/react";
import { useRef, useState, type MouseEvent } from "react";
import { formatDate } from "#app/client/format";
import { isId, newId } from "#app/shared/ids";
import type { ContactSummary } from "./contacts.server";
import type { Label } from "#app/labels/labels.server";
import { deleteProblem } from "./delete-outcome";
import { LabelLinks } from "./list-filters";

// The list's rows (app/routes/contacts._index.tsx), and what they do. Each
// row is plain HTML that works without JavaScript: its name and Delete are
// links, its star a button of the bulk form the rows are in.

// With JavaScript, Delete and Undo are optimistic: the row leaves (or comes
// back) at once, and the server's answer settles it. Without JavaScript the
// same Delete link opens the confirmation page, and Undo is a plain form.

/**
 * A list row's contact: its summary, its labels, and the text after its name
 * ("ada@example.com · Analytical Engines": contact-details.tsx listedDetails,
 * made by the loader, so that the field descriptors stay out of the list's JavaScript).
 */
export type ListedContact = ContactSummary & { labels: Label[]; details: string };

/** Rows deleted from this tab's lists, by id, so that an Undo can show them again at once. */
const deletedRows = new Map<string, { contact: ListedContact; list: string }>();

const DELETE = "delete:";
const STAR = "star:";
export const deleteFetcherKey = (id: string) => DELETE + id;
/** A contact's star fetcher, the list row's and the contact page's alike. */
export const starFetcherKey = (id: string) => STAR + id;

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
export function useRowActions(returnTo: string) {
  const navigate = useNavigate();
  const submit = useSubmit();
  // One key per row and intent: a retry after a lost answer is the same delete.
  const keys = useRef(new Map<string, string>());
  const [touched, setTouched] = useState<ReadonlySet<string>>(new Set());
  const [starTouched, setStarTouched] = useState<ReadonlySet<string>>(new Set());
  const busy = useFetchers().filter((f) => f.state !== "idle");
  const deleting = new Set(busy.filter((f) => f.key.startsWith(DELETE)).map((f) => f.key.slice(DELETE.length)));
  // A star on its way shows as it will be (optimistic); once the request has settled, the page's data says.
  const starring = new Map(
    busy.filter((f) => f.key.startsWith(STAR)).map((f) => [f.key.slice(STAR.length), f.formData?.get("starred") === "1"] as const),
  );
  return {
    deleting,
    touched,
    starring,
    starTouched,
    star(event: MouseEvent<HTMLButtonElement>, contact: ContactSummary, starred: boolean) {
      event.preventDefault();
      setStarTouched((ids) => new Set(ids).add(contact.id));
      submit(
        // A new key per click: each click asks for a state of its own.
        { submissionKey: newId(), starred: starred ? "1" : "0", returnTo },
        { method: "post", action: `/contacts/${contact.id}/star`, navigate: false, fetcherKey: starFetcherKey(contact.id) },
      );
    },
    open(event: MouseEvent<HTMLAnchorElement>) {
      if (!isPlainClick(event)) return;
      event.preventDefault();
      navigate(event.currentTarget.getAttribute("href")!);
    },
    remove(event: MouseEvent<HTMLAnchorElement>, contact: ListedContact) {
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

export function ContactRow({
  contact,
  confirmQuery,
  actions,
  allSelected = false,
}: {
  contact: ListedContact;
  /** every contact matching the list is selected for a bulk action (the row's box is checked, and not its own) */
  allSelected?: boolean;
  confirmQuery: string;
  actions: ReturnType<typeof useRowActions>;
}) {
  if (actions.deleting.has(contact.id)) return null;
  const starred = actions.starring.get(contact.id) ?? contact.starred;
  // Styled by position (styles.css): 50 rows of class attributes are a
  // measurable share of rendering the page on the server. The spaces between
  // the parts are for text browsers and copied text (w3m ran them together);
  // in the row's grid they take no room.
  return (
    <li>
      <a href={`/contacts/${contact.id}`} onClick={actions.open}>
        {contact.name}
      </a>{" "}
      <span>{contact.details}</span> <time dateTime={contact.createdAt}>{formatDate(contact.createdAt)}</time>{" "}
      <LabelLinks labels={contact.labels} onClick={actions.open} />{" "}
      <a
        href={`/contacts/${contact.id}/delete?${confirmQuery}`}
        aria-label={`Delete ${contact.name}`}
        onClick={(event) => actions.remove(event, contact)}
      >
        Delete
      </a>{" "}
      {/* A button of the bulk form the rows are in (bulk-bar.tsx), sent to the star's route with the form's returnTo. */}
      <button
        type="submit"
        formAction={`/contacts/${contact.id}/star`}
        name="starred"
        value={starred ? "0" : "1"}
        className="star"
        aria-pressed={starred}
        aria-label={`Star ${contact.name}`}
        onClick={(event) => actions.star(event, contact, !starred)}
      >
        {starred ? "★" : "☆"}
      </button>{" "}
      {/* Last in the row's HTML (text browsers read the row first), first on screen (styles.css). */}
      <input
        type="checkbox"
        name="ids"
        value={contact.id}
        aria-label={`Select ${contact.name}`}
        checked={allSelected || undefined}
        disabled={allSelected}
      />
      {actions.touched.has(contact.id) ? <RowProblem fetcherKey={deleteFetcherKey(contact.id)} problemOf={deleteProblem} /> : null}
      {actions.starTouched.has(contact.id) ? <RowProblem fetcherKey={starFetcherKey(contact.id)} problemOf={starProblem} /> : null}
    </li>
  );
}

/**
 * Holds a row's fetcher (its delete or its star) for as long as the page is
 * shown. React Router drops the answer of a fetcher nobody renders any more,
 * redirect included, and a row being deleted is not rendered while its
 * delete is on its way.
 */
export function KeepFetcher({ fetcherKey }: { fetcherKey: string }) {
  useFetcher({ key: fetcherKey });
  return null;
}

/** Why a star did not change (rate limited, or lost on the network): the star is back as it was. */
function starProblem(data: { error?: string; networkFailure?: string } | undefined): string | null {
  return data?.error ?? (data?.networkFailure ? "Couldn't reach Cardfile to change the star. Try again." : null);
}

/**
 * Why a row's delete or star did not go through, once its request has
 * settled (only for rows the user tried it on): `problemOf` reads the
 * fetcher's answer.
 */
function RowProblem<Data>({ fetcherKey, problemOf }: { fetcherKey: string; problemOf: (data: Data | undefined) => string | null }) {
  const fetcher = useFetcher<Data>({ key: fetcherKey });
  const problem = fetcher.state === "idle" ? problemOf(fetcher.data as Data | undefined) : null;
  return problem ? (
    <p className="form-error row-error" role="alert">
      {problem}
    </p>
  ) : null;
}

/** The page's rows, plus those whose Undo is on its way (where they were, newest first). */
export function useRowsWithPendingUndos(contacts: ListedContact[], here: string): ListedContact[] {
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
