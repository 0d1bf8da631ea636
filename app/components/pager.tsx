import { Link } from "@remix-run/react";

/**
 * "← Newer" and "Older →" under a keyset list (cursor.ts), plain links, or
 * nothing on a list of one page. `href` makes a page's URL from its cursor.
 * A list in another order than by time says `labels` ("Previous", "Next").
 */
export function Pager({
  newer,
  older,
  href,
  labels = { newer: "Newer", older: "Older" },
}: {
  newer: string | null;
  older: string | null;
  href: (cursor: string) => string;
  labels?: { newer: string; older: string };
}) {
  if (!newer && !older) return null;
  return (
    <nav className="pager" aria-label="Pages">
      {newer ? (
        <Link to={href(newer)} rel="prev">
          ← {labels.newer}
        </Link>
      ) : (
        <span />
      )}{" "}
      {older ? (
        <Link to={href(older)} rel="next">
          {labels.older} →
        </Link>
      ) : null}
    </nav>
  );
}
