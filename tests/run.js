#!/usr/bin/env node
// `npm test`: every suite in one vitest run, ending with one summary line:
//   tests: N passed, N failed[, N skipped]
// Suites that need PostgreSQL or Chromium are skipped with a warning when
// those are missing, except under CI=true, where a missing one fails the run.
// Extra arguments go to vitest (e.g. `npm test -- app/contacts`).
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import pg from "pg";

const ci = ["true", "1"].includes(String(process.env.CI).toLowerCase());
const postgresUrl = process.env.TEST_POSTGRES_URL ?? "postgres://postgres@127.0.0.1:5432/postgres";
const chromiumPath = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
const resultsFile = "test-results/vitest.json";
const summaryFile = "test-results/summary.txt";

const projects = ["unit", "sqlite"];
const missing = [];

try {
  const client = new pg.Client({ connectionString: postgresUrl, connectionTimeoutMillis: 3000 });
  await client.connect();
  await client.end();
  projects.push("postgres");
} catch (error) {
  missing.push(`PostgreSQL at ${postgresUrl} is not reachable (${error.message}): the postgres suite needs it`);
}

if (existsSync(chromiumPath)) projects.push("e2e");
else missing.push(`Chromium is not at ${chromiumPath} (apt-get install -y chromium, or set CHROMIUM_PATH): the e2e suite needs it`);

mkdirSync("test-results", { recursive: true });
for (const problem of missing) console.warn(`${ci ? "ERROR" : "WARNING"}: ${problem}${ci ? "" : "; skipping that suite"}`);
if (ci && missing.length) {
  finish(`tests: 0 passed, ${missing.length} failed`, 1);
}

const args = ["vitest", "run", ...projects.flatMap((p) => ["--project", p])];
args.push("--reporter=default", "--reporter=json", `--outputFile.json=${resultsFile}`, ...process.argv.slice(2));
const run = spawnSync("npx", args, { stdio: "inherit" });

let summary = "tests: 0 passed, 1 failed";
try {
  const r = JSON.parse(readFileSync(resultsFile, "utf8"));
  const skipped = r.numPendingTests + r.numTodoTests;
  // A file that fails to load (syntax error, failed setup) has no tests in it: count it as a failure.
  const brokenFiles = r.testResults.filter((f) => f.status === "failed" && f.assertionResults.length === 0).length;
  summary = `tests: ${r.numPassedTests} passed, ${r.numFailedTests + brokenFiles} failed${skipped ? `, ${skipped} skipped` : ""}`;
} catch {
  // vitest died before writing results: the default summary says so.
}
if (!ci && missing.length) console.warn(`Skipped suites: ${missing.length} (see the warnings above).`);
finish(summary, run.status ?? 1);

function finish(line, status) {
  writeFileSync(summaryFile, `${line}\n`);
  console.log(line);
  process.exit(status);
}
