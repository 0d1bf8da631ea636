import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { requireUser } from "#app/auth/session.server";
import { formatDate } from "#app/client/format";
import { GeneralErrorBoundary } from "#app/components/error-page";
import { DUPLICATE_KINDS, type DuplicateKind } from "#app/contacts/duplicate-keys";
import { duplicateGroups } from "#app/contacts/duplicates.server";
import { mergeHref } from "#app/merges/merge-plan";
import { plural } from "#app/shared/text";

// Likely duplicates (decision 0037): groups of contacts that share a name
// (accents and case aside), a phone number (formatting and a leading
// country code aside) or an email address as its provider reads it, a kind
// at a time, a page of groups at a time.

const KIND_LABELS: Record<DuplicateKind, string> = { name: "Same name", phone: "Same phone", email: "Same email" };

const isKind = (value: string | null): value is DuplicateKind => DUPLICATE_KINDS.includes(value as DuplicateKind);

export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requireUser(request);
  const search = new URL(request.url).searchParams;
  const kind = isKind(search.get("kind")) ? (search.get("kind") as DuplicateKind) : "name";
  const after = search.get("after");
  const { groups, next } = await duplicateGroups(user.id, kind, after && after.length <= 500 ? after : null);
  return { kind, groups, next, first: !after, here: href(kind, after ?? undefined) };
}

export const meta: MetaFunction = () => [{ title: "Duplicates · Cardfile" }];

const href = (kind: DuplicateKind, after?: string) => `/contacts/duplicates?${new URLSearchParams(after ? { kind, after } : { kind })}`;

export default function DuplicatesPage() {
  const { kind, groups, next, first, here } = useLoaderData<typeof loader>();
  return (
    <section aria-labelledby="duplicates-title">
      <p className="back">
        <Link to="/contacts">← Contacts</Link>
      </p>
      <h1 id="duplicates-title">Duplicates</h1>
      <nav className="filters" aria-label="Kind">
        {DUPLICATE_KINDS.map((k, i) => (
          <span key={k}>
            {i > 0 ? " · " : ""}
            {k === kind ? <strong aria-current="page">{KIND_LABELS[k]}</strong> : <Link to={href(k)}>{KIND_LABELS[k]}</Link>}
          </span>
        ))}
      </nav>
      {groups.length === 0 ? (
        <p className="empty">{first ? `No two of your contacts share ${NOUNS[kind]}.` : "No more groups."}</p>
      ) : (
        <ol className="duplicate-groups" aria-label={`${KIND_LABELS[kind]}: groups of contacts`}>
          {groups.map((group) => (
            <li key={group.key}>
              <h2>{`${plural(group.size, "contact")} with ${NOUNS[kind]} ${shown(kind, group.members[0]!)}`}</h2>
              <table>
                <thead>
                  <tr>
                    <th scope="col">Name</th>
                    <th scope="col">Email</th>
                    <th scope="col">Phone</th>
                    <th scope="col">Company</th>
                    <th scope="col">Last changed</th>
                  </tr>
                </thead>
                <tbody>
                  {group.members.map((member) => (
                    <tr key={member.id}>
                      <td>
                        <Link to={`/contacts/${member.id}`}>{member.name}</Link>
                      </td>
                      <td>{member.email ?? "—"}</td>
                      <td>{member.phone ?? "—"}</td>
                      <td>{member.company ?? "—"}</td>
                      <td>
                        <time dateTime={member.updatedAt}>{formatDate(member.updatedAt)}</time>
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
              <p>
                <Link
                  to={mergeHref(
                    group.members.map((member) => member.id),
                    here,
                  )}
                  className="button"
                >
                  {group.size > group.members.length
                    ? `Merge these ${group.members.length}…`
                    : `Merge ${group.members.length === 2 ? "both" : `these ${group.members.length}`}…`}
                </Link>
                {group.size > group.members.length ? (
                  <span className="hint">{` And ${plural(group.size - group.members.length, "more")}, to merge after.`}</span>
                ) : null}
              </p>
            </li>
          ))}
        </ol>
      )}
      {next ? (
        <nav className="pager" aria-label="Pages">
          <span />
          <Link to={href(kind, next)} rel="next">
            More groups →
          </Link>
        </nav>
      ) : null}
    </section>
  );
}

const NOUNS: Record<DuplicateKind, string> = { name: "the name", phone: "the phone number", email: "the email address" };

/** The shared value as a group's heading shows it: its most recent member's. */
function shown(kind: DuplicateKind, member: { name: string; phone: string | null; email: string | null }): string {
  return kind === "name" ? member.name : kind === "phone" ? (member.phone ?? "") : (member.email ?? "");
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}
