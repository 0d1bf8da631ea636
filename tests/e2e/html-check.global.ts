import { spawn, type ChildProcess } from "node:child_process";
import { existsSync } from "node:fs";
import { createRequire } from "node:module";
import type { TestProject } from "vitest/node";
import { freePort } from "./spawn-server";

// The Nu Html Checker's HTTP service, once for the whole e2e run: every test
// file, in every fork, sends its pages there (html-check.ts, decision 0028).
// Global setups run outside the test workers: nothing here may import
// vitest's runtime.
//
// Java is required under CI=true (like Chromium, see tests/run.js);
// elsewhere a missing Java skips the check with one warning.

const JAVA = process.env.JAVA_PATH ?? "/usr/bin/java";
const CI = ["true", "1"].includes(String(process.env.CI).toLowerCase());
const READY_TIMEOUT_MS = 60_000;

declare module "vitest" {
  export interface ProvidedContext {
    /** the Nu Html Checker's base URL; "" when the check is skipped (no Java, outside CI) */
    htmlCheckerURL: string;
  }
}

export default async function setup(project: TestProject) {
  const checker = await startChecker();
  project.provide("htmlCheckerURL", checker.url ?? "");
  return () => checker.stop();
}

/**
 * Starts vnu's HTTP service on a free loopback port; its URL is null (and
 * one warning printed) when Java is missing outside CI. Under CI=true a
 * missing Java is an error.
 */
export async function startChecker(): Promise<{ url: string | null; stop: () => void }> {
  if (!existsSync(JAVA)) {
    const problem = `Java is not at ${JAVA} (apt-get install -y default-jre-headless, or set JAVA_PATH): the HTML check needs it`;
    if (CI) throw new Error(problem);
    console.warn(`WARNING: ${problem}; pages are not checked`);
    return { url: null, stop: () => {} };
  }
  const jar = createRequire(import.meta.url)("vnu-jar") as string;
  const port = await freePort();
  let output = "";
  // A small shell in between ends the JVM when this process is gone, even if
  // it dies without running its exit handlers.
  const watchdog = `"$@" & java=$!; trap 'kill $java 2>/dev/null; exit 0' TERM INT EXIT; while kill -0 ${process.pid} 2>/dev/null && kill -0 $java 2>/dev/null; do sleep 1; done`;
  const child: ChildProcess = spawn(
    "sh",
    [
      "-c",
      watchdog,
      "vnu",
      JAVA,
      "-Xss1m",
      "-Dnu.validator.servlet.bind-address=127.0.0.1",
      "-cp",
      jar,
      "nu.validator.servlet.Main",
      String(port),
    ],
    { stdio: ["ignore", "pipe", "pipe"] },
  );
  const keep = (chunk: Buffer) => (output = (output + chunk.toString()).slice(-5_000));
  child.stdout!.on("data", keep);
  child.stderr!.on("data", keep);
  child.unref();
  (child.stdout as unknown as { unref?: () => void }).unref?.();
  (child.stderr as unknown as { unref?: () => void }).unref?.();
  const stop = () => {
    if (child.exitCode === null && child.signalCode === null) child.kill("SIGTERM");
  };

  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + READY_TIMEOUT_MS;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) break;
    const ok = await fetch(`${url}/`, { signal: AbortSignal.timeout(2_000) }).then(
      (r) => r.ok,
      () => false,
    );
    if (ok) return { url, stop };
    await new Promise((r) => setTimeout(r, 200));
  }
  child.kill("SIGTERM");
  throw new Error(`the Nu Html Checker did not start within ${READY_TIMEOUT_MS / 1000} s:\n${output}`);
}
