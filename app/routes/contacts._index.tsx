import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Link, useLoaderData, useLocation, type ShouldRevalidateFunction } from "@remix-run/react";
import { requireUser } from "#app/auth/session.server";
import { countMatching, listContacts } from "#app/contacts/contact-list.server";
import { listedDetails } from "#app/contacts/contact-details";
import { plural } from "#app/shared/text";
import {
  ContactRow,
  deleteFetcherKey,
  KeepFetcher,
  starFetcherKey,
  useRowActions,
  useRowsWithPendingUndos,
} from "#app/contacts/contact-rows";
import { ListFilters } from "#app/contacts/list-filters";
import { EmptyList, ListTransfer, SearchForm, SortForm } from "#app/contacts/list-parts";
import { listHref, readListParams, SORTS } from "#app/contacts/list-params";
import { lostSubmission } from "#app/client/network";
import { keepPageWhenOffline } from "#app/client/offline";
import { GeneralErrorBoundary } from "#app/components/error-page";
import { Pager } from "#app/components/pager";
import { notFound } from "#app/http/responses.server";
import { labelsOfContacts } from "#app/labels/contact-labels.server";
import { NO_SUCH_LABEL } from "#app/labels/label-schema";
import { getLabel, listLabels } from "#app/labels/labels.server";
import { pageKey } from "#app/submissions/submission-keys.server";
import { BULK_FORM } from "#app/contacts/bulk-schema";
import { BulkBar } from "#app/contacts/bulk-bar";

export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requireUser(request);
  const search = new URL(request.url).searchParams;
  // The query as it is searched is the one echoed (box, title, labels): no control characters.
  const params = readListParams(search);
  // Another account's label, or none: the list of it does not exist.
  const label = params.label === null ? null : ((await getLabel(user.id, params.label)) ?? notFound(NO_SUCH_LABEL));
  const { contacts, older, newer } = await listContacts(user.id, { ...params, labelId: label?.id, cursor: search.get("cursor") });
  const [labels, allLabels] = await Promise.all([
    labelsOfContacts(
      user.id,
      contacts.map((contact) => contact.id),
    ),
    listLabels(user.id),
  ]);
  // "Select every contact matching this list" (?select=all): counted only when asked.
  const matchingCount = search.get("select") === "all" ? await countMatching(user.id, { ...params, labelId: label?.id }) : null;
  const allMatching = matchingCount === null ? null : plural(matchingCount, "contact");
  return {
    params,
    label,
    contacts: contacts.map((contact) => ({ ...contact, labels: labels.get(contact.id) ?? [], details: listedDetails(contact) })),
    older,
    newer,
    allLabels,
    allMatching,
    // Lasts until used, so that an unchanged list stays the same page (its ETag).
    bulkKey: await pageKey(user.id, BULK_FORM),
  };
}

// A reload of the list that cannot reach the server keeps the list on screen (see offline.ts).
export const clientLoader = keepPageWhenOffline("routes/contacts._index");

// After a delete from this page lost on the network, do not reload the list:
// the reload would fail too and replace the page with the error page.
export const shouldRevalidate: ShouldRevalidateFunction = ({ actionResult, defaultShouldRevalidate }) =>
  !lostSubmission(actionResult) && defaultShouldRevalidate;

export const meta: MetaFunction<typeof loader> = ({ data }) => [
  {
    title: `${data?.params.q ? `“${data.params.q}” · ` : ""}${data?.label ? `${data.label.name} · ` : ""}Contacts · Cardfile`,
  },
];

/** The list page to come back to after a bulk action or a star: this one, but not everything selected. */
function withoutSelect(here: string): string {
  const url = new URL(here, "http://cardfile.invalid");
  url.searchParams.delete("select");
  return url.pathname + url.search;
}

/** The pager's words in an A-to-Z order (by time: Newer and Older). */
const A_TO_Z = { newer: "Previous", older: "Next" };

export default function ContactsPage() {
  const { params, label, contacts, older, newer, allLabels, allMatching, bulkKey } = useLoaderData<typeof loader>();
  const { q, starred } = params;
  const location = useLocation();
  const here = location.pathname + location.search;
  const rows = useRowsWithPendingUndos(contacts, here);
  const rowActions = useRowActions(here);
  const confirmQuery = new URLSearchParams({ returnTo: here }).toString();

  return (
    <section aria-labelledby="contacts-title">
      <div className="page-head">
        <h1 id="contacts-title">Contacts</h1>
        <Link to="/contacts/new" className="button primary">
          New contact
        </Link>
      </div>
      <ListTransfer params={params} />

      <SearchForm params={params} />
      <ListFilters params={params} label={label} />
      <SortForm params={params} />

      {rows.length === 0 ? (
        <EmptyList params={params} label={label} />
      ) : (
        <BulkBar params={params} labels={allLabels} submissionKey={bulkKey} returnTo={withoutSelect(here)} allMatching={allMatching}>
          <ol
            className="contact-list"
            aria-label={`${starred ? "Starred contacts" : "Contacts"}${label ? ` labelled ${label.name}` : ""}${q ? ` matching “${q}”` : ""}, ${SORTS[params.sort].toLowerCase()}`}
          >
            {rows.map((contact) => (
              <ContactRow
                key={contact.id}
                contact={contact}
                confirmQuery={confirmQuery}
                actions={rowActions}
                allSelected={allMatching !== null}
              />
            ))}
          </ol>
        </BulkBar>
      )}
      {[...rowActions.touched].map((id) => (
        <KeepFetcher key={id} fetcherKey={deleteFetcherKey(id)} />
      ))}
      {[...rowActions.starTouched].map((id) => (
        <KeepFetcher key={id} fetcherKey={starFetcherKey(id)} />
      ))}

      <Pager
        newer={newer}
        older={older}
        href={(cursor) => listHref(params, cursor)}
        labels={params.sort === "name" || params.sort === "company" ? A_TO_Z : undefined}
      />
    </section>
  );
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary notFoundMessage="This label does not exist, or it is not one of yours." />;
}
