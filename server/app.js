// @ts-check
// The Express app: security headers and request ids on every response, the
// policy checks (server/policy.js) before anything reads a body, compression,
// static files, then Remix (server/remix-adapter.js), and a last-resort error
// page. See docs/decisions/0014-own-server-entry.md.
import compression from "compression";
import express from "express";
import { randomBytes } from "node:crypto";
import { readdirSync } from "node:fs";
import path from "node:path";
import {
  bodyProblem,
  crossOriginProblem,
  METHODS,
  PAGE_METHODS,
  plainPage,
  postsNowhere,
  requestLineProblem,
  securityHeaders,
} from "./policy.js";
import { createLogger, routeMatcher } from "./log.js";
import { remixHandler } from "./remix-adapter.js";

/**
 * The files under dir as URL paths ("/favicon.svg"), leaving out one top-level folder.
 * @param {string} dir
 * @param {string} skip
 */
export function listFiles(dir, skip) {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map(
      (entry) =>
        "/" +
        path
          .relative(dir, path.join(entry.parentPath ?? entry.path, entry.name))
          .split(path.sep)
          .join("/"),
    )
    .filter((url) => !url.startsWith(`/${skip}/`));
}

/**
 * @typedef {{ ready: () => Promise<boolean> }} Health what /readyz asks: the database answers and the process is not shutting down
 * @param {{ build: import("@remix-run/node").ServerBuild, trustProxy: boolean | string | number, buildDir: string, health?: Health, log?: import("pino").Logger }} options
 */
export function createApp({ build, trustProxy, buildDir, health = { ready: async () => true }, log = createLogger({ level: "silent" }) }) {
  const app = express();
  app.disable("x-powered-by");
  app.set("trust proxy", trustProxy);
  const routeOf = routeMatcher(build.routes);

  // Every response, static files included, gets an id and the security headers.
  app.use((req, res, next) => {
    const random = randomBytes(22);
    res.locals.requestId = random.toString("hex", 0, 6);
    res.locals.cspNonce = random.toString("base64", 6);
    res.setHeader("X-Request-Id", res.locals.requestId);
    logRequest(req, res);
    // Whether the request came over HTTPS, decided once: Express's
    // req.protocol believes X-Forwarded-Proto only under TRUST_PROXY (`trust
    // proxy`). HSTS, the origin check and the URL Remix sees (whose protocol
    // the cookies' Secure follows, app/http/cookies.server.ts) all use it.
    res.locals.protocol = req.protocol;
    for (const [name, value] of Object.entries(securityHeaders(res.locals.cspNonce, res.locals.protocol === "https")))
      res.setHeader(name, value);
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

  // Probes, before the request policy: a load balancer's check may be
  // HTTP/1.0 without a Host header, which the policy would refuse. No
  // database call for /healthz (the process serves); /readyz says whether
  // this instance should get traffic. Neither is rate limited or cached.
  app.get("/healthz", (req, res) => {
    res.set("Cache-Control", "no-store").type("text").send("ok\n");
  });
  app.get("/readyz", async (req, res, next) => {
    try {
      const ready = await health.ready();
      res
        .status(ready ? 200 : 503)
        .set("Cache-Control", "no-store")
        .type("text")
        .send(ready ? "ready\n" : "not ready\n");
    } catch (error) {
      next(error);
    }
  });

  // Refused before anything reads the body or runs an action, in this order:
  // cross-origin writes (403); methods, targets and hosts the Remix adapter
  // cannot turn into a URL (405/400); a POST to a page without an action
  // (405); bodies too big or not forms (413/411/415).
  const hasNoAction = postsNowhere(build.routes);
  app.use((req, res, next) => {
    const request = {
      method: req.method,
      origin: `${res.locals.protocol}://${req.get("host")}`,
      header: (/** @type {string} */ n) => req.get(n),
    };
    if (crossOriginProblem(request)) {
      res
        .status(403)
        .type("html")
        .send(plainPage(403, "Request refused", "This form was sent from another site, so Cardfile did not act on it."));
      return;
    }
    const line = requestLineProblem({
      method: req.method,
      url: req.originalUrl,
      // What the Remix adapter builds the URL from: Host, and X-Forwarded-Host when trusted.
      hosts: [req.get("host") ?? "", trustProxy ? req.get("x-forwarded-host")?.split(",")[0]?.trim() : undefined],
      protocol: res.locals.protocol,
    });
    if (line) {
      if (line[0] === 405) res.set("Allow", METHODS.join(", "));
      res
        .status(line[0])
        .type("html")
        .send(plainPage(line[0], "Request refused", line[1]));
      return;
    }
    if (req.method === "POST" && hasNoAction(req.originalUrl)) {
      res.set("Allow", PAGE_METHODS.join(", "));
      res
        .status(405)
        .type("html")
        .send(plainPage(405, "Method not allowed", "This address shows a page; it does not take forms."));
      return;
    }
    const body = bodyProblem({ ...request, path: req.path });
    if (body) {
      res.set("Connection", "close");
      res
        .status(body[0])
        .type("html")
        .send(plainPage(body[0], "Request refused", body[1]));
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

  app.all("*", remixHandler(build));
  // Last resort for what fails outside Remix (a path Express cannot decode,
  // a response that cannot be written): a plain page with the request id,
  // one log line, never a stack trace in the response.
  app.use(
    /** @type {import("express").ErrorRequestHandler} */ (error, req, res, next) => {
      const status = Number(error?.status ?? error?.statusCode);
      const clientError = status >= 400 && status < 500;
      if (!clientError)
        log.error({ requestId: res.locals.requestId, method: req.method, route: routeOf(req.path), err: error }, "request failed");
      if (res.headersSent) return next(error);
      const code = clientError ? status : 500;
      const message = clientError ? "That request could not be understood." : `Something went wrong. Reference: ${res.locals.requestId}`;
      res
        .status(code)
        .type("html")
        .send(plainPage(code, clientError ? "Bad request" : "Something went wrong", message));
    },
  );
  return app;

  /**
   * One line when the response is over (sent, or cut off by the client):
   * the route's pattern, never the path or query. Probes only at debug.
   * @param {import("express").Request} req
   * @param {import("express").Response} res
   */
  function logRequest(req, res) {
    const start = performance.now();
    res.once("close", () => {
      const path = req.path;
      const probe = path === "/healthz" || path === "/readyz";
      const route = probe ? path : path.startsWith("/assets/") ? "/assets/*" : publicFiles.has(path) ? "(public file)" : routeOf(path);
      const status = res.statusCode;
      const level = status >= 500 ? "error" : probe ? "debug" : "info";
      if (!log.isLevelEnabled(level)) return;
      log[level]({
        requestId: res.locals.requestId,
        method: req.method,
        route,
        status,
        durationMs: Math.round((performance.now() - start) * 10) / 10,
        ...(res.writableFinished ? {} : { aborted: true }),
      });
    });
  }
}
