import { inject } from "vitest";

// Runs in each e2e fork before its test file: hands the file the one Nu Html
// Checker that the global setup started for the run (tests/e2e/global-setup.ts),
// where tests/e2e/html-check.ts looks for its checker (globalThis), so that
// no fork starts a JVM of its own. Without a URL (no Java, or no check) the
// check decides for itself, as it would alone.
const url = inject("htmlCheckerUrl");
const shared = globalThis as unknown as { __cardfileHtmlChecker?: unknown };
if (url) shared.__cardfileHtmlChecker ??= { url: Promise.resolve(url), checked: new Map(), running: 0, waiting: [] };
