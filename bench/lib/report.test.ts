import { describe, expect, it } from "vitest";
import { judgeTargets, markdown, type Results, type ScenarioResult } from "./report";

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
