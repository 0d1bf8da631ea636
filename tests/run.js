#!/usr/bin/env node
// `npm test`: every suite, ending with one summary line:
//   tests: N passed, N failed[, N skipped]
// Suites that need PostgreSQL, PgBouncer or Chromium are skipped with a warning when
// those are missing, except under CI=true, where a missing one fails the run.
// Extra arguments go to vitest (e.g. `npm test -- app/contacts`); `--project
// NAME` picks suites (`npm test -- --project e2e`).
//
// Two vitest processes, one after the other: unit, sqlite, postgres and
// pgbouncer (the postgres suite's tests through PgBouncer) with
// vitest's default forks (one file at a time on a 2-core machine), then e2e
// with E2E_FORKS forks (default 2) side by side. Vitest has one fork pool for
// all the projects of a process, so the e2e suite's forks are set for its own
// process (docs/decisions/0027-test-infrastructure.md).
//
// Also:
//   node tests/run.js --bench-smoke         the bench smoke (CI runs it as a step of its own)
//   node tests/run.js --summary NAME…       adds up the counts of earlier runs (test-results/counts/NAME.json),
//                                           a missing one counting as a failure; prints and writes the total
// Each run writes test-results/summary.txt (its line) and test-results/counts/NAME.json
// (NAME: "suite" for npm test, "bench-smoke").
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import pg from "pg";

const ci = ["true", "1"].includes(String(process.env.CI).toLowerCase());
const postgresUrl = process.env.TEST_POSTGRES_URL ?? "postgres://postgres@127.0.0.1:5432/postgres";
const chromiumPath = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
const pgbouncerPath = process.env.PGBOUNCER_PATH ?? "/usr/sbin/pgbouncer";
const e2eForks = process.env.E2E_FORKS ?? "2";
const summaryFile = "test-results/summary.txt";
const countsDir = "test-results/counts";

mkdirSync(countsDir, { recursive: true });
const argv = process.argv.slice(2);

if (argv[0] === "--summary") summarize(argv.slice(1));
else if (argv[0] === "--bench-smoke") {
  const run = vitest("bench-smoke", ["bench-smoke"], argv.slice(1));
  finish("bench-smoke", [run], []);
} else await suite(argv);

async function suite(args) {
  // --project NAME (or --project=NAME): only those suites.
  const requested = [];
  const rest = [];
  for (let i = 0; i < args.length; i++) {
    const match = /^--project(?:=(.*))?$/.exec(args[i]);
    if (!match) rest.push(args[i]);
    else requested.push(match[1] ?? args[++i]);
  }
  const wanted = (name) => requested.length === 0 || requested.includes(name);
  const projects = ["unit", "sqlite"].filter(wanted);
  const missing = [];

  // Postgres serves two suites: the postgres suite, and the same tests through PgBouncer.
  let postgresProblem;
  if (wanted("postgres") || wanted("pgbouncer")) {
    try {
      const client = new pg.Client({ connectionString: postgresUrl, connectionTimeoutMillis: 3000 });
      await client.connect();
      await client.end();
    } catch (error) {
      postgresProblem = `PostgreSQL at ${postgresUrl} is not reachable (${error.message})`;
    }
  }
  if (wanted("postgres")) {
    if (postgresProblem) missing.push(`${postgresProblem}: the postgres suite needs it`);
    else projects.push("postgres");
  }
  if (wanted("pgbouncer")) {
    if (postgresProblem) missing.push(`${postgresProblem}: the pgbouncer suite needs it`);
    else if (spawnSync(pgbouncerPath, ["--version"]).status === 0) projects.push("pgbouncer");
    else
      missing.push(
        `PgBouncer is not at ${pgbouncerPath} (apt-get install -y pgbouncer, or set PGBOUNCER_PATH): the pgbouncer suite needs it`,
      );
  }
  if (wanted("e2e")) {
    if (existsSync(chromiumPath)) projects.push("e2e");
    else missing.push(`Chromium is not at ${chromiumPath} (apt-get install -y chromium, or set CHROMIUM_PATH): the e2e suite needs it`);
  }
  const unknown = requested.filter((name) => !["unit", "sqlite", "postgres", "pgbouncer", "e2e"].includes(name));
  if (unknown.length) {
    console.error(
      `ERROR: no suite named ${unknown.join(", ")} (suites: unit, sqlite, postgres, pgbouncer, e2e; node tests/run.js --bench-smoke for the bench smoke)`,
    );
    finish("suite", [], [], 1);
  }

  for (const problem of missing) console.warn(`${ci ? "ERROR" : "WARNING"}: ${problem}${ci ? "" : "; skipping that suite"}`);
  if (ci && missing.length) finish("suite", [], missing);

  const runs = [];
  const fast = projects.filter((p) => p !== "e2e");
  if (fast.length) runs.push(vitest("suite", fast, rest));
  if (projects.includes("e2e")) runs.push(vitest("e2e", ["e2e"], rest, { VITEST_MAX_FORKS: e2eForks }));
  if (!ci && missing.length) console.warn(`Skipped suites: ${missing.length} (see the warnings above).`);
  finish("suite", runs, ci ? missing : []);
}

/** One vitest process over `projects`; its results in test-results/vitest-NAME.json. */
function vitest(name, projects, extra, env = {}) {
  const resultsFile = `test-results/vitest-${name}.json`;
  rmSync(resultsFile, { force: true });
  const args = ["vitest", "run", ...projects.flatMap((p) => ["--project", p])];
  // A filter (npm test -- app/contacts) may match nothing in one of the processes: the total decides.
  args.push("--passWithNoTests", "--reporter=default", "--reporter=json", `--outputFile.json=${resultsFile}`, ...extra);
  const run = spawnSync("npx", args, { stdio: "inherit", env: { ...process.env, ...env } });
  return { name, status: run.status ?? 1, counts: countsOf(resultsFile) };
}

function countsOf(resultsFile) {
  try {
    const r = JSON.parse(readFileSync(resultsFile, "utf8"));
    // A file that failed with no failed test in it (a syntax error, a failed
    // beforeAll: its tests are skipped or absent) counts as one failure.
    const brokenFiles = r.testResults.filter((f) => f.status === "failed" && !f.assertionResults.some((a) => a.status === "failed")).length;
    return {
      passed: r.numPassedTests,
      failed: r.numFailedTests + brokenFiles,
      skipped: r.numPendingTests + r.numTodoTests,
      files: r.testResults.length,
    };
  } catch {
    // vitest died before writing results.
    return null;
  }
}

function line({ passed, failed, skipped }) {
  return `tests: ${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ""}`;
}

/** Writes this run's counts and summary line, prints the line last, exits. */
function finish(name, runs, missing, forcedStatus) {
  const total = { passed: 0, failed: missing.length, skipped: 0 };
  let status = forcedStatus ?? (missing.length ? 1 : 0);
  for (const run of runs) {
    if (run.status !== 0) status = 1;
    if (!run.counts) {
      total.failed += 1; // no results at all: a failure, whatever vitest's status
      status = 1;
      continue;
    }
    total.passed += run.counts.passed;
    total.failed += run.counts.failed;
    total.skipped += run.counts.skipped;
  }
  const files = runs.reduce((n, run) => n + (run.counts?.files ?? 0), 0);
  if (runs.length && files === 0) {
    console.error("ERROR: no test files matched");
    total.failed += 1;
    status = 1;
  }
  if (total.failed) status = 1;
  writeFileSync(`${countsDir}/${name}.json`, `${JSON.stringify({ ...total, status })}\n`);
  const summary = line(total);
  writeFileSync(summaryFile, `${summary}\n`);
  console.log(summary);
  process.exit(status);
}

/** The sum of earlier runs' counts; a run whose counts are missing is a failure. */
function summarize(names) {
  const total = { passed: 0, failed: 0, skipped: 0 };
  let status = 0;
  for (const name of names) {
    try {
      const counts = JSON.parse(readFileSync(`${countsDir}/${name}.json`, "utf8"));
      total.passed += counts.passed;
      total.failed += counts.failed;
      total.skipped += counts.skipped;
      if (counts.status !== 0) status = 1;
    } catch {
      console.error(`ERROR: no counts from the ${name} run (${countsDir}/${name}.json)`);
      total.failed += 1;
      status = 1;
    }
  }
  if (total.failed) status = 1;
  const summary = line(total);
  writeFileSync(summaryFile, `${summary}\n`);
  console.log(summary);
  process.exit(status);
}
