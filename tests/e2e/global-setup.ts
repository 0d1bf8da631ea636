import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import type { TestProject } from "vitest/node";
import { createDatabase } from "#db/database.server";
import { migrateToLatest } from "#db/migrate";
import { freePort, tail } from "./spawn-server";

declare module "vitest" {
  export interface ProvidedContext {
    baseURL: string;
  }
}

const root = resolve(fileURLToPath(new URL("../..", import.meta.url)));
const READY_TIMEOUT_MS = 30_000;

/** The /assets/… files the server build's manifest names. */
function referencedAssets(serverBuild: string): string[] {
  const text = readFileSync(serverBuild, "utf8");
  return [...new Set(text.match(/\/assets\/[\w.-]+\.(?:js|css)/g) ?? [])];
}

function stop(server: ChildProcess): Promise<void> {
  return new Promise((done) => {
    if (server.exitCode !== null || server.signalCode !== null) return done();
    const force = setTimeout(() => server.kill("SIGKILL"), 5_000);
    server.once("exit", () => {
      clearTimeout(force);
      done();
    });
    server.kill("SIGTERM");
  });
}

// Build the production app (always: a stale build would test old code), give
// it a fresh SQLite file, start server.js on a free port and wait for it.
// build/ stays in the checkout (other suites use it); the server runs a copy.
export default async function setup(project: TestProject) {
  const build = spawnSync(process.execPath, [join(root, "node_modules/@remix-run/dev/dist/cli.js"), "vite:build"], {
    cwd: root,
    encoding: "utf8",
    env: { ...process.env, NODE_ENV: "production" },
  });
  if (build.status !== 0) {
    throw new Error(`remix vite:build failed (exit ${build.status}):\n${build.stdout}\n${build.stderr}`);
  }

  const dir = mkdtempSync(join(tmpdir(), "cardfile-e2e-"));
  const databaseUrl = `file:${join(dir, "e2e.sqlite")}`;
  let server: ChildProcess | undefined;
  const cleanup = async () => {
    if (server) await stop(server);
    rmSync(dir, { recursive: true, force: true }); // unlinks the node_modules symlink, not its target
  };

  try {
    // Serve a private copy of the build: another build in this checkout (a
    // second test run, `npm run build`) replaces build/client/assets, and
    // pages rendered by this server would then point at deleted files.
    cpSync(join(root, "build"), join(dir, "build"), { recursive: true });
    symlinkSync(join(root, "node_modules"), join(dir, "node_modules"), "dir");
    const missing = referencedAssets(join(dir, "build/server/index.js")).filter(
      (asset) => !existsSync(join(dir, "build/client", asset)),
    );
    if (missing.length) {
      throw new Error(`build/ changed while it was copied (another build running?); missing ${missing.join(", ")}`);
    }

    const db = createDatabase(databaseUrl);
    try {
      await migrateToLatest(db);
    } finally {
      await db.destroy();
    }

    const port = await freePort();
    const baseURL = `http://127.0.0.1:${port}`;
    // Only what production needs: vitest's own test env (NODE_ENV=test, a
    // low SCRYPT_LOG_N) must not leak into the server.
    const env: NodeJS.ProcessEnv = {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      TZ: process.env.TZ,
      NODE_ENV: "production",
      HOST: "127.0.0.1",
      // Tests stand in for a proxy: each browser session sends its own X-Forwarded-For.
      TRUST_PROXY: "loopback",
      PORT: String(port),
      DATABASE_URL: databaseUrl,
    };
    for (const key of Object.keys(env)) if (env[key] === undefined) delete env[key];

    const stdout = tail();
    const stderr = tail();
    // server.js resolves build/ (server bundle and static files) against its cwd.
    server = spawn(process.execPath, [join(root, "server.js")], {
      cwd: dir,
      env,
      stdio: ["ignore", "pipe", "pipe"],
    });
    // Always drain the pipes: a full pipe would block the server.
    server.stdout!.on("data", (chunk: Buffer) => stdout.push(chunk));
    server.stderr!.on("data", (chunk: Buffer) => stderr.push(chunk));
    const exited = new Promise<string>((done) =>
      server!.once("exit", (code, signal) => done(`server exited early (code ${code}, signal ${signal})`)),
    );

    const deadline = Date.now() + READY_TIMEOUT_MS;
    let problem: string | null = "no answer yet";
    while (problem !== null && Date.now() < deadline) {
      if (server.exitCode !== null || server.signalCode !== null) {
        problem = await exited;
        break;
      }
      try {
        const response = await fetch(`${baseURL}/login`, { redirect: "manual", signal: AbortSignal.timeout(2_000) });
        problem = response.status === 200 ? null : `GET /login answered ${response.status}`;
      } catch (error) {
        problem = String(error);
      }
      if (problem !== null) await new Promise((r) => setTimeout(r, 100));
    }
    if (problem !== null) {
      throw new Error(
        `the e2e server did not answer GET /login with 200 within ${READY_TIMEOUT_MS / 1000} s: ${problem}\n` +
          `--- server stderr ---\n${stderr.text}\n--- server stdout ---\n${stdout.text}`,
      );
    }

    project.provide("baseURL", baseURL);
    return async () => {
      await cleanup();
      // Unexpected server errors are logged with a request id; show them.
      if (stderr.text.trim()) console.warn(`--- e2e server stderr ---\n${stderr.text}`);
    };
  } catch (error) {
    await cleanup();
    throw error;
  }
}
