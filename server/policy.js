// @ts-check
// What Cardfile's server lets through, decided from the request line and
// headers alone, before Remix or any action sees the request: security
// headers, cross-origin writes, request targets and hosts, POSTs to pages
// that take none, body sizes and types. Pure functions, unit-tested in
// tests/server.test.ts; server/app.js applies them.
import { matchRoutes } from "@remix-run/react";

export const BODY_LIMIT_BYTES = 64 * 1024;
/** An import's upload (/contacts/import): the file (20 MB, app/imports/upload.server.ts) and the rest of its form. */
export const UPLOAD_LIMIT_BYTES = 20 * 1024 * 1024 + 64 * 1024;
const UPLOAD_PATHS = new Set(["/contacts/import", "/contacts/import.data"]);

/**
 * The most a POST to `path` may carry: an import's upload, or the 64 KB of a form.
 * @param {string} path
 */
export function bodyLimitFor(path) {
  return UPLOAD_PATHS.has(path) ? UPLOAD_LIMIT_BYTES : BODY_LIMIT_BYTES;
}

/** @param {number} bytes */
function megabytes(bytes) {
  return bytes >= 1024 * 1024 ? `${Math.floor(bytes / (1024 * 1024))} MB` : `${bytes / 1024} KB`;
}
const FORM_TYPES = ["application/x-www-form-urlencoded", "multipart/form-data"];

/** @param {string} nonce */
export function contentSecurityPolicy(nonce) {
  return [
    "default-src 'self'",
    `script-src 'nonce-${nonce}' 'strict-dynamic'`,
    "style-src 'self'",
    "img-src 'self' data:",
    "connect-src 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
    "base-uri 'none'",
    "object-src 'none'",
  ].join("; ");
}

/**
 * Headers for every response: pages, data requests, errors and static files.
 * @param {string} nonce
 * @param {boolean} secure the request came over HTTPS (directly or via a trusted proxy)
 */
export function securityHeaders(nonce, secure) {
  /** @type {Record<string, string>} */
  const headers = {
    "Content-Security-Policy": contentSecurityPolicy(nonce),
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "strict-origin-when-cross-origin",
    "X-Frame-Options": "DENY",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=()",
    "Cross-Origin-Opener-Policy": "same-origin",
  };
  if (secure) headers["Strict-Transport-Security"] = "max-age=63072000; includeSubDomains";
  return headers;
}

/**
 * Why a state-changing request must be refused as cross-origin, or null.
 * Origin decides when present; else Sec-Fetch-Site; browsers that send
 * neither fall back to Referer; with none of them, the SameSite=Lax session
 * cookie is what protects the request (it is not sent cross-site on POST).
 * @param {{ method: string, origin: string, header: (name: string) => string | undefined }} req
 */
export function crossOriginProblem(req) {
  if (req.method === "GET" || req.method === "HEAD") return null;
  const origin = req.header("origin");
  const fetchSite = req.header("sec-fetch-site");
  if (origin !== undefined && origin !== req.origin) return `Origin ${origin} is not ${req.origin}`;
  if (fetchSite === "cross-site") return "Sec-Fetch-Site is cross-site";
  if (origin === undefined && fetchSite === undefined) {
    const referer = req.header("referer");
    if (referer !== undefined && originOf(referer) !== req.origin) return "Referer is another site";
  }
  return null;
}

/** @param {string} url */
function originOf(url) {
  try {
    return new URL(url).origin;
  } catch {
    return null;
  }
}

/**
 * Why a request's body must be refused before it is read, as [status, reason], or null.
 * @param {{ method: string, path?: string, header: (name: string) => string | undefined }} req
 * @returns {[number, string] | null}
 */
export function bodyProblem(req) {
  if (req.method === "GET" || req.method === "HEAD") return null;
  const length = req.header("content-length");
  if (length === undefined) {
    // Node frames a body by Content-Length; without it (chunked) the size is
    // unknown until read. Every browser form submission sends a length.
    return [411, "Send a Content-Length."];
  }
  if (!/^\d+$/.test(length)) return [400, "Bad Content-Length."];
  const limit = bodyLimitFor(req.path ?? "");
  if (Number(length) > limit) {
    return [413, limit === BODY_LIMIT_BYTES ? `Requests are limited to ${megabytes(limit)}.` : `Files to import are limited to 20 MB.`];
  }
  const type = (req.header("content-type") ?? "").split(";")[0]?.trim().toLowerCase() ?? "";
  // A body must be a form. An empty one (a bare POST to /logout) may come
  // without a type; routes that need fields answer 400 when they are missing.
  if ((Number(length) > 0 || type) && !FORM_TYPES.includes(type)) {
    return [415, "Forms are sent as application/x-www-form-urlencoded or multipart/form-data."];
  }
  return null;
}

export const METHODS = ["GET", "HEAD", "POST"];
const HOST = /^(?:[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*|\[[0-9A-Fa-f:.]+\])(?::(\d{1,5}))?$/;

/**
 * Why the request line or host cannot make a URL for Remix, as [status,
 * reason], or null. Browsers only ever send GET, HEAD and POST here, a path,
 * and a plain host; anything else would otherwise fail inside the adapter
 * (a 500) or, for `?_data`, fill the log with Remix's warnings.
 * @param {{ method: string, url: string, hosts: (string | undefined)[], protocol: string }} req
 * @returns {[number, string] | null}
 */
export function requestLineProblem(req) {
  if (!METHODS.includes(req.method)) return [405, `${req.method} is not supported.`];
  if (!req.url.startsWith("/") || req.url.startsWith("//")) return [400, "Bad request target."];
  if (req.protocol !== "http" && req.protocol !== "https") return [400, "Bad forwarded protocol."];
  for (const host of req.hosts) {
    if (host === undefined) continue;
    const match = HOST.exec(host);
    if (!match || (match[1] !== undefined && Number(match[1]) > 65535)) return [400, "Bad Host header."];
  }
  if (/[?&]_data(=|&|$)/.test(req.url)) return [400, "Unsupported request."];
  return null;
}

/** What a page that takes no POST allows (the Allow header of its 405). */
export const PAGE_METHODS = ["GET", "HEAD"];

/**
 * For the build's routes, a function that tells whether a POST to a URL
 * would reach a route without an action. Remix would answer it with a 405
 * whose page (and data) carry its developer message ("You made a POST
 * request to … but did not provide an `action` for route …") and no Allow
 * header. The route is found as Remix finds it: the same matcher
 * (React Router's matchRoutes, over the same tree), a `.data` request as the
 * page it is for, and the action's target as Remix's getTargetMatch picks it
 * (an index route only with a bare `?index`, else the deepest route with a
 * path). An URL no route matches is left to Remix (the app's splat route
 * answers 404). See docs/decisions/0028-what-outside-tools-found.md.
 * @param {import("@remix-run/node").ServerBuild["routes"]} routes
 * @returns {(url: string) => boolean}
 */
export function postsNowhere(routes) {
  /** @typedef {{ id: string, path?: string, index?: boolean, caseSensitive?: boolean, children?: Tree[] }} Tree */
  /** @param {string | undefined} parentId @returns {Tree[]} */
  const childrenOf = (parentId) =>
    Object.values(routes)
      .filter((route) => route && route.parentId === parentId)
      .map((route) => {
        const node = /** @type {Tree} */ ({ id: route.id, path: route.path, index: route.index, caseSensitive: route.caseSensitive });
        if (!route.index) node.children = childrenOf(route.id);
        return node;
      });
  const tree = childrenOf(undefined);
  return (url) => {
    const target = new URL(url, "http://cardfile.invalid");
    // As Remix's handler does it: setting the pathname resolves what taking
    // ".data" off leaves (/...data is the page /.., that is /).
    if (target.pathname.endsWith(".data")) target.pathname = target.pathname.replace(/\.data$/, "").replace(/^\/_root$/, "/");
    const { pathname: path, searchParams } = target;
    // A path that cannot be decoded is Remix's to answer (and to warn about, once).
    if (!decodable(path)) return false;
    const matches = matchRoutes(/** @type {any} */ (tree), path);
    const last = matches?.at(-1);
    if (!matches || !last) return false;
    const bareIndex = searchParams.getAll("index").some((value) => value === "");
    const action = last.route.index && bareIndex ? last : matches.filter((match, i) => i === 0 || match.route.path).at(-1);
    return typeof (action && routes[/** @type {Tree} */ (action.route).id]?.module.action) !== "function";
  };
}

/** @param {string} path */
function decodable(path) {
  try {
    for (const segment of path.split("/")) decodeURIComponent(segment);
    return true;
  } catch {
    return false;
  }
}

/**
 * A refusal's page. It names the app's icon as the app's pages do: without it a browser asks for /favicon.ico, a 404.
 * @param {number} status
 * @param {string} title
 * @param {string} message
 */
export function plainPage(status, title, message) {
  const escape = (/** @type {string} */ s) => s.replace(/[&<>"]/g, (c) => `&#${c.charCodeAt(0)};`);
  return `<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><link rel="icon" href="/favicon.svg" type="image/svg+xml"><title>${status} ${escape(title)} · Cardfile</title></head><body><main><h1>${escape(title)}</h1><p>${escape(message)}</p><p><a href="/contacts">Back to Cardfile</a></p></main></body></html>`;
}
