import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import type { Dataset } from "./data";
import { root } from "./data";
import type { System } from "./options";
import { atExit, childEnv, runCommand, startCardfile, startServer, type Server } from "./processes";

// The three systems, each started on a free port over the same dataset.

/** What goes into a private copy of the app to build it (see buildCardfile; npm run lighthouse too). */
export const APP_FILES = [
  "app",
  "db",
  "migrations",
  "public",
  "scripts",
  "server",
  "server.js",
  "vite.config.ts",
  "remix.config.js",
  "tsconfig.json",
  "package.json",
];

export interface CardfileBuild {
  /** a folder holding server.js and build/, with node_modules linked */
  dir: string;
  remove(): void;
}

/** The /assets/… files a server build names (as tests/e2e/global-setup.ts checks). */
function referencedAssets(serverBuild: string): string[] {
  const text = readFileSync(serverBuild, "utf8");
  return [...new Set(text.match(/\/assets\/[\w.-]+\.(?:js|css)/g) ?? [])];
}

/**
 * The production build, made in a private copy of the sources: build/ in the
 * checkout belongs to the tests and to `npm run build`, which may replace it
 * while the bench runs. Building takes seconds, so every run builds: a stale
 * build would measure old code.
 */
export async function buildCardfile(log: (line: string) => void): Promise<CardfileBuild> {
  const dir = mkdtempSync(path.join(tmpdir(), "cardfile-bench-"));
  // Also on Ctrl-C, which ends the process without unwinding.
  const cancel = atExit(() => rmSync(dir, { recursive: true, force: true }));
  const remove = () => {
    rmSync(dir, { recursive: true, force: true });
    cancel();
  };
  try {
    for (const file of APP_FILES) cpSync(path.join(root, file), path.join(dir, file), { recursive: true });
    symlinkSync(path.join(root, "node_modules"), path.join(dir, "node_modules"), "dir");
    log("cardfile: building (remix vite:build, in a private copy of the sources)");
    await runCommand(process.execPath, [path.join(root, "node_modules/@remix-run/dev/dist/cli.js"), "vite:build"], {
      cwd: dir,
      env: childEnv({ PATH: process.env.PATH, HOME: process.env.HOME, NODE_ENV: "production" }),
      quiet: true,
    });
    const missing = referencedAssets(path.join(dir, "build/server/index.js")).filter((a) => !existsSync(path.join(dir, "build/client", a)));
    if (missing.length) throw new Error(`the build is incomplete; missing ${missing.join(", ")}`);
    return { dir, remove };
  } catch (error) {
    remove();
    throw error;
  }
}

export const peerDir = path.join(root, "bench/peers/next-server-actions");

function newestMtime(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.name === "node_modules" || entry.name === ".next") continue;
    const full = path.join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(full) : statSync(full).mtimeMs);
  }
  return newest;
}

/**
 * The peer's own install and production build, done once: `npm ci` when its
 * node_modules is missing, `next build` when its sources are newer than the
 * last build. Neither counts in the time of a run.
 */
export async function preparePeer(log: (line: string) => void) {
  const env = (nodeEnv: string) =>
    childEnv({ PATH: process.env.PATH, HOME: process.env.HOME, NEXT_TELEMETRY_DISABLED: "1", NODE_ENV: nodeEnv });
  if (!existsSync(path.join(peerDir, "node_modules/next/package.json"))) {
    log("peer: installing its dependencies (npm ci in bench/peers/next-server-actions; once)");
    await runCommand("npm", ["ci", "--no-audit", "--no-fund"], { cwd: peerDir, env: env("development"), quiet: true });
  }
  const buildId = path.join(peerDir, ".next/BUILD_ID");
  if (!existsSync(buildId) || statSync(buildId).mtimeMs < newestMtime(peerDir)) {
    log("peer: building (next build; once, and again when its sources change)");
    await runCommand(process.execPath, [path.join(peerDir, "node_modules/next/dist/bin/next"), "build"], {
      cwd: peerDir,
      env: env("production"),
      quiet: true,
    });
  }
}

/** Starts `system` over `dataset`; resolves once it answers. */
export function startSystem(system: System, dataset: Dataset, cardfile: CardfileBuild | null): Promise<Server> {
  const name = `${system} (${dataset.db})`;
  switch (system) {
    case "cardfile":
      if (!cardfile) throw new Error("cardfile has not been built");
      // server.js over the private build (its working directory), on port 0, as the tests start it.
      return startCardfile({
        name,
        dir: cardfile.dir,
        // As `npm start` runs it (package.json): the heap cap is part of production's command line.
        nodeArgs: ["--max-old-space-size=128"],
        env: { DATABASE_URL: dataset.url },
      });
    case "baseline":
      return startServer({
        name,
        command: process.execPath,
        args: [path.join(root, "bench/baseline/server.js")],
        cwd: root,
        env: (port) => ({ NODE_ENV: "production", HOST: "127.0.0.1", PORT: String(port), DATABASE_URL: dataset.url }),
        readyPath: "/contacts",
      });
    case "peer":
      return startServer({
        name,
        command: process.execPath,
        args: [path.join(peerDir, "node_modules/next/dist/bin/next"), "start", "-H", "127.0.0.1"],
        cwd: peerDir,
        // next start takes its port from PORT.
        env: (port) => ({ NODE_ENV: "production", NEXT_TELEMETRY_DISABLED: "1", PORT: String(port), DATABASE_URL: dataset.url }),
        readyPath: "/contacts",
      });
  }
}
