import { describe, expect, it } from "vitest";
import { judgeTargets, markdown, type Results, type ScenarioResult } from "./report";
import type { ExportMeasure, ImportMeasure } from "./transfers";

const result = (
  system: ScenarioResult["system"],
  name: ScenarioResult["name"],
  rps: number,
  more: Partial<ScenarioResult> = {},
): ScenarioResult => ({
  system,
  db: "sqlite",
  name,
  rps,
  p50_ms: 2,
  p95_ms: 5,
  p99_ms: 9,
  rss_mb: 150,
  latency_samples: 1000,
  throughput_responses: rps * 10,
  ...more,
});

function results(scenarios: ScenarioResult[]): Results {
  return {
    contacts: 1_000_000,
    machine: "test machine",
    scenarios,
    client_js_gzip_bytes: 90_000,
    date: "2026-11-26T00:00:00.000Z",
    mode: "full",
    seconds: { warmup: 3, latency: 10, throughput: 10 },
    connections: { latency: 1, throughput: 16 },
    client_js_files: [],
    peer_client_js_gzip_bytes: null,
    peer_db_client: "better-sqlite3",
    terms: { common: "son", rare: { sqlite: "x" }, short: "li" },
    list_deep_pages: 1000,
    targets: judgeTargets(scenarios, 90_000),
    failures: [],
  };
}

describe("the results table", () => {
  it("gives the ratios to the baseline and the peer, and judges the throughput targets on them", () => {
    const scenarios = [result("cardfile", "list", 500), result("baseline", "list", 2000), result("peer", "list", 200)];
    const md = markdown(results(scenarios));
    expect(md).toContain("| list | sqlite | 500 | 2,000 | 200 | 0.25 | 2.50 |");
    const targets = judgeTargets(scenarios, 90_000);
    expect(targets.find((t) => t.target === "list rps ÷ baseline's")).toMatchObject({ measured: 0.25, met: false });
    expect(targets.find((t) => t.target === "list rps ÷ peer's")).toMatchObject({ measured: 2.5, met: false });
  });

  it("shows another system's timed-out requests, and no ratio to a system that served none", () => {
    const scenarios = [
      result("cardfile", "search-rare", 300),
      result("peer", "search-rare", 0, {
        timeouts: 160,
        p50_ms: NaN,
        p95_ms: NaN,
        p99_ms: NaN,
        latency_samples: 0,
        throughput_responses: 0,
      }),
    ];
    const md = markdown(results(scenarios));
    expect(md).toContain("| search-rare | sqlite | 300 | — | 0 | — | — |");
    expect(md).toContain("| peer | sqlite | search-rare | 0 (160 timed out) |");
    expect(md).toMatch(/Timed out: requests without an answer after 10 s/);
    expect(markdown(results([result("cardfile", "list", 500)]))).not.toContain("timed out");
  });
});

describe("the import and export tables", () => {
  const imported: ImportMeasure = {
    db: "sqlite",
    rows: 100_000,
    file_bytes: 12_000_000,
    format: "google-csv",
    upload_seconds: 0.3,
    seconds: 9,
    rows_per_second: 11_111,
    seed: { rows: 100_000, rows_per_second: 27_000, seconds: 3.7, command_seconds: 5 },
    vs_seed: 0.41,
    rss_mb: 184,
    rss_before_mb: 99,
    created: 100_000,
    skipped: 0,
    rejected: 0,
  };
  const exported = (format: "csv" | "vcf", more: Partial<ExportMeasure> = {}): ExportMeasure => ({
    db: "postgres",
    format,
    contacts: 1_000_000,
    seconds: 12.5,
    wire_bytes: 36_000_000,
    bytes: 120_000_000,
    encoding: "br",
    rss_mb: 150,
    list_idle_p95_ms: 6,
    list_idle_samples: 1000,
    list_during_p95_ms: 9,
    list_during_samples: 900,
    list_p95_ratio: 1.5,
    seconds_with_list: 14,
    downloads_with_list: 1,
    rss_with_list_mb: 170,
    ...more,
  });

  it("judges the import against db:seed and the exports against their limits", () => {
    const targets = judgeTargets([], null, {
      imports: [imported],
      exports: [exported("csv"), exported("vcf", { seconds: 31, list_p95_ratio: 2.5 })],
    });
    expect(targets.find((t) => t.target === "import rows/s ÷ db:seed's")).toMatchObject({ db: "sqlite", measured: 0.41, met: false });
    expect(targets.find((t) => t.target === "server RSS during the import")).toMatchObject({ measured: 184, limit: 250, met: true });
    expect(targets.find((t) => t.target === "export.csv download")).toMatchObject({ db: "postgres", measured: 12.5, met: true });
    expect(targets.find((t) => t.target === "export.vcf download")).toMatchObject({ measured: 31, met: false });
    expect(targets.find((t) => t.target === "list p95 during export.vcf ÷ idle")).toMatchObject({ measured: 2.5, limit: 2, met: false });
  });

  it("shows them in the markdown, and nothing of them in a run without them", () => {
    const transfers = { imports: [imported], exports: [exported("vcf")] };
    const md = markdown({ ...results([]), ...transfers, targets: judgeTargets([], null, transfers) });
    expect(md).toContain("| sqlite | 0.30 | 9.00 | 11,111 | 27,000 | 0.41 | 184 | 100,000 | 0 |");
    expect(md).toContain("| postgres | export.vcf | 12.50 | 120.0 (36.0 br) | 150 | 6.00 | 9.00 | 1.50 | 14.00 |");
    expect(md).toContain("| import rows/s ÷ db:seed's | sqlite | 0.41 × | ≥ 0.5 × | **missed** |");
    expect(markdown(results([]))).not.toMatch(/Import \(Cardfile\)|Export \(Cardfile\)/);
  });
});
