// @ts-check
// The request log: one JSON line per request on stdout (pino), with the
// route's pattern instead of the URL, because paths and query strings carry
// personal data (search terms, contact ids, one-time tokens). Nothing of a
// request's headers or body is logged: no cookies, passwords or tokens.
// See docs/decisions/0042-request-logs.md.
import pino from "pino";

/**
 * @param {{ level: string, destination?: import("pino").DestinationStream }} options
 * @returns {import("pino").Logger}
 */
export function createLogger({ level, destination }) {
  return pino(
    {
      level,
      base: { pid: process.pid },
      timestamp: pino.stdTimeFunctions.isoTime,
      // "level":"info" rather than pino's number: the lines are read by people and by tests.
      formatters: { level: (label) => ({ level: label }) },
    },
    destination ?? pino.destination({ dest: 1, sync: false }),
  );
}

/**
 * A function from a request path to the pattern of the route that answers
 * it ("/contacts/:contactId/edit"), from the build's route table: the route
 * whose full path matches with the most static segments wins, as Remix
 * ranks them. Single-fetch data requests (`/contacts.data`, `/_root.data`)
 * are their page's route.
 * @param {import("@remix-run/node").ServerBuild["routes"]} routes
 * @returns {(path: string) => string}
 */
export function routeMatcher(routes) {
  /** @param {string} id @returns {string} */
  const fullPath = (id) => {
    const route = routes[id];
    if (!route) return "";
    const parent = route.parentId ? fullPath(route.parentId) : "";
    return route.path ? `${parent}/${route.path}`.replace(/\/+/g, "/") : parent;
  };
  const patterns = [
    ...new Set(
      Object.values(routes)
        .filter((route) => route && (route.path !== undefined || route.index))
        .map((route) => fullPath(/** @type {{ id: string }} */ (route).id) || "/"),
    ),
  ].map((pattern) => {
    const segments = pattern.split("/").filter(Boolean);
    const source = segments
      .map((s) => (s === "*" ? "(?:/.*)?" : s.startsWith(":") ? "/[^/]+" : `/${s.replace(/[.+?^${}()|[\]\\]/g, "\\$&")}`))
      .join("");
    const rank = segments.reduce((n, s) => n + (s === "*" ? -2 : s.startsWith(":") ? 3 : 10), 0);
    return { pattern, rank, regex: new RegExp(`^${source || ""}/?$`) };
  });
  patterns.sort((a, b) => b.rank - a.rank);
  return (path) => {
    const page = path === "/_root.data" ? "/" : path.replace(/\.data$/, "");
    return patterns.find(({ regex }) => regex.test(page))?.pattern ?? "(no route)";
  };
}
