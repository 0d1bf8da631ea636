import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { CARDFILE_ONLY, LOAD_SCENARIOS } from "#bench/lib/options";
import { childEnv } from "#bench/lib/processes";
import type { Results } from "#bench/lib/report";
import { repoRoot } from "./spawn-server";

// `npm run bench -- --smoke` as a user runs it: a child process that builds
// Cardfile, seeds 2,000 contacts, and drives every scenario of Cardfile and
// the baseline for a second each, on SQLite and (where it runs) Postgres;
// then Cardfile's import of a 2,000-row Google Contacts CSV (and db:seed of
// as many, for its ratio) and its CSV and vCard exports of the 2,000. It
// proves the benchmark works, not how fast anything is: numbers from one
// second on a shared machine mean little.

const ci = ["true", "1"].includes(String(process.env.CI).toLowerCase());
const out = mkdtempSync(join(tmpdir(), "cardfile-bench-smoke-"));
afterAll(() => rmSync(out, { recursive: true, force: true }));

function runBench(args: string[]): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve, reject) => {
    let output = "";
    const child = spawn(process.execPath, [join(repoRoot, "node_modules/tsx/dist/cli.mjs"), "bench/run.ts", ...args], {
      cwd: repoRoot,
      // Not vitest's own NODE_ENV=test and SCRYPT_LOG_N: the bench runs as a user runs it.
      env: childEnv({
        PATH: process.env.PATH,
        HOME: process.env.HOME,
        CI: process.env.CI,
        TEST_POSTGRES_URL: process.env.TEST_POSTGRES_URL,
      }),
      stdio: ["ignore", "pipe", "pipe"],
    });
    child.stdout.on("data", (chunk) => (output += chunk));
    child.stderr.on("data", (chunk) => (output += chunk));
    child.once("error", reject);
    child.once("exit", (code) => resolve({ code, output }));
  });
}

describe("npm run bench -- --smoke", () => {
  it(
    "measures every scenario of cardfile and the baseline (the baseline has no labels, stars or sort orders), and cardfile's import and exports, without an error",
    { timeout: 600_000 },
    async () => {
      const { code, output } = await runBench(["--smoke", "--out", out]);
      expect(code, output.slice(-5000)).toBe(0);

      const results = JSON.parse(readFileSync(join(out, "latest.json"), "utf8")) as Results;
      expect(results.contacts).toBe(2_000);
      expect(results.failures).toEqual([]);
      // Outside CI the smoke skips Postgres when it is not running, like `npm test`.
      const dbs = ci ? ["sqlite", "postgres"] : [...new Set(results.scenarios.map((s) => s.db))];
      expect(dbs).toContain("sqlite");
      for (const db of dbs) {
        for (const system of ["cardfile", "baseline"]) {
          for (const name of LOAD_SCENARIOS.filter((name) => system === "cardfile" || !CARDFILE_ONLY.has(name))) {
            const result = results.scenarios.find((s) => s.system === system && s.db === db && s.name === name);
            expect(result, `${system} ${db} ${name}`).toBeDefined();
            expect(result!.rps, `${system} ${db} ${name}`).toBeGreaterThan(0);
            for (const p of [result!.p50_ms, result!.p95_ms, result!.p99_ms]) expect(p).toBeGreaterThan(0);
            expect(result!.p50_ms).toBeLessThanOrEqual(result!.p95_ms);
            expect(result!.p95_ms).toBeLessThanOrEqual(result!.p99_ms);
            expect(result!.rss_mb).toBeGreaterThan(0);
          }
        }
      }
      for (const db of dbs) {
        const bulk = results.bulks?.find((b) => b.db === db);
        expect(bulk, `bulk ${db}`).toBeDefined();
        expect(bulk!.contacts).toBeGreaterThan(50);
        expect(bulk!.seconds).toBeGreaterThan(0);
        const imported = results.imports?.find((i) => i.db === db);
        expect(imported, `import ${db}`).toMatchObject({ rows: 2_000, created: 2_000, rejected: 0, format: "google-csv" });
        expect(imported!.rows_per_second).toBeGreaterThan(0);
        expect(imported!.seed.rows_per_second).toBeGreaterThan(0);
        expect(imported!.vs_seed).toBeGreaterThan(0);
        expect(imported!.rss_mb).toBeGreaterThan(0);
        for (const format of ["csv", "vcf"]) {
          const exported = results.exports?.find((e) => e.db === db && e.format === format);
          expect(exported, `export ${db} ${format}`).toMatchObject({ contacts: 2_000 });
          expect(exported!.seconds).toBeGreaterThan(0);
          expect(exported!.rss_mb).toBeGreaterThan(0);
          expect(exported!.list_idle_p95_ms).toBeGreaterThan(0);
          expect(exported!.list_during_p95_ms).toBeGreaterThan(0);
        }
      }
      expect(results.targets.map((t) => t.target)).toEqual(
        expect.arrayContaining(["import rows/s ÷ db:seed's", "export.csv download", "list p95 during export.vcf ÷ idle"]),
      );
      expect(results.client_js_gzip_bytes).toBeGreaterThan(10_000);
      expect(results.targets.length).toBeGreaterThan(0);
      const md = readFileSync(join(out, "latest.md"), "utf8");
      expect(md).toContain("| list | sqlite |");
      expect(md).toMatch(/^\| sqlite \| export\.vcf \|/m);
      expect(readFileSync(join(out, "latest.svg"), "utf8")).toMatch(/^<svg [^>]*>[\s\S]*<\/svg>\n$/);
    },
  );
});
