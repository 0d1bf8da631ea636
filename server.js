// @ts-check
// Cardfile's HTTP server: `node server.js` (npm start) serves the Remix
// build in build/. This file boots and stops it; the Express app is
// server/app.js, its request policy server/policy.js and the Remix adapter
// server/remix-adapter.js. It exists (docs/decisions/0014-own-server-entry.md)
// because @remix-run/serve cannot put security headers on static files,
// refuse oversized or cross-origin requests before Remix reads them, give
// each request an id and CSP nonce, or shut down gracefully.
import path from "node:path";
import { pathToFileURL } from "node:url";
import { createApp } from "./server/app.js";

/** After the grace period, how long requests in flight may take before their connections are closed. */
const DRAIN_MS = 10_000;
/** /readyz: the database must answer within this. */
const READY_TIMEOUT_MS = 1_000;

/** @typedef {typeof import("./app/entry.server")} AppEntry what app/entry.server.tsx exports; the build carries it as build.entry.module */

async function main() {
  const buildDir = path.resolve("build");
  /** @type {import("@remix-run/node").ServerBuild} */
  const build = await import(pathToFileURL(path.join(buildDir, "server/index.js")).href);
  const entry = /** @type {AppEntry} */ (/** @type {unknown} */ (build.entry.module));
  // The app's configuration, parsed once (with zod) inside the build.
  const { PORT, HOST, TRUST_PROXY, SHUTDOWN_GRACE_MS } = entry.config;
  let stopping = false;
  const health = { ready: async () => !stopping && (await entry.databaseAnswers(READY_TIMEOUT_MS)) && !stopping };
  const app = createApp({ build, trustProxy: TRUST_PROXY, buildDir, health });
  // The port actually bound: with PORT=0 the OS picks one, and this line is
  // how a caller (the tests' spawner) learns it.
  const listening = () => {
    const { port } = /** @type {import("node:net").AddressInfo} */ (server.address());
    entry.setBoundPort(port);
    console.log(`Cardfile listening on http://${HOST ?? "localhost"}:${port}; ${entry.describeMailSetup()}`);
  };
  const server = HOST ? app.listen(PORT, HOST, listening) : app.listen(PORT, listening);
  // Background jobs (app/jobs): the hourly maintenance, and whatever features enqueue.
  const stopJobs = entry.startJobs();

  // SIGTERM (and Ctrl-C): /readyz answers 503 at once and the server goes
  // on serving for SHUTDOWN_GRACE_MS, so a load balancer drains it; then it
  // stops accepting, lets requests in flight finish (up to 10 s), closes the
  // database and exits 0.
  const stop = (/** @type {string} */ signal) => {
    if (stopping) return;
    stopping = true;
    console.log(`${signal}: not ready; serving for ${SHUTDOWN_GRACE_MS} ms more, then finishing requests in flight and stopping`);
    // The running job, if any, finishes (bounded) while requests drain.
    const jobsStopped = stopJobs();
    setTimeout(() => {
      const force = setTimeout(() => server.closeAllConnections(), DRAIN_MS).unref();
      // Keep-alive connections that finish their request become idle: close
      // them as they do, instead of waiting out the keep-alive timeout.
      const sweep = setInterval(() => server.closeIdleConnections(), 100);
      server.close(async () => {
        clearTimeout(force);
        clearInterval(sweep);
        try {
          await jobsStopped;
          await entry.closeDatabase();
        } finally {
          process.exit(0);
        }
      });
    }, SHUTDOWN_GRACE_MS);
  };
  process.on("SIGTERM", () => stop("SIGTERM"));
  process.on("SIGINT", () => stop("SIGINT"));
}

await main();
