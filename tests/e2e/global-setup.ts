import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { TestProject } from "vitest/node";
import { createDatabase } from "#db/database.server";
import { migrateToLatest } from "#db/migrate";
import { readRoutes, type AppRoute } from "./routes";
import { repoRoot, startServer, type RunningServer } from "./spawn-server";
import { startSmtpSink, type SmtpSink } from "#tests/smtp-sink";

declare module "vitest" {
  export interface ProvidedContext {
    /** the shared e2e server, e.g. http://127.0.0.1:43117 */
    baseURL: string;
    /** the folder holding this run's private production build (build/) and a node_modules link: startServer's appDir */
    appDir: string;
    /** the shared server's SQLite database (file:…) */
    serverDatabaseUrl: string;
    /** the routes of the build (its manifest), for the tests that cover every route */
    routes: AppRoute[];
    /** where the SMTP server the shared server sends to writes each message (.eml): tests/e2e/mailbox.ts reads it */
    mailDir: string;
  }
}

/** The /assets/… files the server build's manifest names. */
function referencedAssets(serverBuild: string): string[] {
  const text = readFileSync(serverBuild, "utf8");
  return [...new Set(text.match(/\/assets\/[\w.-]+\.(?:js|css)/g) ?? [])];
}

/** `remix vite:build` into `buildDirectory` (vite.config.ts reads CARDFILE_BUILD_DIR). */
function build(buildDirectory: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [join(repoRoot, "node_modules/@remix-run/dev/dist/cli.js"), "vite:build"], {
      cwd: repoRoot,
      env: { ...process.env, NODE_ENV: "production", CARDFILE_BUILD_DIR: buildDirectory },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let output = "";
    child.stdout.on("data", (chunk: Buffer) => (output += chunk));
    child.stderr.on("data", (chunk: Buffer) => (output += chunk));
    child.once("error", reject);
    child.once("exit", (code, signal) =>
      code === 0 ? resolve() : reject(new Error(`remix vite:build failed (exit ${code ?? signal}):\n${output}`)),
    );
  });
}

// Build the production app (always: a stale build would test old code) into
// a private temporary folder, give it a fresh SQLite file, start server.js on
// port 0 and share its URL. Nothing is written to build/ in the checkout, so
// two test runs (or `npm run build`) in one checkout never clash; every
// server a test starts uses this same private build (inject("appDir")).
export default async function setup(project: TestProject) {
  const dir = mkdtempSync(join(tmpdir(), "cardfile-e2e-"));
  let server: RunningServer | undefined;
  let smtp: SmtpSink | undefined;
  const cleanup = async () => {
    await server?.stop(5_000);
    await smtp?.stop();
    rmSync(dir, { recursive: true, force: true }); // unlinks the node_modules symlink, not its target
  };

  try {
    // The server bundle imports its packages from node_modules next to it.
    symlinkSync(join(repoRoot, "node_modules"), join(dir, "node_modules"), "dir");
    await build(join(dir, "build"));
    const missing = referencedAssets(join(dir, "build/server/index.js")).filter((asset) => !existsSync(join(dir, "build/client", asset)));
    if (missing.length) throw new Error(`the build in ${dir} is incomplete; missing ${missing.join(", ")}`);

    const databaseUrl = `file:${join(dir, "e2e.sqlite")}`;
    const db = createDatabase(databaseUrl);
    try {
      await migrateToLatest(db);
    } finally {
      await db.destroy();
    }

    // A real SMTP server for the shared server's mail (tests/smtp-sink.ts).
    const mailDir = join(dir, "mail");
    smtp = await startSmtpSink({ dir: mailDir });

    // Tests stand in for a proxy: each browser session sends its own X-Forwarded-For.
    server = await startServer({ appDir: dir, env: { TRUST_PROXY: "loopback", DATABASE_URL: databaseUrl, SMTP_URL: smtp.url } });
    const login = await fetch(`${server.baseURL}/login`, { redirect: "manual", signal: AbortSignal.timeout(10_000) });
    await login.arrayBuffer();
    if (login.status !== 200) throw new Error(`the e2e server answered GET /login with ${login.status}:\n${server.logs()}`);

    project.provide("baseURL", server.baseURL);
    project.provide("appDir", dir);
    project.provide("serverDatabaseUrl", databaseUrl);
    project.provide("routes", readRoutes(dir));
    project.provide("mailDir", mailDir);
    return async () => {
      const stderr = server?.stderr() ?? "";
      await cleanup();
      // Unexpected server errors are logged with a request id; show them.
      if (stderr.trim()) console.warn(`--- e2e server stderr ---\n${stderr}`);
    };
  } catch (error) {
    await cleanup();
    throw error;
  }
}
