import { spawn, type ChildProcess } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync } from "node:fs";
import { createRequire } from "node:module";
import { createServer } from "node:net";

// The Nu Html Checker (vnu.jar, from the vnu-jar package) over every
// document the browser suite receives: tests/e2e/browser.ts hands each one
// here, and a test that was shown invalid HTML fails (decision 0028).
//
// One checker for the whole e2e run: vnu's own HTTP service, started on
// first use (a JVM takes a few seconds) and kept on globalThis, which the
// test files share (they run one after another in one process, see
// vitest.config.ts). Identical documents (up to nonces and ids) are checked
// once, a few at a time, while the tests go on.
//
// Java is required under CI=true (like Chromium, see tests/run.js);
// elsewhere a missing Java skips the check with one warning.

const JAVA = process.env.JAVA_PATH ?? "/usr/bin/java";
const CI = ["true", "1"].includes(String(process.env.CI).toLowerCase());
const READY_TIMEOUT_MS = 60_000;
const IN_FLIGHT = 4;

interface Checker {
  /** the service's base URL, or null when the check is skipped */
  url: Promise<string | null>;
  /** the errors of each distinct document, by its key */
  checked: Map<string, Promise<string[]>>;
  running: number;
  waiting: (() => void)[];
}

declare global {
  // Shared by every test file of the run (one process): one JVM, not one per file.
  var __cardfileHtmlChecker: Checker | undefined;
}

function checker(): Checker {
  globalThis.__cardfileHtmlChecker ??= { url: start(), checked: new Map(), running: 0, waiting: [] };
  return globalThis.__cardfileHtmlChecker;
}

async function start(): Promise<string | null> {
  if (!existsSync(JAVA)) {
    const problem = `Java is not at ${JAVA} (apt-get install -y default-jre-headless, or set JAVA_PATH): the HTML check needs it`;
    if (CI) throw new Error(problem);
    console.warn(`WARNING: ${problem}; pages are not checked`);
    return null;
  }
  const jar = createRequire(import.meta.url)("vnu-jar") as string;
  const port = await freePort();
  let output = "";
  // A small shell in between ends the JVM when this process is gone, even if
  // it dies without running its exit handlers.
  const watchdog = `"$@" & java=$!; trap 'kill $java 2>/dev/null; exit 0' TERM INT EXIT; while kill -0 ${process.pid} 2>/dev/null && kill -0 $java 2>/dev/null; do sleep 1; done`;
  const child: ChildProcess = spawn(
    "sh",
    ["-c", watchdog, "vnu", JAVA, "-Xss1m", "-Dnu.validator.servlet.bind-address=127.0.0.1", "-cp", jar, "nu.validator.servlet.Main", String(port)],
    { stdio: ["ignore", "pipe", "pipe"] },
  );
  const keep = (chunk: Buffer) => (output = (output + chunk.toString()).slice(-5_000));
  child.stdout!.on("data", keep);
  child.stderr!.on("data", keep);
  child.unref();
  (child.stdout as unknown as { unref?: () => void }).unref?.();
  (child.stderr as unknown as { unref?: () => void }).unref?.();
  process.once("exit", () => child.kill("SIGTERM"));

  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + READY_TIMEOUT_MS;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) break;
    const ok = await fetch(`${url}/`, { signal: AbortSignal.timeout(2_000) }).then((r) => r.ok, () => false);
    if (ok) return url;
    await new Promise((r) => setTimeout(r, 200));
  }
  child.kill("SIGTERM");
  throw new Error(`the Nu Html Checker did not start within ${READY_TIMEOUT_MS / 1000} s:\n${output}`);
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once("error", reject);
    probe.listen(0, "127.0.0.1", () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => resolve(port));
    });
  });
}

/** What makes two renders of one page differ without changing their markup's validity. */
function keyOf(html: string): string {
  const normalized = html
    .replace(/\bnonce="[^"]*"/g, 'nonce=""')
    .replace(/[A-Za-z0-9_-]{22}/g, "~id~")
    .replace(/\d{4}-\d\d-\d\dT[\d:.]+Z/g, "~time~");
  return createHash("sha256").update(normalized).digest("base64url");
}

async function slot<T>(c: Checker, run: () => Promise<T>): Promise<T> {
  while (c.running >= IN_FLIGHT) await new Promise<void>((resolve) => c.waiting.push(resolve));
  c.running++;
  try {
    return await run();
  } finally {
    c.running--;
    c.waiting.shift()?.();
  }
}

interface VnuMessage {
  type: string;
  subType?: string;
  message: string;
  lastLine?: number;
  firstColumn?: number;
  extract?: string;
}

/**
 * The checker's errors for one HTML document, each as "line:column message
 * (extract)"; an empty list when it is valid or the check is skipped.
 */
export function htmlErrors(html: string): Promise<string[]> {
  const c = checker();
  const key = keyOf(html);
  let result = c.checked.get(key);
  if (!result) {
    result = c.url.then((url) => {
      if (url === null) return [];
      return slot(c, async () => {
        const response = await fetch(`${url}/?out=json`, {
          method: "POST",
          headers: { "Content-Type": "text/html; charset=utf-8" },
          body: html,
          signal: AbortSignal.timeout(30_000),
        });
        if (!response.ok) return [`the checker answered ${response.status}`];
        const { messages } = (await response.json()) as { messages: VnuMessage[] };
        return messages
          .filter((m) => m.type === "error" || m.type === "non-document-error")
          .map((m) => `${m.lastLine ?? "?"}:${m.firstColumn ?? "?"} ${m.subType === "fatal" ? "(fatal) " : ""}${m.message}${m.extract ? ` in ${JSON.stringify(m.extract.trim())}` : ""}`);
      });
    });
    c.checked.set(key, result);
  }
  return result;
}
