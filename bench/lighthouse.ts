// npm run lighthouse: Lighthouse's default mobile profile (a mid-range phone
// on slow 4G, simulated) on /login signed out and /contacts signed in with 50
// contacts, against the production build served by server.js. It prints the
// four category scores, writes bench/results/lighthouse.json and fails when a
// target is missed. See docs/decisions/0023-lighthouse.md.
import { spawn } from "node:child_process";
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { constants, gzipSync } from "node:zlib";
import * as chromeLauncher from "chrome-launcher";
import lighthouse, { generateReport, type Result } from "lighthouse";
import { APP_FILES } from "#bench/lib/systems";
import { startServer as spawnServer } from "#tests/e2e/spawn-server";

const root = path.resolve(fileURLToPath(new URL("..", import.meta.url)));
const RESULTS_FILE = path.join(root, "bench/results/lighthouse.json");
const CHROMIUM_PATH = process.env.CHROMIUM_PATH || "/usr/bin/chromium";
const CHROME_FLAGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];
const CATEGORIES = ["performance", "accessibility", "best-practices", "seo"] as const;
type Category = (typeof CATEGORIES)[number];
/** The issue's targets, as Lighthouse scores out of 100. SEO is reported, not a target. */
const TARGETS: Partial<Record<Category, number>> = { performance: 95, accessibility: 100, "best-practices": 100 };
/** Gzip -9 budgets for what a hydrated /contacts loads; 1 KB = 1,000 bytes, as in 0021. */
const BUDGETS = { js: 95_000, css: 10_000 };
const CONTACTS = 50;
const READY_TIMEOUT_MS = 30_000;

const HELP = `npm run lighthouse [-- options]

Builds Cardfile in a private copy, serves it with server.js over a fresh SQLite
database, signs up a user with ${CONTACTS} contacts, and runs Lighthouse (mobile)
on /login (signed out) and /contacts (signed in) in ${CHROMIUM_PATH}.

  --runs N     Lighthouse runs per page; the run with the median performance
               score is reported (default 3)
  --no-fail    exit 0 even when a target is missed
  --reports DIR
               also write each run's full report there (HTML and JSON)
  --help       this text

Targets: performance >= 95, accessibility 100, best practices 100.
Results: bench/results/lighthouse.json`;

const log = (line: string) => process.stderr.write(`lighthouse: ${line}\n`);

// ---------------------------------------------------------------------------
// Cleanup runs in every case: success, failure, Ctrl-C or SIGTERM.

const cleanups: (() => Promise<void> | void)[] = [];
async function cleanUp() {
  while (cleanups.length) {
    try {
      await cleanups.pop()!();
    } catch (error) {
      log(`cleanup: ${error instanceof Error ? error.message : error}`);
    }
  }
}
for (const [signal, code] of [
  ["SIGINT", 130],
  ["SIGTERM", 143],
] as const) {
  process.once(signal, () => {
    log(`${signal}: stopping`);
    void cleanUp().finally(() => process.exit(code));
  });
}

// ---------------------------------------------------------------------------
// Build, database, server.

function run(command: string, args: string[], options: { cwd: string; env: NodeJS.ProcessEnv }): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { ...options, stdio: ["ignore", "pipe", "pipe"] });
    let output = "";
    child.stdout!.on("data", (chunk: Buffer) => (output = (output + chunk).slice(-20_000)));
    child.stderr!.on("data", (chunk: Buffer) => (output = (output + chunk).slice(-20_000)));
    child.once("error", reject);
    child.once("exit", (code, signal) =>
      code === 0 ? resolve() : reject(new Error(`${path.basename(args[0] ?? command)} failed (exit ${code ?? signal}):\n${output}`)),
    );
  });
}

/** Only what production needs: nothing of this shell's NODE_ENV or test settings. */
function productionEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { PATH: process.env.PATH, HOME: process.env.HOME, TZ: process.env.TZ, NODE_ENV: "production", ...extra };
  for (const key of Object.keys(env)) if (env[key] === undefined) delete env[key];
  return env;
}

/**
 * The production build, made in a private copy of the sources (as `npm run
 * bench` does): build/ in the checkout belongs to the tests, which rebuild it
 * at any time, and a stale build would measure old code.
 */
async function buildApp(dir: string) {
  for (const file of APP_FILES) cpSync(path.join(root, file), path.join(dir, file), { recursive: true });
  symlinkSync(path.join(root, "node_modules"), path.join(dir, "node_modules"), "dir");
  await run(process.execPath, [path.join(root, "node_modules/@remix-run/dev/dist/cli.js"), "vite:build"], {
    cwd: dir,
    env: productionEnv({}),
  });
  const serverBuild = readFileSync(path.join(dir, "build/server/index.js"), "utf8");
  const missing = [...new Set(serverBuild.match(/\/assets\/[\w.-]+\.(?:js|css)/g) ?? [])].filter(
    (asset) => !existsSync(path.join(dir, "build/client", asset)),
  );
  if (missing.length) throw new Error(`the build is incomplete; missing ${missing.join(", ")}`);
}

/** server.js over the private copy in `dir` (its own server.js and build/), on port 0, with the tests' spawner. */
async function startServer(dir: string, databaseUrl: string): Promise<string> {
  const server = await spawnServer({
    appDir: dir,
    script: path.join(dir, "server.js"),
    env: { DATABASE_URL: databaseUrl },
    timeoutMs: READY_TIMEOUT_MS,
  });
  cleanups.push(async () => {
    await server.stop(5_000);
    // Errors the server logged while Lighthouse ran are worth seeing.
    if (/error/i.test(server.logs())) log(`server output:\n${server.logs()}`);
  });
  const res = await fetch(`${server.baseURL}/login`, { signal: AbortSignal.timeout(10_000) });
  await res.arrayBuffer();
  if (res.status !== 200) throw new Error(`server.js answered GET /login with ${res.status}:\n${server.logs()}`);
  return server.baseURL;
}

// ---------------------------------------------------------------------------
// A signed-in user with contacts, made through the app's own forms.

/** A form POST as a browser sends it: same Origin, or server.js refuses it. */
async function post(baseURL: string, pathname: string, fields: Record<string, string>, cookie = "") {
  const res = await fetch(baseURL + pathname, {
    method: "POST",
    body: new URLSearchParams(fields),
    redirect: "manual",
    headers: { Origin: baseURL, ...(cookie ? { Cookie: cookie } : {}) },
  });
  if (res.status !== 303) throw new Error(`POST ${pathname} answered ${res.status}, not 303:\n${(await res.text()).slice(0, 2_000)}`);
  return res;
}

const FIRST = ["Ada", "Grace", "Alan", "Katherine", "Linus", "Margaret", "Edsger", "Barbara", "Donald", "Frances"];
const LAST = ["Lovelace", "Hopper", "Turing", "Johnson", "Torvalds", "Hamilton", "Dijkstra", "Liskov", "Knuth", "Allen"];
const COMPANIES = [
  "Analytical Engines Ltd",
  "Compiler Works",
  null,
  "Orbital Mechanics Inc.",
  "Kernel & Co",
  "Apollo Guidance",
  null,
  "Abstraction Labs",
];

async function signUpWithContacts(baseURL: string): Promise<string> {
  const signup = await post(baseURL, "/signup", { email: "lighthouse@example.com", password: "correct horse battery staple" });
  const session = signup.headers
    .getSetCookie()
    .map((c) => c.split(";")[0]!)
    .find((c) => c.startsWith("cardfile_session="));
  if (!session) throw new Error("the sign-up set no session cookie");
  for (let i = 0; i < CONTACTS; i++) {
    const first = FIRST[i % FIRST.length]!;
    const last = LAST[Math.floor(i / FIRST.length) % LAST.length]!;
    await post(
      baseURL,
      "/contacts/new",
      {
        name: `${first} ${last}`,
        email: `${first}.${last}.${i}@example.com`.toLowerCase(),
        company: COMPANIES[i % COMPANIES.length] ?? "",
        phone: `+44 20 7946 ${String(i).padStart(4, "0")}`,
        notes: i % 3 === 0 ? "Met at the conference; follow up in spring." : "",
      },
      session,
    );
  }
  return session;
}

// ---------------------------------------------------------------------------
// Lighthouse.

interface FailingAudit {
  id: string;
  title: string;
  category: Category;
  score: number;
  /** 0 for diagnostics that do not count towards the category score */
  weight: number;
  displayValue?: string;
  /** the first few of what the audit found, outside performance (where they are long and advisory) */
  items?: unknown[];
}

interface PageResult {
  path: string;
  signedIn: boolean;
  scores: Record<Category, number>;
  performanceRuns: number[];
  metrics: Record<string, string | undefined>;
  failingAudits: FailingAudit[];
}

/** A run Lighthouse itself could not complete (NO_NAVSTART and the like): its advice is to run again. */
class RuntimeError extends Error {}
const ATTEMPTS = 3;

/** One Lighthouse run in a fresh Chromium with a fresh profile. */
async function lighthouseRun(url: string, profileDir: string, cookie: string | null): Promise<Result> {
  const chrome = await chromeLauncher.launch({
    chromePath: CHROMIUM_PATH,
    chromeFlags: [...CHROME_FLAGS],
    userDataDir: profileDir,
    handleSIGINT: false, // our own handler stops the server and removes the files too
    logLevel: "silent",
  });
  const kill = () => chrome.kill();
  cleanups.push(kill);
  try {
    // No config: Lighthouse's default, the mobile form factor with simulated slow 4G and 4x CPU slowdown.
    const result = await lighthouse(url, {
      port: chrome.port,
      logLevel: "error",
      onlyCategories: [...CATEGORIES],
      extraHeaders: cookie ? { Cookie: cookie } : undefined,
    });
    if (!result) throw new Error(`Lighthouse returned no result for ${url}`);
    const { lhr } = result;
    if (lhr.runtimeError) throw new RuntimeError(`Lighthouse failed on ${url}: ${lhr.runtimeError.code} ${lhr.runtimeError.message}`);
    // A lost session would quietly measure the log-in page instead.
    if (new URL(lhr.finalDisplayedUrl).pathname !== new URL(url).pathname) {
      throw new Error(`${url} ended at ${lhr.finalDisplayedUrl}`);
    }
    return lhr;
  } finally {
    const pending = cleanups.indexOf(kill);
    if (pending >= 0) {
      cleanups.splice(pending, 1);
      kill();
    }
  }
}

const score = (lhr: Result, category: Category) => Math.round((lhr.categories[category]?.score ?? 0) * 100);

function failingAudits(lhr: Result): FailingAudit[] {
  const failing: FailingAudit[] = [];
  for (const category of CATEGORIES) {
    for (const ref of lhr.categories[category]?.auditRefs ?? []) {
      const audit = lhr.audits[ref.id];
      if (!audit || audit.score === null || audit.score >= 1) continue;
      if (!["binary", "numeric", "metricSavings"].includes(audit.scoreDisplayMode)) continue;
      const items = category === "performance" ? undefined : (audit.details as { items?: unknown[] } | undefined)?.items?.slice(0, 5);
      failing.push({
        id: audit.id,
        title: audit.title,
        category,
        score: audit.score,
        weight: ref.weight,
        displayValue: audit.displayValue,
        items,
      });
    }
  }
  return failing;
}

async function measurePage(
  baseURL: string,
  pathname: string,
  cookie: string | null,
  options: { runs: number; workDir: string; reports?: string },
) {
  const lhrs: Result[] = [];
  for (let i = 0; i < options.runs; i++) {
    log(`${pathname}: run ${i + 1} of ${options.runs}`);
    let lhr: Result | undefined;
    for (let attempt = 1; !lhr; attempt++) {
      const profileDir = mkdtempSync(path.join(options.workDir, "profile-"));
      try {
        lhr = await lighthouseRun(baseURL + pathname, profileDir, cookie);
      } catch (error) {
        if (!(error instanceof RuntimeError) || attempt === ATTEMPTS) throw error;
        log(`${error.message}; trying again`);
      } finally {
        rmSync(profileDir, { recursive: true, force: true, maxRetries: 5 });
      }
    }
    lhrs.push(lhr);
    if (options.reports) {
      const name = path.join(options.reports, `${pathname.slice(1).replace(/\W+/g, "-") || "root"}-${i + 1}`);
      writeFileSync(`${name}.report.html`, generateReport(lhr, "html"));
      writeFileSync(`${name}.report.json`, JSON.stringify(lhr));
    }
  }
  // Performance varies from run to run; the other categories barely do.
  const byPerformance = [...lhrs].sort((a, b) => score(a, "performance") - score(b, "performance"));
  const median = byPerformance[Math.floor((byPerformance.length - 1) / 2)]!;
  const metric = (id: string) => median.audits[id]?.displayValue;
  const page: PageResult = {
    path: pathname,
    signedIn: cookie !== null,
    scores: Object.fromEntries(CATEGORIES.map((c) => [c, score(median, c)])) as Record<Category, number>,
    performanceRuns: lhrs.map((lhr) => score(lhr, "performance")),
    metrics: {
      "first-contentful-paint": metric("first-contentful-paint"),
      "largest-contentful-paint": metric("largest-contentful-paint"),
      "total-blocking-time": metric("total-blocking-time"),
      "cumulative-layout-shift": metric("cumulative-layout-shift"),
      "speed-index": metric("speed-index"),
    },
    failingAudits: failingAudits(median),
  };
  return { page, lhr: median };
}

/**
 * The scripts and stylesheets a page loads, each gzipped at level 9 from the
 * build: those Chromium fetched during the Lighthouse run, and those its HTML
 * names (modulepreload links, the inline module script's imports, the
 * stylesheet link), should one have escaped the trace.
 */
function assetSizes(lhr: Result, html: string, baseURL: string, clientDir: string) {
  const items = (lhr.audits["network-requests"]?.details as { items?: { url: string; resourceType?: string }[] } | undefined)?.items ?? [];
  const href = (tag: string) => /href="([^"]+)"/.exec(tag)?.[1] ?? "";
  const links = (rel: string) => (html.match(new RegExp(`<link[^>]*rel="${rel}"[^>]*>`, "g")) ?? []).map(href);
  const inlineImports = [...html.matchAll(/<script[^>]*type="module"[^>]*>([\s\S]*?)<\/script>/g)].flatMap(([, script]) =>
    [...script!.matchAll(/import\s*(?:\*\s*as\s+\w+\s+from\s*)?\(?\s*"([^"]+)"/g)].map((m) => m[1]!),
  );
  const named = [...links("modulepreload"), ...inlineImports, ...links("stylesheet")].filter((file) => file.startsWith("/assets/"));
  const sizes = (type: string, extension: string) => {
    const fetched = items.filter((i) => i.resourceType === type && i.url.startsWith(baseURL + "/")).map((i) => new URL(i.url).pathname);
    const files = [...new Set([...fetched, ...named.filter((file) => file.endsWith(extension))])].sort().map((file) => ({
      file,
      gzipBytes: gzipSync(readFileSync(path.join(clientDir, file)), { level: constants.Z_BEST_COMPRESSION }).length,
    }));
    return { files, totalGzipBytes: files.reduce((sum, f) => sum + f.gzipBytes, 0) };
  };
  return { js: sizes("Script", ".js"), css: sizes("Stylesheet", ".css") };
}

// ---------------------------------------------------------------------------

async function main() {
  const { values } = parseArgs({
    options: {
      runs: { type: "string", default: "3" },
      "no-fail": { type: "boolean", default: false },
      reports: { type: "string" },
      help: { type: "boolean", default: false },
    },
  });
  if (values.help) {
    console.log(HELP);
    return;
  }
  const runs = Number(values.runs);
  if (!Number.isInteger(runs) || runs < 1 || runs > 20) throw new UsageError("--runs takes a whole number from 1 to 20");
  if (!existsSync(CHROMIUM_PATH)) throw new Error(`no Chromium at ${CHROMIUM_PATH} (set CHROMIUM_PATH)`);

  const dir = mkdtempSync(path.join(tmpdir(), "cardfile-lighthouse-"));
  // Unlinks the node_modules symlink, not its target.
  cleanups.push(() => rmSync(dir, { recursive: true, force: true, maxRetries: 5 }));

  log("building (remix vite:build, in a private copy of the sources)");
  await buildApp(dir);
  const databaseUrl = `file:${path.join(dir, "lighthouse.sqlite")}`;
  await run(process.execPath, [path.join(root, "node_modules/tsx/dist/cli.mjs"), "scripts/migrate.ts"], {
    cwd: dir,
    env: productionEnv({ DATABASE_URL: databaseUrl }),
  });
  const baseURL = await startServer(dir, databaseUrl);
  log(`server.js at ${baseURL}; signing up and creating ${CONTACTS} contacts`);
  const cookie = await signUpWithContacts(baseURL);

  const reports = values.reports ? path.resolve(values.reports) : undefined;
  if (reports) mkdirSync(reports, { recursive: true });
  const login = await measurePage(baseURL, "/login", null, { runs, workDir: dir, reports });
  const contacts = await measurePage(baseURL, "/contacts", cookie, { runs, workDir: dir, reports });
  const pages = [login.page, contacts.page];
  const contactsHtml = await (await fetch(`${baseURL}/contacts`, { headers: { Cookie: cookie } })).text();
  const assets = assetSizes(contacts.lhr, contactsHtml, baseURL, path.join(dir, "build/client"));

  const missed: string[] = [];
  for (const page of pages) {
    for (const [category, target] of Object.entries(TARGETS) as [Category, number][]) {
      if (page.scores[category] < target) missed.push(`${page.path} ${category} ${page.scores[category]} < ${target}`);
    }
  }

  const table = [
    ["page", ...CATEGORIES],
    ...pages.map((p) => [p.path, ...CATEGORIES.map((c) => String(p.scores[c]))]),
    ["target", ...CATEGORIES.map((c) => (TARGETS[c] === undefined ? "-" : `>= ${TARGETS[c]}`))],
  ];
  const widths = table[0]!.map((_, i) => Math.max(...table.map((row) => row[i]!.length)));
  console.log(
    table
      .map((row) =>
        row
          .map((cell, i) => cell.padEnd(widths[i]!))
          .join("  ")
          .trimEnd(),
      )
      .join("\n"),
  );
  for (const page of pages) {
    console.log(
      `\n${page.path}: performance runs ${page.performanceRuns.join(", ")}; ${Object.entries(page.metrics)
        .map(([k, v]) => `${k} ${v}`)
        .join(", ")}`,
    );
    const diagnostics = page.failingAudits.filter((a) => a.weight === 0).length;
    for (const audit of page.failingAudits.filter((a) => a.weight > 0)) {
      console.log(`  ${audit.category}: ${audit.id} (${audit.title})${audit.displayValue ? `: ${audit.displayValue}` : ""}`);
    }
    if (diagnostics) console.log(`  and ${diagnostics} diagnostics that do not count (see the JSON)`);
  }
  const kb = (bytes: number) => `${(bytes / 1000).toFixed(1)} KB`;
  console.log(
    `\n/contacts loads ${assets.js.files.length} JavaScript files, ${kb(assets.js.totalGzipBytes)} gzip -9 (budget ${kb(BUDGETS.js)}), ` +
      `and ${assets.css.files.length} stylesheet, ${kb(assets.css.totalGzipBytes)} (budget ${kb(BUDGETS.css)})`,
  );

  const lhr = contacts.lhr;
  mkdirSync(path.dirname(RESULTS_FILE), { recursive: true });
  writeFileSync(
    RESULTS_FILE,
    JSON.stringify(
      {
        date: new Date().toISOString(),
        lighthouseVersion: lhr.lighthouseVersion,
        userAgent: lhr.environment.hostUserAgent,
        benchmarkIndex: lhr.environment.benchmarkIndex,
        formFactor: lhr.configSettings.formFactor,
        throttlingMethod: lhr.configSettings.throttlingMethod,
        throttling: lhr.configSettings.throttling,
        runsPerPage: runs,
        targets: TARGETS,
        pages,
        contactsAssets: { budgets: BUDGETS, ...assets },
        missed,
      },
      null,
      2,
    ) + "\n",
  );
  console.log(`\nwrote ${path.relative(process.cwd(), RESULTS_FILE)}`);

  if (missed.length) {
    console.log(`missed: ${missed.join("; ")}`);
    if (!values["no-fail"]) process.exitCode = 1;
  } else {
    console.log("every target met");
  }
}

class UsageError extends Error {}

try {
  await main();
} catch (error) {
  if (error instanceof UsageError || (error as { code?: string }).code?.startsWith("ERR_PARSE_ARGS")) {
    console.error(`${(error as Error).message}\n\n${HELP}`);
    process.exitCode = 2;
  } else {
    console.error(error instanceof Error ? (error.stack ?? error.message) : error);
    process.exitCode = 1;
  }
} finally {
  await cleanUp();
}
