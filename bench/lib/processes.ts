import { spawn, type ChildProcess } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { freePort, startServer as spawnCardfile, tail } from "#tests/e2e/spawn-server";

// Every process the bench starts is tracked here and ended when the bench
// ends, however it ends: done, failed, or Ctrl-C. Servers get their own
// process group (detached), so a server that forks (next start) goes with all
// of its children; the bench kills only groups it started, by id.

const running = new Set<ChildProcess>();

/**
 * A child's whole environment: these variables and nothing else (unset ones
 * dropped), so that the bench's own NODE_ENV or a test's SCRYPT_LOG_N never
 * leak into a server or a command.
 */
export function childEnv(vars: Record<string, string | undefined>): NodeJS.ProcessEnv {
  const env: Record<string, string> = {};
  for (const [key, value] of Object.entries(vars)) if (value !== undefined) env[key] = value;
  // The app's types narrow NODE_ENV; a child's environment is just strings.
  return env as unknown as NodeJS.ProcessEnv;
}

function killGroup(child: ChildProcess, signal: NodeJS.Signals) {
  if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) return;
  try {
    process.kill(-child.pid, signal);
  } catch {
    // Already gone.
  }
}

let handlersInstalled = false;
const exitTasks = new Set<() => void>();

/** Runs `task` (synchronous) when the process exits, however it exits; the returned function cancels it. */
export function atExit(task: () => void): () => void {
  installCleanup();
  exitTasks.add(task);
  return () => exitTasks.delete(task);
}

/** Ends every child still running when this process exits or is interrupted. */
export function installCleanup() {
  if (handlersInstalled) return;
  handlersInstalled = true;
  process.on("exit", () => {
    for (const child of running) killGroup(child, "SIGKILL");
    for (const task of exitTasks) task();
  });
  for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"] as const) {
    process.on(signal, () => {
      process.stderr.write(`\n${signal}: stopping the servers\n`);
      for (const child of running) killGroup(child, "SIGTERM");
      // The exit handler SIGKILLs whatever did not stop.
      setTimeout(() => process.exit(130), 500).unref();
    });
  }
}

export interface Server {
  name: string;
  baseURL: string;
  port: number;
  process: ChildProcess;
  /** what the server printed (the last 20,000 characters) */
  output(): string;
  stop(): Promise<void>;
}

/**
 * Starts Cardfile's server.js over the build in `dir`, with the tests' one
 * spawner (tests/e2e/spawn-server.ts): port 0, and the URL read from its
 * listening line. In its own process group, tracked like every child here.
 */
export async function startCardfile({
  name,
  dir,
  env,
  nodeArgs = [],
  timeoutMs = 60_000,
}: {
  name: string;
  /** the private copy buildCardfile made: its server.js, over its build/ */
  dir: string;
  env: Record<string, string>;
  nodeArgs?: string[];
  timeoutMs?: number;
}): Promise<Server> {
  installCleanup();
  try {
    const server = await spawnCardfile({
      appDir: dir,
      script: path.join(dir, "server.js"),
      env,
      nodeArgs,
      detached: true,
      timeoutMs,
      onSpawn(child) {
        running.add(child);
        child.once("exit", () => running.delete(child));
      },
    });
    return {
      name,
      baseURL: server.baseURL,
      port: server.port,
      process: server.process,
      output: () => server.logs(),
      async stop() {
        await server.stop(5_000);
      },
    };
  } catch (error) {
    throw new Error(`${name} did not start: ${error instanceof Error ? error.message : error}`);
  }
}

/**
 * Starts `command` on a free port (passed to `env(port)`) and waits until
 * `readyPath` answers below 500. The environment is exactly `env`, plus PATH
 * and HOME: nothing of the bench's own leaks in.
 */
export async function startServer({
  name,
  command,
  args,
  cwd,
  env,
  readyPath = "/",
  timeoutMs = 60_000,
}: {
  name: string;
  command: string;
  args: string[];
  cwd: string;
  env: (port: number) => Record<string, string>;
  readyPath?: string;
  timeoutMs?: number;
}): Promise<Server> {
  installCleanup();
  const port = await freePort();
  const output = tail();
  const child = spawn(command, args, {
    cwd,
    env: childEnv({ PATH: process.env.PATH, HOME: process.env.HOME, ...env(port) }),
    stdio: ["ignore", "pipe", "pipe"],
    detached: true,
  });
  running.add(child);
  child.once("exit", () => running.delete(child));
  // Always drain the pipes: a full pipe would stall the server.
  child.stdout!.on("data", (chunk: Buffer) => output.push(chunk));
  child.stderr!.on("data", (chunk: Buffer) => output.push(chunk));
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  const baseURL = `http://127.0.0.1:${port}`;
  const server: Server = {
    name,
    baseURL,
    port,
    process: child,
    output: () => output.text,
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      killGroup(child, "SIGTERM");
      const force = setTimeout(() => killGroup(child, "SIGKILL"), 5_000);
      await exited;
      clearTimeout(force);
      // Children of the group that outlived their parent.
      killGroup(child, "SIGKILL");
    },
  };

  const deadline = Date.now() + timeoutMs;
  let problem = "no answer yet";
  while (Date.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null) {
      problem = `exited early (code ${child.exitCode}, signal ${child.signalCode})`;
      break;
    }
    try {
      const response = await fetch(baseURL + readyPath, { redirect: "manual", signal: AbortSignal.timeout(2_000) });
      await response.arrayBuffer();
      if (response.status < 500) return server;
      problem = `GET ${readyPath} answered ${response.status}`;
    } catch (error) {
      problem = String(error);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  await server.stop();
  throw new Error(`${name} did not start: ${problem}\n--- its output ---\n${output.text}`);
}

/** Runs a command to completion, its output to ours (stderr) or captured; rejects on a non-zero exit. */
export function runCommand(
  command: string,
  args: string[],
  { cwd, env, quiet = false }: { cwd: string; env?: NodeJS.ProcessEnv; quiet?: boolean },
): Promise<string> {
  installCleanup();
  return new Promise((resolve, reject) => {
    const output = tail();
    const child = spawn(command, args, { cwd, env: env ?? process.env, stdio: ["ignore", "pipe", "pipe"], detached: true });
    running.add(child);
    const forward = (chunk: Buffer) => {
      output.push(chunk);
      if (!quiet) process.stderr.write(chunk);
    };
    child.stdout!.on("data", forward);
    child.stderr!.on("data", forward);
    child.once("error", reject);
    child.once("exit", (code, signal) => {
      running.delete(child);
      if (code === 0) resolve(output.text);
      else reject(new Error(`${[command, ...args].join(" ")} failed (code ${code}, signal ${signal})\n${output.text}`));
    });
  });
}

/** The process and all its descendants, from /proc (Linux). */
function processTree(pid: number): number[] {
  const children = new Map<number, number[]>();
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, "utf8");
      // pid (comm) state ppid …; comm may hold spaces and parentheses.
      const ppid = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
      const list = children.get(ppid) ?? [];
      list.push(Number(entry));
      children.set(ppid, list);
    } catch {
      // The process ended while we looked.
    }
  }
  const tree = [pid];
  for (let i = 0; i < tree.length; i++) tree.push(...(children.get(tree[i]!) ?? []));
  return tree;
}

/** Resident memory of one process in bytes (VmRSS), 0 if it is gone. */
function rssOf(pid: number): number {
  try {
    const match = /^VmRSS:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
    return match ? Number(match[1]) * 1024 : 0;
  } catch {
    return 0;
  }
}

/**
 * Samples the resident memory of a server (its whole process tree) every
 * `intervalMs` until stopped; returns the peak in bytes.
 */
export function sampleRss(pid: number, intervalMs = 100) {
  let tree = processTree(pid);
  let peak = 0;
  let samples = 0;
  const sample = () => {
    // The tree is re-read now and then: a server may fork workers lazily.
    if (samples++ % 20 === 0) tree = processTree(pid);
    peak = Math.max(
      peak,
      tree.reduce((sum, p) => sum + rssOf(p), 0),
    );
  };
  sample();
  const timer = setInterval(sample, intervalMs);
  return {
    stop(): number {
      clearInterval(timer);
      sample();
      return peak;
    },
  };
}
