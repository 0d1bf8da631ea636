import { parseArgs } from "node:util";

// `npm run bench [-- options]`: what to measure, on how much data, for how long.

export const SYSTEMS = ["cardfile", "baseline", "peer"] as const;
export const DBS = ["sqlite", "postgres"] as const;
/** Requests under load, the same for every system. */
/** Load scenarios of what only Cardfile has (labels, stars, sort orders, duplicates): the others are not asked. */
const ORGANIZE_SCENARIOS = [
  "label",
  "starred",
  "sort-name",
  "sort-name-deep",
  "duplicates",
  "duplicates-phone",
  "duplicates-email",
] as const;
export const LOAD_SCENARIOS = [
  "list",
  "list-deep",
  "search",
  "search-rare",
  "search-short",
  "detail",
  "create",
  ...ORGANIZE_SCENARIOS,
] as const;
export const CARDFILE_ONLY: ReadonlySet<string> = new Set(ORGANIZE_SCENARIOS);
/** Cardfile's imports and exports (the others have none): one long request or job each, timed whole. */
export const TRANSFER_SCENARIOS = ["import", "export", "bulk"] as const;
export const SCENARIOS = [...LOAD_SCENARIOS, ...TRANSFER_SCENARIOS] as const;

export type System = (typeof SYSTEMS)[number];
export type Db = (typeof DBS)[number];
export type LoadScenarioName = (typeof LOAD_SCENARIOS)[number];
export type TransferScenarioName = (typeof TRANSFER_SCENARIOS)[number];
export type ScenarioName = (typeof SCENARIOS)[number];
export type Mode = "full" | "quick" | "smoke";

export interface BenchOptions {
  mode: Mode;
  contacts: number;
  /** seconds of each phase of a scenario */
  warmupSeconds: number;
  latencySeconds: number;
  throughputSeconds: number;
  systems: System[];
  dbs: Db[];
  scenarios: ScenarioName[];
  /** rows of the Google Contacts CSV the import scenario uploads; db:seed is timed for as many */
  importRows: number;
  /** where results go; null: latest.* in bench/results for a complete run, else a temporary folder */
  outDir: string | null;
  /** a missed target fails the run too (exit 1), not only errors */
  strict: boolean;
  /** the Postgres server: any database on it; the bench makes its own */
  postgresUrl: string;
  terms: { common: string; short: string };
}

// Latency is what one user waits (one connection, requests one after another);
// throughput is what the server sustains with 16 connections.
export const LATENCY_CONNECTIONS = 1;
export const THROUGHPUT_CONNECTIONS = 16;

const MODES: Record<
  Mode,
  Pick<BenchOptions, "contacts" | "warmupSeconds" | "latencySeconds" | "throughputSeconds" | "systems" | "importRows">
> = {
  // The numbers the targets are set for.
  full: { contacts: 1_000_000, warmupSeconds: 3, latencySeconds: 10, throughputSeconds: 10, systems: [...SYSTEMS], importRows: 100_000 },
  // 42 measured scenarios (3 systems × 2 databases × 7), and the import and exports, in about 5 minutes.
  quick: { contacts: 100_000, warmupSeconds: 0.5, latencySeconds: 1, throughputSeconds: 1, systems: [...SYSTEMS], importRows: 100_000 },
  // Proves that every scenario runs, not how fast: for the test suite.
  smoke: {
    contacts: 2_000,
    warmupSeconds: 0.3,
    latencySeconds: 1,
    throughputSeconds: 1,
    systems: ["cardfile", "baseline"],
    importRows: 2_000,
  },
};

export const USAGE = `Usage: npm run bench [-- options]

Seeds one account (bench/.data/, reused while it holds the right number of
contacts), starts each system on its own port, one at a time, and drives each
scenario with autocannon: a warm-up, a latency run with ${LATENCY_CONNECTIONS} connection and a
throughput run with ${THROUGHPUT_CONNECTIONS}. Then, for Cardfile alone, on a freshly started
server: the import of a Google Contacts CSV into a new account (timed against
db:seed of as many rows), and the downloads of /contacts/export.csv and .vcf
(with the list's latency while one runs). Writes bench/results/latest.{json,md,svg}.

  --quick             100,000 contacts, short runs (under 5 minutes, the peer's
                      install included)
  --smoke             2,000 contacts (and a 2,000-row import), 1-second runs,
                      cardfile and baseline only; results go to a temporary
                      folder (or --out)
  (neither)           the full run: 1,000,000 contacts, 10-second runs
  --contacts N        override the number of contacts
  --systems a,b       of ${SYSTEMS.join(", ")}
  --db a,b            of ${DBS.join(", ")}
  --scenarios a,b     of ${SCENARIOS.join(", ")}
  --import-rows N     rows of the imported CSV (default 100,000; smoke 2,000)
  --seconds W,L,T     warm-up, latency and throughput seconds of each scenario
  --out DIR           write the results there (a partial selection never overwrites latest.*)
  --strict            a missed target fails the run (exit 1), not only an error
  --term-common T     the common search term (default "son")
  --term-short T      the 2-character search term (default "li")
  --help              this text

Postgres: BENCH_POSTGRES_URL, else TEST_POSTGRES_URL, else
postgres://postgres@127.0.0.1:5432/postgres; the bench creates its own
database cardfile_bench_<contacts> there.
Exit status: 0 every scenario ran without an error; 1 otherwise; 2 bad arguments.`;

export type ParsedOptions = { kind: "run"; options: BenchOptions } | { kind: "help" } | { kind: "error"; message: string };

function list<T extends string>(name: string, raw: string | undefined, allowed: readonly T[], fallback: T[]): T[] | string {
  if (raw === undefined) return fallback;
  const items = raw
    .split(",")
    .map((s) => s.trim())
    .filter(Boolean);
  const bad = items.find((item) => !allowed.includes(item as T));
  if (bad !== undefined || items.length === 0) return `--${name} takes a comma-separated list of ${allowed.join(", ")}; got "${raw}"`;
  // In the canonical order, so tables read the same whatever was typed.
  return allowed.filter((item) => items.includes(item));
}

export function parseOptions(argv: string[], env: NodeJS.ProcessEnv = process.env): ParsedOptions {
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      strict: true,
      allowPositionals: false,
      options: {
        quick: { type: "boolean" },
        smoke: { type: "boolean" },
        contacts: { type: "string" },
        systems: { type: "string" },
        db: { type: "string" },
        scenarios: { type: "string" },
        "import-rows": { type: "string" },
        seconds: { type: "string" },
        out: { type: "string" },
        strict: { type: "boolean" },
        "term-common": { type: "string" },
        "term-short": { type: "string" },
        help: { type: "boolean", short: "h" },
      },
    }));
  } catch (error) {
    return { kind: "error", message: (error as Error).message.split(". ")[0]!.replace(/\.$/, "") };
  }
  if (values.help) return { kind: "help" };
  if (values.quick && values.smoke) return { kind: "error", message: "--quick and --smoke exclude each other" };
  const mode: Mode = values.smoke ? "smoke" : values.quick ? "quick" : "full";
  const defaults = MODES[mode];

  let contacts = defaults.contacts;
  if (values.contacts !== undefined) {
    contacts = Number(values.contacts.replace(/[_,]/g, ""));
    if (!Number.isSafeInteger(contacts) || contacts < 200 || contacts > 10_000_000) {
      return { kind: "error", message: `--contacts must be a whole number from 200 to 10,000,000, not "${values.contacts}"` };
    }
  }
  let importRows = defaults.importRows;
  if (values["import-rows"] !== undefined) {
    importRows = Number(values["import-rows"].replace(/[_,]/g, ""));
    if (!Number.isSafeInteger(importRows) || importRows < 100 || importRows > 1_000_000) {
      return { kind: "error", message: `--import-rows must be a whole number from 100 to 1,000,000, not "${values["import-rows"]}"` };
    }
  }
  let seconds = [defaults.warmupSeconds, defaults.latencySeconds, defaults.throughputSeconds];
  if (values.seconds !== undefined) {
    seconds = values.seconds.split(",").map(Number);
    if (seconds.length !== 3 || seconds.some((s) => !(s > 0 && s <= 600))) {
      return { kind: "error", message: `--seconds takes three numbers of seconds (warm-up,latency,throughput), not "${values.seconds}"` };
    }
  }
  const systems = list("systems", values.systems, SYSTEMS, defaults.systems);
  if (typeof systems === "string") return { kind: "error", message: systems };
  const dbs = list("db", values.db, DBS, [...DBS]);
  if (typeof dbs === "string") return { kind: "error", message: dbs };
  const scenarios = list("scenarios", values.scenarios, SCENARIOS, [...SCENARIOS]);
  if (typeof scenarios === "string") return { kind: "error", message: scenarios };
  const common = values["term-common"] ?? "son";
  const short = values["term-short"] ?? "li";
  if (common.trim().length < 3) return { kind: "error", message: "--term-common must have at least 3 characters" };
  if (short.trim().length !== 2) return { kind: "error", message: "--term-short must have 2 characters" };

  return {
    kind: "run",
    options: {
      mode,
      contacts,
      warmupSeconds: seconds[0]!,
      latencySeconds: seconds[1]!,
      throughputSeconds: seconds[2]!,
      systems,
      dbs,
      scenarios,
      importRows,
      outDir: values.out ?? null,
      strict: values.strict ?? false,
      postgresUrl: env.BENCH_POSTGRES_URL || env.TEST_POSTGRES_URL || "postgres://postgres@127.0.0.1:5432/postgres",
      terms: { common: common.trim(), short: short.trim() },
    },
  };
}

/** A run that measures everything its mode promises: only such a run replaces latest.*. */
export function isCompleteRun(options: BenchOptions): boolean {
  return (
    options.mode !== "smoke" &&
    options.systems.length === SYSTEMS.length &&
    options.dbs.length === DBS.length &&
    options.scenarios.length === SCENARIOS.length
  );
}
