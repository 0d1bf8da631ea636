import { Link } from "@remix-run/react";
import type { MouseEvent } from "react";
import type { Label } from "#app/labels/labels.server";
import { listHref, type ListParams } from "./list-params";

/**
 * The list's filters above its rows: all contacts or the starred ones, and
 * the label the list is narrowed to, if any, with a link that drops it. Each
 * is a link that keeps the other parameters (a new filter starts at page 1).
 */
export function ListFilters({ params, label }: { params: ListParams; label: Label | null }) {
  const { starred } = params;
  return (
    <nav className="filters" aria-label="Show">
      {starred ? <Link to={listHref({ ...params, starred: false })}>All contacts</Link> : <strong aria-current="page">All contacts</strong>}
      {" · "}
      {starred ? <strong aria-current="page">Starred</strong> : <Link to={listHref({ ...params, starred: true })}>Starred</Link>}
      {label ? (
        <>
          {" · Label: "}
          <strong>{label.name}</strong>
          {" ("}
          <Link to={listHref({ ...params, label: null })} aria-label={`Show contacts with or without the label ${label.name}`}>
            clear
          </Link>
          {")"}
        </>
      ) : null}
    </nav>
  );
}

/** A contact's labels, each a link to the list of its contacts (plain links with the list rows' click handler, or router links). */
export function LabelLinks({ labels, onClick }: { labels: readonly Label[]; onClick?: (event: MouseEvent<HTMLAnchorElement>) => void }) {
  if (labels.length === 0) return null;
  return (
    <small className="labels">
      {labels.map((label, i) => (
        <span key={label.id}>
          {i > 0 ? ", " : ""}
          {onClick ? (
            <a href={listHref({ label: label.id })} onClick={onClick}>
              {label.name}
            </a>
          ) : (
            <Link to={listHref({ label: label.id })}>{label.name}</Link>
          )}
        </span>
      ))}
    </small>
  );
}
