// @ts-check
// Cardfile's HTTP server: Express in front of the Remix build. It exists (see
// docs/decisions/0014-own-server-entry.md) because @remix-run/serve cannot put
// security headers on static files, refuse oversized or cross-origin requests
// before Remix reads them, give each request an id and CSP nonce, or shut down
// gracefully.
import { createReadableStreamFromReadable, createRequestHandler, writeReadableStreamToWritable } from "@remix-run/node";
import compression from "compression";
import express from "express";
import { randomBytes } from "node:crypto";
import { readdirSync } from "node:fs";
import path from "node:path";
import { pathToFileURL } from "node:url";

export const BODY_LIMIT_BYTES = 64 * 1024;
const FORM_TYPES = ["application/x-www-form-urlencoded", "multipart/form-data"];
const SHUTDOWN_GRACE_MS = 10_000;

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
 * @param {{ method: string, header: (name: string) => string | undefined }} req
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
  if (Number(length) > BODY_LIMIT_BYTES) return [413, `Requests are limited to ${BODY_LIMIT_BYTES / 1024} KB.`];
  const type = (req.header("content-type") ?? "").split(";")[0]?.trim().toLowerCase() ?? "";
  // A body must be a form. An empty one (a bare POST to /logout) may come
  // without a type; routes that need fields answer 400 when they are missing.
  if ((Number(length) > 0 || type) && !FORM_TYPES.includes(type)) {
    return [415, "Forms are sent as application/x-www-form-urlencoded or multipart/form-data."];
  }
  return null;
}

const METHODS = ["GET", "HEAD", "POST"];
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

/**
 * @param {number} status
 * @param {string} title
 * @param {string} message
 */
function plainPage(status, title, message) {
  const escape = (/** @type {string} */ s) => s.replace(/[&<>"]/g, (c) => `&#${c.charCodeAt(0)};`);
  return `<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>${status} ${escape(title)} · Cardfile</title></head><body><main><h1>${escape(title)}</h1><p>${escape(message)}</p><p><a href="/contacts">Back to Cardfile</a></p></main></body></html>`;
}

/**
 * The files under dir as URL paths ("/favicon.svg"), leaving out one top-level folder.
 * @param {string} dir
 * @param {string} skip
 */
export function listFiles(dir, skip) {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => "/" + path.relative(dir, path.join(entry.parentPath ?? entry.path, entry.name)).split(path.sep).join("/"))
    .filter((url) => !url.startsWith(`/${skip}/`));
}

/**
 * The Fetch Request Remix answers, as @remix-run/express (which this
 * replaces) makes it, with one difference: its signal aborts once the response is over, finished or not
 * (the adapter aborts it only when the client goes away first). Remix 2's
 * single fetch arms a 5-second timer per page that only that abort clears
 * (fixed in React Router 7, remix-run/react-router#14735), and the timer
 * keeps the page's loader data alive: at a few hundred pages a second that
 * is thousands of live timers and a heap garbage-collected several times a
 * second. See docs/decisions/0024-server-speed-and-memory.md.
 * @param {import("express").Request} req
 * @param {import("express").Response} res
 */
export function remixRequest(req, res) {
  // req.hostname respects "trust proxy"; the port is X-Forwarded-Host's, else Host's.
  const port = [req.get("X-Forwarded-Host"), req.get("host")]
    .map((host) => Number.parseInt(host?.split(":")[1] ?? "", 10))
    .find((n) => Number.isSafeInteger(n));
  const url = `${req.protocol}://${req.hostname}${port === undefined ? "" : `:${port}`}${req.originalUrl}`;
  const controller = new AbortController();
  res.on("close", () => controller.abort());
  /** @type {RequestInit & { duplex?: "half" }} */
  const init = { method: req.method, headers: remixHeaders(req.headers), signal: controller.signal };
  if (req.method !== "GET" && req.method !== "HEAD") {
    init.body = createReadableStreamFromReadable(req);
    init.duplex = "half";
  }
  return new Request(new URL(url).href, init);
}

/**
 * Node's request headers as Fetch Headers (repeated ones appended).
 * @param {import("node:http").IncomingHttpHeaders} nodeHeaders
 */
function remixHeaders(nodeHeaders) {
  const headers = new Headers();
  for (const [name, value] of Object.entries(nodeHeaders)) {
    if (Array.isArray(value)) for (const one of value) headers.append(name, one);
    else if (value) headers.set(name, value);
  }
  return headers;
}

/**
 * Writes Remix's answer (status, headers, body) to the Node response.
 * @param {import("express").Response} res
 * @param {Response} response
 */
async function sendRemixResponse(res, response) {
  res.statusMessage = response.statusText;
  res.status(response.status);
  for (const [name, value] of response.headers.entries()) res.append(name, value);
  if (response.body) await writeReadableStreamToWritable(response.body, res);
  else res.end();
}

/**
 * @param {{ build: import("@remix-run/node").ServerBuild, trustProxy: boolean | string | number, buildDir: string }} options
 */
export function createApp({ build, trustProxy, buildDir }) {
  const app = express();
  app.disable("x-powered-by");
  app.set("trust proxy", trustProxy);

  // Every response, static files included, gets an id and the security headers.
  app.use((req, res, next) => {
    const random = randomBytes(22);
    res.locals.requestId = random.toString("hex", 0, 6);
    res.locals.cspNonce = random.toString("base64", 6);
    res.setHeader("X-Request-Id", res.locals.requestId);
    for (const [name, value] of Object.entries(securityHeaders(res.locals.cspNonce, req.secure))) res.setHeader(name, value);
    // A 304 tells the browser to reuse its stored page, whose scripts carry
    // the nonce of the response that stored it; the 304's headers replace the
    // stored ones, so a fresh policy (a new nonce) would block those scripts.
    const writeHead = res.writeHead;
    res.writeHead = /** @type {typeof res.writeHead} */ (
      function (/** @type {any[]} */ ...args) {
        if (res.statusCode === 304 || args[0] === 304) res.removeHeader("Content-Security-Policy");
        return writeHead.apply(res, /** @type {any} */ (args));
      }
    );
    next();
  });

  // Refused before anything reads the body or runs an action, in this order:
  // cross-origin writes (403); methods, targets and hosts the Remix adapter
  // cannot turn into a URL (405/400); bodies too big or not forms (413/411/415).
  app.use((req, res, next) => {
    const request = { method: req.method, origin: `${req.protocol}://${req.get("host")}`, header: (/** @type {string} */ n) => req.get(n) };
    if (crossOriginProblem(request)) {
      res.status(403).type("html").send(plainPage(403, "Request refused", "This form was sent from another site, so Cardfile did not act on it."));
      return;
    }
    const line = requestLineProblem({
      method: req.method,
      url: req.originalUrl,
      // What the Remix adapter builds the URL from: Host, and X-Forwarded-Host when trusted.
      hosts: [req.get("host") ?? "", trustProxy ? req.get("x-forwarded-host")?.split(",")[0]?.trim() : undefined],
      protocol: req.protocol,
    });
    if (line) {
      if (line[0] === 405) res.set("Allow", METHODS.join(", "));
      res.status(line[0]).type("html").send(plainPage(line[0], "Request refused", line[1]));
      return;
    }
    const body = bodyProblem(request);
    if (body) {
      res.set("Connection", "close");
      res.status(body[0]).type("html").send(plainPage(body[0], "Request refused", body[1]));
      return;
    }
    next();
  });

  // br or gzip, as the client accepts: pages, data and assets cost far less on a slow link.
  // A client that accepts no encoding (curl, a load generator) skips the wrapper.
  const compress = compression();
  app.use((req, res, next) => (req.headers["accept-encoding"] ? compress(req, res, next) : next()));

  const client = path.join(buildDir, "client");
  // Hashed file names: a changed file gets a new URL, so cache forever.
  app.use("/assets", express.static(path.join(client, "assets"), { immutable: true, maxAge: "1y", index: false }));
  // The few other public files (favicon.svg, …), listed once: asking the disk
  // whether every page URL is a file would cost each request a stat() call.
  const publicFiles = new Set(listFiles(client, "assets"));
  const servePublic = express.static(client, { maxAge: "1h", index: false });
  app.use((req, res, next) => (publicFiles.has(req.path) ? servePublic(req, res, next) : next()));

  const handleRemix = createRequestHandler(build, process.env.NODE_ENV);
  app.all("*", async (req, res, next) => {
    try {
      const loadContext = {
        requestId: res.locals.requestId,
        cspNonce: res.locals.cspNonce,
        clientIp: req.ip ?? req.socket.remoteAddress ?? "unknown",
      };
      await sendRemixResponse(res, await handleRemix(remixRequest(req, res), loadContext));
    } catch (error) {
      next(error);
    }
  });
  // Last resort for what fails outside Remix (a path Express cannot decode,
  // a response that cannot be written): a plain page with the request id,
  // one log line, never a stack trace in the response.
  app.use(
    /** @type {import("express").ErrorRequestHandler} */ (error, req, res, next) => {
      const status = Number(error?.status ?? error?.statusCode);
      const clientError = status >= 400 && status < 500;
      if (!clientError) {
        console.error(`[request ${res.locals.requestId}] ${req.method} ${req.path} failed: ${error?.stack ?? error}`);
      }
      if (res.headersSent) return next(error);
      const code = clientError ? status : 500;
      const message = clientError ? "That request could not be understood." : `Something went wrong. Reference: ${res.locals.requestId}`;
      res.status(code).type("html").send(plainPage(code, clientError ? "Bad request" : "Something went wrong", message));
    },
  );
  return app;
}

async function main() {
  const buildDir = path.resolve("build");
  /** @type {import("@remix-run/node").ServerBuild} */
  const build = await import(pathToFileURL(path.join(buildDir, "server/index.js")).href);
  // The app's configuration, parsed once (with zod) inside the build.
  const entry = /** @type {{ config: { PORT: number, HOST?: string, TRUST_PROXY: boolean | number | string }, closeDatabase: () => Promise<void>, startMaintenance: () => () => void }} */ (
    /** @type {unknown} */ (build.entry.module)
  );
  const { PORT, HOST, TRUST_PROXY } = entry.config;
  const app = createApp({ build, trustProxy: TRUST_PROXY, buildDir });
  const listening = () => console.log(`Cardfile listening on http://${HOST ?? "localhost"}:${PORT}`);
  const server = HOST ? app.listen(PORT, HOST, listening) : app.listen(PORT, listening);
  // Purge expired sessions and old rate-limit counters now and every hour.
  const stopMaintenance = entry.startMaintenance();

  // SIGTERM (and Ctrl-C): stop accepting, let requests in flight finish (up
  // to 10 s), close the database, exit 0.
  let stopping = false;
  const stop = (/** @type {string} */ signal) => {
    if (stopping) return;
    stopping = true;
    console.log(`${signal}: finishing requests in flight, then stopping`);
    stopMaintenance();
    const force = setTimeout(() => server.closeAllConnections(), SHUTDOWN_GRACE_MS).unref();
    // Keep-alive connections that finish their request become idle: close
    // them as they do, instead of waiting out the keep-alive timeout.
    const sweep = setInterval(() => server.closeIdleConnections(), 100);
    server.close(async () => {
      clearTimeout(force);
      clearInterval(sweep);
      try {
        await entry.closeDatabase();
      } finally {
        process.exit(0);
      }
    });
  };
  process.on("SIGTERM", () => stop("SIGTERM"));
  process.on("SIGINT", () => stop("SIGINT"));
}

if (process.argv[1] && path.resolve(process.argv[1]) === path.resolve(new URL(import.meta.url).pathname)) {
  await main();
}
