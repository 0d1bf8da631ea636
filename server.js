// @ts-check
// Cardfile's HTTP server: `node server.js` (npm start) serves the Remix
// build in build/. This file boots and stops it; the Express app is
// server/app.js, its request policy server/policy.js and the Remix adapter
// server/remix-adapter.js. It exists (docs/decisions/0014-own-server-entry.md)
// because @remix-run/serve cannot put security headers on static files,
// refuse oversized or cross-origin requests before Remix reads them, give
// each request an id and CSP nonce, or shut down gracefully.
import cluster from "node:cluster";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { createApp } from "./server/app.js";
import { createLogger } from "./server/log.js";

/** After the grace period, how long requests in flight may take before their connections are closed. */
const DRAIN_MS = 10_000;
/** /readyz: the database must answer within this. */
const READY_TIMEOUT_MS = 1_000;

/** A worker that dies sooner than this after its start is restarted after a pause, not at once (a crash loop). */
const EARLY_DEATH_MS = 5_000;
const RESTART_PAUSE_MS = 1_000;

/** @typedef {typeof import("./app/entry.server")} AppEntry what app/entry.server.tsx exports; the build carries it as build.entry.module */

/** @param {import("@remix-run/node").ServerBuild} build */
function entryOf(build) {
  return /** @type {AppEntry} */ (/** @type {unknown} */ (build.entry.module));
}

// WEB_CONCURRENCY workers (default: the machine's cores), each a whole server
// on the one port (node:cluster hands connections out), or, with 1, this
// process alone. The primary only starts, restarts and stops workers; jobs run
// in the workers, where claims keep each job to one of them
// (docs/decisions/0040-every-core.md).
async function main() {
  const buildDir = path.resolve("build");
  /** @type {import("@remix-run/node").ServerBuild} */
  const build = await import(pathToFileURL(path.join(buildDir, "server/index.js")).href);
  // The app's configuration, parsed once (with zod) inside the build: a wrong value stops the primary before any worker starts.
  const { WEB_CONCURRENCY } = entryOf(build).config;
  if (cluster.isPrimary && WEB_CONCURRENCY > 1) supervise(WEB_CONCURRENCY);
  else serve(build, buildDir);
}

/** @param {number} count */
function supervise(count) {
  console.log(`Cardfile: starting ${count} workers (WEB_CONCURRENCY)`);
  let stopping = false;
  let failed = false;
  /** @type {Map<number, number>} worker id → when it started */
  const started = new Map();
  const fork = () => started.set(cluster.fork().id, Date.now());
  for (let i = 0; i < count; i++) fork();
  cluster.on("exit", (worker, code, signal) => {
    const age = Date.now() - (started.get(worker.id) ?? 0);
    started.delete(worker.id);
    if (stopping) {
      if (code !== 0) failed = true;
      if (started.size === 0) process.exit(failed ? 1 : 0);
      return;
    }
    console.error(`worker ${worker.process.pid} exited (${signal ?? `code ${code}`}); starting another`);
    if (age < EARLY_DEATH_MS) setTimeout(() => stopping || fork(), RESTART_PAUSE_MS);
    else fork();
  });
  // Each worker drains itself (serve's stop); the primary waits for all of them.
  // Ctrl-C reaches the workers too (one process group): stop is idempotent there.
  const stop = (/** @type {NodeJS.Signals} */ signal) => {
    if (stopping) return;
    stopping = true;
    console.log(`${signal}: stopping ${started.size} workers`);
    for (const worker of Object.values(cluster.workers ?? {})) worker?.process.kill("SIGTERM");
    if (started.size === 0) process.exit(0);
  };
  process.on("SIGTERM", () => stop("SIGTERM"));
  process.on("SIGINT", () => stop("SIGINT"));
}

/**
 * One server: this process alone, or one worker of several.
 * @param {import("@remix-run/node").ServerBuild} build
 * @param {string} buildDir
 */
function serve(build, buildDir) {
  const entry = entryOf(build);
  const { PORT, HOST, TRUST_PROXY, SHUTDOWN_GRACE_MS, LOG_LEVEL } = entry.config;
  const log = createLogger({ level: LOG_LEVEL });
  let stopping = false;
  const health = { ready: async () => !stopping && (await entry.databaseAnswers(READY_TIMEOUT_MS)) && !stopping };
  const app = createApp({ build, trustProxy: TRUST_PROXY, buildDir, health, log });
  // The port actually bound: with PORT=0 the OS picks one, and this line is
  // how a caller (the tests' spawner) learns it.
  const listening = () => {
    const { port } = /** @type {import("node:net").AddressInfo} */ (server.address());
    entry.setBoundPort(port);
    const worker = cluster.isWorker ? ` (worker ${process.pid})` : "";
    console.log(`Cardfile listening on http://${HOST ?? "localhost"}:${port}; ${entry.describeMailSetup()}${worker}`);
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
          // The log is written asynchronously: what is buffered goes out first.
          await new Promise((resolve) => log.flush(() => resolve(undefined)));
          process.exit(0);
        }
      });
    }, SHUTDOWN_GRACE_MS);
  };
  process.on("SIGTERM", () => stop("SIGTERM"));
  process.on("SIGINT", () => stop("SIGINT"));
}

await main();
