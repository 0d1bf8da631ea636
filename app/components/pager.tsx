import { Link } from "@remix-run/react";

/**
 * "← Newer" and "Older →" under a keyset list (cursor.ts), plain links, or
 * nothing on a list of one page. `href` makes a page's URL from its cursor.
 */
export function Pager({ newer, older, href }: { newer: string | null; older: string | null; href: (cursor: string) => string }) {
  if (!newer && !older) return null;
  return (
    <nav className="pager" aria-label="Pages">
      {newer ? (
        <Link to={href(newer)} rel="prev">
          ← Newer
        </Link>
      ) : (
        <span />
      )}{" "}
      {older ? (
        <Link to={href(older)} rel="next">
          Older →
        </Link>
      ) : null}
    </nav>
  );
}
