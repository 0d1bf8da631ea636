import { spawn, type ChildProcess } from "node:child_process";
import { createServer } from "node:net";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

// The one way tests (and the bench, and Lighthouse) start Cardfile's
// production server: server.js over a production build, with production
// settings only, on port 0. The server binds a free port itself and prints
// it ("Cardfile listening on http://HOST:PORT"); this reads the URL from that
// line, so no port is ever probed, released and hoped for (another process
// could take it in between). See docs/decisions/0027-test-infrastructure.md.

export const repoRoot = fileURLToPath(new URL("../..", import.meta.url));

/** Keeps the last `limit` characters of a stream: enough to explain a failure. */
export function tail(limit = 20_000) {
  let text = "";
  return {
    push(chunk: Buffer | string) {
      text = (text + chunk.toString()).slice(-limit);
    },
    get text() {
      return text;
    },
  };
}

// The whole line, up to its newline: a chunk may end in the middle of the port.
const LISTENING = /^Cardfile listening on (http:\/\/[^\s;]+)[;\r\n]/m;

export interface ServerOptions {
  /**
   * A folder holding the production build in build/ and a node_modules link:
   * server.js resolves build/ against its working directory. In the tests it
   * is the private build of the e2e setup: `inject("appDir")`.
   */
  appDir: string;
  /** server.js to run; default the checkout's (the bench runs the copy it built with) */
  script?: string;
  /**
   * Variables over production's defaults (NODE_ENV=production,
   * HOST=127.0.0.1, PORT=0, SHUTDOWN_GRACE_MS=0, WEB_CONCURRENCY=1); nothing else of this process's environment
   * reaches the server (not vitest's NODE_ENV=test nor its low SCRYPT_LOG_N),
   * only PATH, HOME and TZ. An undefined value unsets a default.
   */
  env?: Record<string, string | undefined>;
  /** node's own flags, before server.js (e.g. `--max-old-space-size=128`, as `npm start` has it) */
  nodeArgs?: string[];
  /** In its own process group, signalled as one (the bench's servers); default false. */
  detached?: boolean;
  /** How long to wait for the listening line; default 30 s. */
  timeoutMs?: number;
  /** Characters of output kept (each of stdout, stderr, both); default 20,000. */
  outputLimit?: number;
  /** Called with the child as soon as it is spawned (the bench tracks it to end it on Ctrl-C). */
  onSpawn?: (child: ChildProcess) => void;
}

export interface RunningServer {
  /** http://127.0.0.1:PORT, from the server's own listening line */
  baseURL: string;
  port: number;
  process: ChildProcess;
  /** the tail of everything the server printed, stdout and stderr interleaved */
  logs(): string;
  stdout(): string;
  stderr(): string;
  /** settles when the process has exited */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** SIGTERM, then SIGKILL after `graceMs` (default 15 s); resolves to the exit code (null if killed). */
  stop(graceMs?: number): Promise<number | null>;
}

export async function startServer(options: ServerOptions): Promise<RunningServer> {
  const {
    appDir,
    script = join(repoRoot, "server.js"),
    nodeArgs = [],
    detached = false,
    timeoutMs = 30_000,
    outputLimit = 20_000,
  } = options;
  const env: Record<string, string> = {};
  const vars = {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    TZ: process.env.TZ,
    NODE_ENV: "production",
    HOST: "127.0.0.1",
    PORT: "0",
    // No load balancer to drain for: stop at once (tests/e2e/health.test.ts gives it one).
    SHUTDOWN_GRACE_MS: "0",
    // One process, whose pid is the server's (kill -9 tests, memory limits); cluster.test.ts runs several.
    WEB_CONCURRENCY: "1",
    ...options.env,
  };
  for (const [key, value] of Object.entries(vars)) if (value !== undefined) env[key] = value;

  const child = spawn(process.execPath, [...nodeArgs, script], {
    cwd: appDir,
    // The app's types narrow NODE_ENV; a child's environment is just strings.
    env: env as unknown as NodeJS.ProcessEnv,
    stdio: ["ignore", "pipe", "pipe"],
    detached,
  });
  options.onSpawn?.(child);
  const out = tail(outputLimit);
  const err = tail(outputLimit);
  const both = tail(outputLimit);
  let beforeListening: string | null = ""; // stdout up to the listening line (null once seen)
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once("exit", (code, signal) => resolve({ code, signal })),
  );

  const signal = (name: NodeJS.Signals) => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    try {
      if (detached && child.pid !== undefined) process.kill(-child.pid, name);
      else child.kill(name);
    } catch {
      // Already gone.
    }
  };
  const stop = async (graceMs = 15_000) => {
    if (child.exitCode === null && child.signalCode === null) {
      signal("SIGTERM");
      const force = setTimeout(() => signal("SIGKILL"), graceMs);
      await exited;
      clearTimeout(force);
    }
    // A detached group's children that outlived their parent.
    if (detached) signal("SIGKILL");
    return child.exitCode;
  };

  const baseURL = await new Promise<string>((resolve, reject) => {
    const fail = (why: string) => {
      clearTimeout(timer);
      reject(new Error(`server.js ${why}\n--- its stderr ---\n${err.text}\n--- its stdout ---\n${out.text}`));
    };
    const timer = setTimeout(() => {
      fail(`printed no "Cardfile listening on" line within ${timeoutMs / 1000} s`);
      void stop(2_000);
    }, timeoutMs);
    // Always drain the pipes: a full pipe would block the server.
    child.stdout!.on("data", (chunk: Buffer) => {
      out.push(chunk);
      both.push(chunk);
      if (beforeListening === null) return;
      beforeListening += chunk.toString();
      const match = LISTENING.exec(beforeListening);
      if (match) {
        beforeListening = null;
        clearTimeout(timer);
        resolve(match[1]!);
      }
    });
    child.stderr!.on("data", (chunk: Buffer) => {
      err.push(chunk);
      both.push(chunk);
    });
    child.once("error", (error) => fail(`could not be started: ${error.message}`));
    void exited.then(({ code, signal: by }) => fail(`exited before listening (code ${code}, signal ${by})`));
  });

  return {
    baseURL,
    port: Number(new URL(baseURL).port),
    process: child,
    logs: () => both.text,
    stdout: () => out.text,
    stderr: () => err.text,
    exited,
    stop,
  };
}

/**
 * A free port, for servers that cannot be told to bind port 0 and report the
 * port they got (the bench's baseline and the peer's `next start`, the Nu
 * Html Checker). The port is released before the server binds it, so another
 * process could take it in between: Cardfile itself never starts this way
 * (startServer above).
 */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once("error", reject);
    probe.listen(0, "127.0.0.1", () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => resolve(port));
    });
  });
}
