// `npm run bench`: Cardfile against a framework-free baseline and a peer
// built the seed's way (Next.js server actions), on the same data, one system
// at a time. See docs/decisions/0021-benchmark.md and `npm run bench -- --help`.
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import {
  ACCOUNT,
  allowContactWrites,
  createImportAccount,
  deleteCreatedContacts,
  deleteImportAccounts,
  endSession,
  fixturesOf,
  insertSession,
  PAGE_SIZE,
  postgresProblem,
  prepareDataset,
  root,
  type Dataset,
} from "./lib/data";
import {
  cannon,
  checkScenario,
  clientJs,
  findActionField,
  mergeRuns,
  percentile,
  problemsOf,
  rpsOf,
  sameContactsAsCardfile,
  scenariosFor,
  type RunStats,
  type Scenario,
  type Target,
} from "./lib/load";
import {
  CARDFILE_ONLY,
  isCompleteRun,
  LATENCY_CONNECTIONS,
  parseOptions,
  THROUGHPUT_CONNECTIONS,
  USAGE,
  type BenchOptions,
} from "./lib/options";
import { installCleanup, sampleRss, type Server } from "./lib/processes";
import { judgeTargets, machine, markdown, svgChart, textTable, transferText, type Results, type ScenarioResult } from "./lib/report";
import { buildCardfile, preparePeer, startSystem, type CardfileBuild } from "./lib/systems";
import {
  importFile,
  measureBulk,
  measureExports,
  measureImport,
  timeSeed,
  type BulkMeasure,
  type ExportMeasure,
  type ImportMeasure,
} from "./lib/transfers";

const PEER_DB_CLIENT =
  "better-sqlite3 and pg directly (Prisma's CLI fetches its schema engine from binaries.prisma.sh, which is not reachable here; only the npm registry is)";

/** One status line that rewrites itself on a terminal; plain lines otherwise. */
function progressLine() {
  const tty = process.stderr.isTTY;
  let shown = false;
  return {
    update(text: string) {
      if (tty) {
        process.stderr.write(`\r\x1b[K${text}`);
        shown = true;
      } else process.stderr.write(`${text}\n`);
    },
    note(text: string) {
      if (tty && shown) process.stderr.write("\r\x1b[K");
      shown = false;
      process.stderr.write(`${text}\n`);
    },
  };
}

const progress = progressLine();
const log = (line: string) => progress.note(line);

function duration(ms: number): string {
  const s = Math.round(ms / 1000);
  return s < 60 ? `${s} s` : `${Math.floor(s / 60)} min ${s % 60} s`;
}

/** Signs in through Cardfile's own log-in form, as a browser would; returns the session token. */
async function logIn(server: Server): Promise<string> {
  const response = await fetch(`${server.baseURL}/login`, {
    method: "POST",
    headers: { "Content-Type": "application/x-www-form-urlencoded", Origin: server.baseURL },
    body: new URLSearchParams({ email: ACCOUNT.email, password: ACCOUNT.password, redirectTo: "" }),
    redirect: "manual",
  });
  const cookie = response.headers.getSetCookie().find((c) => c.startsWith("cardfile_session="));
  if (response.status !== 303 || !cookie) {
    throw new Error(`logging in as ${ACCOUNT.email} answered ${response.status}: ${(await response.text()).slice(0, 500)}`);
  }
  return decodeURIComponent(cookie.slice("cardfile_session=".length).split(";")[0]!);
}

async function firstPageIds({ client, userId }: Dataset): Promise<string[]> {
  const rows = await client.all<{ id: string }>(
    "select id from contacts where owner_id = ? and deleted_at is null order by created_at desc, id desc limit ?",
    [userId, PAGE_SIZE],
  );
  return rows.map((r) => r.id);
}

/** Fewer response times than this make no percentile worth printing. */
const MIN_LATENCY_SAMPLES = 50;

/**
 * The latency run: one connection for `seconds`, run again once (twice as
 * long in all) when it has fewer than MIN_LATENCY_SAMPLES responses, so that
 * a slow system gets its percentiles from more than a handful of requests.
 */
async function latencyRun(target: Target, scenario: Scenario, seconds: number): Promise<RunStats> {
  const run = await cannon(target, scenario, LATENCY_CONNECTIONS, seconds);
  if (run.latencies.length >= MIN_LATENCY_SAMPLES) return run;
  return mergeRuns(run, await cannon(target, scenario, LATENCY_CONNECTIONS, seconds));
}

async function main(argv: string[]): Promise<number> {
  const parsed = parseOptions(argv);
  if (parsed.kind === "help") {
    console.log(USAGE);
    return 0;
  }
  if (parsed.kind === "error") {
    console.error(`bench: ${parsed.message}\nRun \`npm run bench -- --help\` for the options.`);
    return 2;
  }
  const options: BenchOptions = parsed.options;
  installCleanup();
  const startedAt = Date.now();

  if (options.dbs.includes("postgres")) {
    const problem = await postgresProblem(options.postgresUrl);
    if (problem) {
      const ci = ["true", "1"].includes(String(process.env.CI).toLowerCase());
      // The smoke skips what this machine lacks, like `npm test`; a measuring run must not.
      if (options.mode === "smoke" && !ci && options.dbs.length > 1) {
        log(`WARNING: ${problem}; skipping postgres`);
        options.dbs = options.dbs.filter((db) => db !== "postgres");
      } else {
        console.error(`bench: ${problem}. Start it, set BENCH_POSTGRES_URL, or pass --db sqlite.`);
        return 1;
      }
    }
  }

  let oneTimeMs = 0;
  if (options.systems.includes("peer")) {
    const t = Date.now();
    await preparePeer(log);
    oneTimeMs = Date.now() - t;
  }
  let cardfile: CardfileBuild | null = null;
  const results: ScenarioResult[] = [];
  const failures: string[] = [];
  const rareTerms: Record<string, string> = {};
  let deepPages = 0;
  let clientJsInfo: { gzipBytes: number; files: string[] } | null = null;
  let peerClientJs: number | null = null;
  const imports: ImportMeasure[] = [];
  const bulks: BulkMeasure[] = [];
  const exports: ExportMeasure[] = [];
  // Cardfile's alone: the others have no import or export.
  const transfers = options.systems.includes("cardfile")
    ? options.scenarios.filter((s) => s === "import" || s === "export" || s === "bulk")
    : [];
  const loadScenarios = options.scenarios.filter((s) => s !== "import" && s !== "export" && s !== "bulk");

  try {
    if (options.systems.includes("cardfile")) cardfile = await buildCardfile(log);
    const perDb = options.systems.reduce(
      (n, system) => n + loadScenarios.filter((s) => system === "cardfile" || !CARDFILE_ONLY.has(s)).length,
      0,
    );
    const total = options.dbs.length * (perDb + transfers.length);
    let step = 0;

    for (const db of options.dbs) {
      const dataset = await prepareDataset(db, options, log);
      let token: string | null = null;
      try {
        const fixtures = await fixturesOf(dataset);
        rareTerms[db] = fixtures.rareTerm;
        deepPages = fixtures.deepPages;
        const firstPage = await firstPageIds(dataset);
        /** The contacts Cardfile's page listed, by scenario: what the others must list too. */
        const cardfilePages = new Map<string, string[]>();

        for (const system of loadScenarios.length ? options.systems : []) {
          progress.update(`[${step}/${total}] ${system} · ${db}: starting`);
          const server = await startSystem(system, dataset, cardfile);
          try {
            token ??= system === "cardfile" ? await logIn(server) : await insertSession(dataset);
            const target: Target = { system, baseURL: server.baseURL, token };
            if (system === "peer" && options.scenarios.includes("create")) target.actionField = await findActionField(target);
            if (system === "cardfile" && options.scenarios.includes("create")) await allowContactWrites(dataset);
            if (system === "cardfile" && clientJsInfo === null) clientJsInfo = await clientJs(target, "/contacts");
            if (system === "peer" && peerClientJs === null) peerClientJs = (await clientJs(target, "/contacts")).gzipBytes;

            for (const scenario of scenariosFor(target, fixtures, options, firstPage)) {
              step++;
              const where = `${system} · ${db} · ${scenario.name}`;
              const say = (phase: string) => progress.update(`[${step}/${total}] ${where}: ${phase}`);
              say("checking the response");
              const checked = await checkScenario(target, scenario);
              let problem = checked.problem;
              // The systems must serve the same page, or their numbers do not compare.
              const reference = cardfilePages.get(scenario.name);
              if (system === "cardfile") cardfilePages.set(scenario.name, checked.ids);
              else if (!problem && reference && sameContactsAsCardfile(system, scenario.name) && reference.join() !== checked.ids.join()) {
                problem = `lists other contacts than cardfile (${checked.ids.length} vs ${reference.length}; first ${checked.ids[0]} vs ${reference[0]})`;
              }
              if (problem) {
                failures.push(`${where}: ${problem}`);
                log(`FAILED ${where}: ${problem}`);
                continue;
              }
              const rss = sampleRss(server.process.pid!);
              say(`warm-up (${options.warmupSeconds} s)`);
              const warm = await cannon(target, scenario, THROUGHPUT_CONNECTIONS, options.warmupSeconds);
              say(`latency (${LATENCY_CONNECTIONS} connection, ${options.latencySeconds} s)`);
              const latency = await latencyRun(target, scenario, options.latencySeconds);
              say(`throughput (${THROUGHPUT_CONNECTIONS} connections, ${options.throughputSeconds} s)`);
              const throughput = await cannon(target, scenario, THROUGHPUT_CONNECTIONS, options.throughputSeconds);
              const peak = rss.stop();
              if (scenario.name === "create") await deleteCreatedContacts(dataset);

              const problems = [
                // A warm-up too short for a slow first answer is no failure; an error in it is.
                ...problemsOf(warm)
                  .filter((p) => p !== "no successful response")
                  .map((p) => `warm-up: ${p}`),
                ...problemsOf(latency).map((p) => `latency run: ${p}`),
                ...problemsOf(throughput).map((p) => `throughput run: ${p}`),
              ];
              // Another system too slow to answer in 10 s is a measurement, shown
              // as such; Cardfile timing out, or anyone erring, fails the run.
              const timeouts = warm.timeouts + latency.timeouts + throughput.timeouts;
              const onlyTimeouts = [warm, latency, throughput].every((run) => run.errors === run.timeouts && run.unexpected.size === 0);
              if (system !== "cardfile" && timeouts > 0 && onlyTimeouts) {
                problems.length = 0;
                log(`${where}: ${timeouts} requests timed out (no answer in 10 s); shown in the results, not counted as served`);
              }
              if (problems.some((p) => p.includes("status 429"))) {
                problems.push("429: a rate limit refused requests; see allowContactWrites in bench/lib/data.ts");
              }
              if (problems.length) {
                failures.push(`${where}: ${problems.join("; ")}`);
                log(`FAILED ${where}: ${problems.join("; ")}\n--- ${server.name} output ---\n${server.output().slice(-3000)}`);
              }
              const result: ScenarioResult = {
                system,
                db,
                name: scenario.name,
                rps: Math.round(rpsOf(throughput) * 10) / 10,
                p50_ms: Math.round(percentile(latency.latencies, 50) * 100) / 100,
                p95_ms: Math.round(percentile(latency.latencies, 95) * 100) / 100,
                p99_ms: Math.round(percentile(latency.latencies, 99) * 100) / 100,
                rss_mb: Math.round(peak / 1e5) / 10,
                latency_samples: latency.latencies.length,
                throughput_responses: throughput.responses,
                ...(latency.timeouts + throughput.timeouts ? { timeouts: latency.timeouts + throughput.timeouts } : {}),
              };
              results.push(result);
              log(
                `${where}: ${result.rps.toFixed(0)} req/s, p50 ${result.p50_ms} ms, p95 ${result.p95_ms} ms, p99 ${result.p99_ms} ms, RSS ${result.rss_mb.toFixed(0)} MB`,
              );
            }
          } finally {
            await server.stop();
            await deleteCreatedContacts(dataset);
          }
        }

        // The import and the exports, each on a Cardfile started for it: its
        // memory is then theirs, not what the load scenarios left behind.
        for (const transfer of transfers) {
          step++;
          const where = `cardfile · ${db} · ${transfer}`;
          const say = (phase: string) => progress.update(`[${step}/${total}] ${where}: ${phase}`);
          let server: Server | null = null;
          try {
            if (transfer === "import") {
              const { file } = importFile(dataset.dir, options.importRows);
              say(`timing db:seed of ${options.importRows.toLocaleString("en-US")} contacts into a scratch database`);
              const seed = await timeSeed(dataset, options.postgresUrl, options.importRows);
              say("starting");
              server = await startSystem("cardfile", dataset, cardfile);
              const account = await createImportAccount(dataset.client);
              const accountToken = await insertSession({ ...dataset, userId: account.userId });
              const measured = await measureImport({ server, dataset, token: accountToken, file, rows: options.importRows, seed, say });
              imports.push(measured);
              log(
                `${where}: ${measured.rows.toLocaleString("en-US")} rows in ${measured.seconds} s, ${measured.rows_per_second} rows/s ` +
                  `(db:seed ${seed.rows_per_second} rows/s: ${measured.vs_seed} ×), RSS ${measured.rss_mb.toFixed(0)} MB`,
              );
            } else if (transfer === "bulk") {
              say("starting");
              server = await startSystem("cardfile", dataset, cardfile);
              token ??= await logIn(server);
              await allowContactWrites(dataset);
              const measured = await measureBulk({ server, dataset, token, say });
              bulks.push(measured);
              log(
                `${where}: labelled ${measured.contacts.toLocaleString("en-US")} contacts in ${measured.seconds} s, RSS ${measured.rss_mb.toFixed(0)} MB`,
              );
            } else {
              say("starting");
              server = await startSystem("cardfile", dataset, cardfile);
              token ??= await logIn(server);
              const measured = await measureExports({ server, dataset, token, seconds: options.latencySeconds, say });
              exports.push(...measured);
              for (const e of measured) {
                log(
                  `${where}: .${e.format} ${e.seconds} s, RSS ${e.rss_mb.toFixed(0)} MB; list p95 ${e.list_idle_p95_ms} ms idle, ` +
                    `${e.list_during_p95_ms} ms during (${e.list_p95_ratio} ×)`,
                );
              }
            }
          } catch (error) {
            const problem = error instanceof Error ? error.message : String(error);
            failures.push(`${where}: ${problem}`);
            log(`FAILED ${where}: ${problem}${server ? `\n--- ${server.name} output ---\n${server.output().slice(-3000)}` : ""}`);
          } finally {
            await server?.stop();
            if (transfer === "import") {
              say("removing the import's account");
              await deleteImportAccounts(dataset.client);
            }
          }
        }
      } finally {
        if (token) await endSession(dataset, token);
        await dataset.client.close();
        await dataset.dispose();
      }
    }
  } finally {
    cardfile?.remove();
  }

  const output: Results = {
    contacts: options.contacts,
    machine: machine(),
    scenarios: results,
    client_js_gzip_bytes: clientJsInfo?.gzipBytes ?? null,
    date: new Date().toISOString(),
    mode: options.mode,
    seconds: { warmup: options.warmupSeconds, latency: options.latencySeconds, throughput: options.throughputSeconds },
    connections: { latency: LATENCY_CONNECTIONS, throughput: THROUGHPUT_CONNECTIONS },
    client_js_files: clientJsInfo?.files ?? [],
    peer_client_js_gzip_bytes: peerClientJs,
    peer_db_client: PEER_DB_CLIENT,
    terms: { common: options.terms.common, rare: rareTerms, short: options.terms.short },
    list_deep_pages: deepPages,
    imports,
    bulks,
    exports,
    targets: judgeTargets(results, clientJsInfo?.gzipBytes ?? null, { imports, exports, bulks }),
    failures,
  };

  const outDir =
    options.outDir !== null
      ? path.resolve(options.outDir)
      : isCompleteRun(options)
        ? path.join(root, "bench/results")
        : mkdtempSync(path.join(tmpdir(), "cardfile-bench-results-"));
  mkdirSync(outDir, { recursive: true });
  writeFileSync(path.join(outDir, "latest.json"), JSON.stringify(output, null, 2) + "\n");
  writeFileSync(path.join(outDir, "latest.md"), markdown(output));
  writeFileSync(path.join(outDir, "latest.svg"), svgChart(output));

  progress.note("");
  process.stdout.write(textTable(results));
  process.stdout.write(transferText(output));
  const missed = output.targets.filter((t) => t.met === false);
  const elapsed = Date.now() - startedAt;
  console.log(
    `\n${results.length} scenarios${imports.length + exports.length ? `, ${imports.length} imports and ${exports.length} exports,` : ""} in ${duration(elapsed - oneTimeMs)}` +
      (oneTimeMs > 1000 ? ` (plus ${duration(oneTimeMs)} installing and building the peer)` : "") +
      `; targets: ${output.targets.filter((t) => t.met).length} met, ${missed.length} missed` +
      (options.contacts === 1_000_000 ? "" : ` (they are set for 1,000,000 contacts)`) +
      `.\nResults: ${path.relative(process.cwd(), outDir) || "."}/latest.{json,md,svg}`,
  );
  for (const t of missed)
    console.log(
      `  missed: ${t.target}${t.db ? ` (${t.db})` : ""}: ${t.measured?.toFixed(2)} ${t.unit}, limit ${t.comparison} ${t.limit} ${t.unit}`,
    );
  if (failures.length) {
    console.error(`\nbench: ${failures.length} scenario(s) failed:\n${failures.map((f) => `  ${f}`).join("\n")}`);
    return 1;
  }
  return options.strict && missed.length ? 1 : 0;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    progress.note("");
    console.error(`bench failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    process.exit(1);
  },
);
