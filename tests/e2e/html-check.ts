import { createHash } from "node:crypto";
import { inject } from "vitest";
import { startChecker } from "./html-check.global";

// The Nu Html Checker (vnu.jar, from the vnu-jar package) over every
// document the browser suite receives: tests/e2e/browser.ts hands each one
// here, and a test that was shown invalid HTML fails (decision 0028).
//
// One checker for the whole e2e run: vnu's own HTTP service, started by the
// e2e project's global setup (html-check.global.ts; a JVM takes a few
// seconds) and named to the test files by inject("htmlCheckerURL"). A test
// process without it (another config) starts one of its own on first use.
// Identical documents (up to nonces and ids) are checked once per test
// process, a few at a time, while the tests go on.

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
  // Shared by the test files one process runs: checked documents, and a checker started here if none was provided.
  var __cardfileHtmlChecker: Checker | undefined;
}

function checker(): Checker {
  globalThis.__cardfileHtmlChecker ??= { url: providedOrStarted(), checked: new Map(), running: 0, waiting: [] };
  return globalThis.__cardfileHtmlChecker;
}

async function providedOrStarted(): Promise<string | null> {
  const provided = inject("htmlCheckerURL") as string | undefined;
  if (provided !== undefined) return provided || null;
  const started = await startChecker();
  process.once("exit", () => started.stop());
  return started.url;
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
          .map(
            (m) =>
              `${m.lastLine ?? "?"}:${m.firstColumn ?? "?"} ${m.subType === "fatal" ? "(fatal) " : ""}${m.message}${m.extract ? ` in ${JSON.stringify(m.extract.trim())}` : ""}`,
          );
      });
    });
    c.checked.set(key, result);
  }
  return result;
}
