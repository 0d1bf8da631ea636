import os from "node:os";
import type { Db, LoadScenarioName, System } from "./options";
import { DBS, LOAD_SCENARIOS } from "./options";
import type { BulkMeasure, ExportMeasure, ImportMeasure } from "./transfers";

// What a run leaves behind: latest.json (the numbers), latest.md (tables,
// ratios and targets, for people and the README) and latest.svg (the ratios
// as bars, drawn by hand: no chart library for a dozen rectangles).

export interface ScenarioResult {
  system: System;
  db: Db;
  name: LoadScenarioName;
  /** responses per second, from the run with THROUGHPUT_CONNECTIONS */
  rps: number;
  /** response times from the run with LATENCY_CONNECTIONS */
  p50_ms: number;
  p95_ms: number;
  p99_ms: number;
  /** peak resident memory of the server's process tree during the scenario, in MB (10^6 bytes) */
  rss_mb: number;
  latency_samples: number;
  throughput_responses: number;
  /**
   * requests that got no answer within the load generator's 10 s (latency
   * and throughput runs): not served, so not counted in rps nor timed in p*.
   * Only another system may have any; for Cardfile one fails the run.
   */
  timeouts?: number;
}

export interface Target {
  target: string;
  db: Db | null;
  measured: number | null;
  comparison: "≤" | "≥";
  limit: number;
  unit: string;
  /** null when the run did not measure what the target needs */
  met: boolean | null;
}

export interface Results {
  contacts: number;
  machine: string;
  scenarios: ScenarioResult[];
  client_js_gzip_bytes: number | null;
  date: string;
  mode: string;
  seconds: { warmup: number; latency: number; throughput: number };
  connections: { latency: number; throughput: number };
  client_js_files: string[];
  peer_client_js_gzip_bytes: number | null;
  peer_db_client: string;
  terms: { common: string; rare: Record<string, string>; short: string };
  list_deep_pages: number;
  /** Cardfile's import of a Google Contacts CSV, per database (absent in runs before it was measured) */
  imports?: ImportMeasure[];
  /** the bulk "label every contact matching" (issue 13) */
  bulks?: BulkMeasure[];
  /** Cardfile's exports of the dataset's account, per database and format */
  exports?: ExportMeasure[];
  targets: Target[];
  failures: string[];
}

export function machine(): string {
  const cpus = os.cpus();
  return `${cpus[0]?.model.trim() ?? "unknown CPU"} × ${cpus.length}, ${Math.round(os.totalmem() / 2 ** 30)} GiB, ${os.platform()} ${os.release()}, Node ${process.version}`;
}

const find = (results: ScenarioResult[], system: System, db: Db, name: LoadScenarioName) =>
  results.find((r) => r.system === system && r.db === db && r.name === name);

/** The issue's targets, judged on this run's numbers (they are set for 1,000,000 contacts). */
export function judgeTargets(
  results: ScenarioResult[],
  clientJsGzipBytes: number | null,
  { imports = [], exports = [], bulks = [] }: { imports?: ImportMeasure[]; exports?: ExportMeasure[]; bulks?: BulkMeasure[] } = {},
): Target[] {
  const targets: Target[] = [];
  const add = (target: string, db: Db | null, measured: number | null | undefined, limit: number, unit: string, atMost: boolean) =>
    targets.push({
      target,
      db,
      measured: measured ?? null,
      comparison: atMost ? "≤" : "≥",
      limit,
      unit,
      met: measured === undefined || measured === null || Number.isNaN(measured) ? null : atMost ? measured <= limit : measured >= limit,
    });
  for (const db of DBS) {
    if (!results.some((r) => r.db === db && r.system === "cardfile")) continue;
    const card = (name: LoadScenarioName) => find(results, "cardfile", db, name);
    const searchLimit = db === "sqlite" ? 20 : 30;
    add("search p95", db, card("search")?.p95_ms, searchLimit, "ms", true);
    add("search-rare p95", db, card("search-rare")?.p95_ms, searchLimit, "ms", true);
    add("list p95", db, card("list")?.p95_ms, 15, "ms", true);
    const list = card("list");
    const deep = card("list-deep");
    add("list-deep p95 ÷ list p95", db, list && deep ? deep.p95_ms / list.p95_ms : null, 1.3, "×", true);
    add("create p95", db, card("create")?.p95_ms, 20, "ms", true);
    const baseline = find(results, "baseline", db, "list");
    const peer = find(results, "peer", db, "list");
    add("list rps ÷ baseline's", db, list && baseline ? list.rps / baseline.rps : null, 0.5, "×", false);
    add("list rps ÷ peer's", db, list && peer ? list.rps / peer.rps : null, 3, "×", false);
    // Issue 13's: a label's list, the starred, and the A-to-Z order at page 1 and page 1,000.
    for (const name of ["label", "starred", "sort-name", "sort-name-deep"] as const)
      add(`${name} p95`, db, card(name)?.p95_ms, searchLimit, "ms", true);
    const byName = card("sort-name");
    const byNameDeep = card("sort-name-deep");
    add("sort-name-deep p95 ÷ sort-name p95", db, byName && byNameDeep ? byNameDeep.p95_ms / byName.p95_ms : null, 1.3, "×", true);
    for (const name of ["duplicates", "duplicates-phone", "duplicates-email"] as const)
      add(`${name} p95`, db, card(name)?.p95_ms, 200, "ms", true);
    const rss = results.filter((r) => r.system === "cardfile" && r.db === db).map((r) => r.rss_mb);
    add("server RSS under load", db, rss.length ? Math.max(...rss) : null, 200, "MB", true);
  }
  for (const db of DBS) {
    const imported = imports.find((i) => i.db === db);
    if (imported) {
      add("import rows/s ÷ db:seed's", db, imported.vs_seed, 0.5, "×", false);
      add("server RSS during the import", db, imported.rss_mb, 250, "MB", true);
    }
    for (const exported of exports.filter((e) => e.db === db)) {
      add(`export.${exported.format} download`, db, exported.seconds, 30, "s", true);
      add(`server RSS during export.${exported.format}`, db, exported.rss_mb, 200, "MB", true);
      add(`list p95 during export.${exported.format} ÷ idle`, db, exported.list_p95_ratio, 2, "×", true);
    }
  }
  for (const b of bulks) add(`bulk label of ${b.contacts.toLocaleString("en-US")} matching contacts`, b.db, b.seconds, 10, "s", true);
  add("JS of a hydrated /contacts, gzipped", null, clientJsGzipBytes === null ? null : clientJsGzipBytes / 1000, 95, "KB", true);
  return targets;
}

const fmt = (n: number | null | undefined, digits = 1) =>
  n === null || n === undefined || Number.isNaN(n)
    ? "—"
    : n.toLocaleString("en-US", { minimumFractionDigits: digits, maximumFractionDigits: digits });
const ratio = (a: number | undefined, b: number | undefined) => (a !== undefined && b !== undefined && b > 0 ? a / b : null);

interface RatioRow {
  name: LoadScenarioName;
  db: Db;
  card?: ScenarioResult;
  baseline?: ScenarioResult;
  peer?: ScenarioResult;
  vsBaseline: number | null;
  vsPeer: number | null;
}

function ratioRows(results: ScenarioResult[]): RatioRow[] {
  const rows: RatioRow[] = [];
  for (const db of DBS) {
    for (const name of LOAD_SCENARIOS) {
      const card = find(results, "cardfile", db, name);
      if (!card) continue;
      const baseline = find(results, "baseline", db, name);
      const peer = find(results, "peer", db, name);
      rows.push({ name, db, card, baseline, peer, vsBaseline: ratio(card.rps, baseline?.rps), vsPeer: ratio(card.rps, peer?.rps) });
    }
  }
  return rows;
}

export function markdown(r: Results): string {
  const lines: string[] = [];
  const date = r.date.slice(0, 10);
  lines.push(
    `Run of ${date}: \`npm run bench${r.mode === "full" ? "" : ` -- --${r.mode}`}\`, ${r.contacts.toLocaleString("en-US")} contacts, on ${r.machine}.`,
    `Each scenario: ${r.seconds.warmup} s warm-up, then ${r.seconds.latency} s with ${r.connections.latency} connection (p50/p95/p99: what one user waits) and ${r.seconds.throughput} s with ${r.connections.throughput} connections (requests/s). ` +
      `RSS: the peak resident memory of the server's processes during the scenario (MB = 10⁶ bytes). The load generator runs on the same machine.`,
    `The peer reads the database with ${r.peer_db_client}.`,
    "",
    "Requests per second, and Cardfile's as a multiple of the others' (above 1: Cardfile serves more):",
    "",
    "| scenario | db | cardfile | baseline | peer | cardfile ÷ baseline | cardfile ÷ peer |",
    "| --- | --- | ---: | ---: | ---: | ---: | ---: |",
  );
  for (const row of ratioRows(r.scenarios)) {
    lines.push(
      `| ${row.name} | ${row.db} | ${fmt(row.card?.rps, 0)} | ${fmt(row.baseline?.rps, 0)} | ${fmt(row.peer?.rps, 0)} | ${fmt(row.vsBaseline, 2)} | ${fmt(row.vsPeer, 2)} |`,
    );
  }
  lines.push(
    "",
    "Targets (set for 1,000,000 contacts" + (r.contacts === 1_000_000 ? "" : `; this run had ${r.contacts.toLocaleString("en-US")}`) + "):",
    "",
  );
  lines.push("| target | db | measured | limit | |", "| --- | --- | ---: | ---: | --- |");
  for (const t of r.targets) {
    const verdict = t.met === null ? "not measured" : t.met ? "met" : "**missed**";
    lines.push(
      `| ${t.target} | ${t.db ?? "—"} | ${fmt(t.measured, t.unit === "×" || t.unit === "s" ? 2 : 1)} ${t.unit} | ${t.comparison} ${t.limit} ${t.unit} | ${verdict} |`,
    );
  }
  lines.push("", "Every system, every scenario (latency in ms):", "");
  lines.push("| system | db | scenario | req/s | p50 | p95 | p99 | RSS MB |", "| --- | --- | --- | ---: | ---: | ---: | ---: | ---: |");
  for (const s of r.scenarios) {
    const timedOut = s.timeouts ? ` (${s.timeouts.toLocaleString("en-US")} timed out)` : "";
    lines.push(
      `| ${s.system} | ${s.db} | ${s.name} | ${fmt(s.rps, 0)}${timedOut} | ${fmt(s.p50_ms, 2)} | ${fmt(s.p95_ms, 2)} | ${fmt(s.p99_ms, 2)} | ${fmt(s.rss_mb, 0)} |`,
    );
  }
  if (r.scenarios.some((s) => s.timeouts)) {
    lines.push(
      "",
      "Timed out: requests without an answer after 10 s. They are not served, so they count in neither req/s nor the latencies (which then understate what a user waits).",
    );
  }
  const rare = Object.entries(r.terms.rare)
    .map(([db, term]) => `\`${term}\` (${db})`)
    .join(", ");
  lines.push(
    "",
    `Terms: search \`${r.terms.common}\`, search-short \`${r.terms.short}\`, search-rare one contact's address: ${rare}. ` +
      `list-deep: the page ${r.list_deep_pages.toLocaleString("en-US")} "Older" clicks back, by its cursor. ` +
      `create: a fresh form each request (new address; for Cardfile a new submission key), removed after the scenario.`,
    `Client JavaScript of a hydrated /contacts: ${r.client_js_gzip_bytes === null ? "not measured" : `${(r.client_js_gzip_bytes / 1000).toFixed(1)} KB`} gzipped at level 9 (${r.client_js_files.length} files)` +
      (r.peer_client_js_gzip_bytes === null ? "." : `; the peer's: ${(r.peer_client_js_gzip_bytes / 1000).toFixed(1)} KB.`),
  );
  lines.push(...transferLines(r));
  if (r.failures.length) lines.push("", "Failures:", "", ...r.failures.map((f) => `- ${f}`));
  return lines.join("\n") + "\n";
}

const count = (n: number) => n.toLocaleString("en-US");

/** The import and export tables (Cardfile only), when the run measured them. */
export function transferLines(r: Pick<Results, "imports" | "exports" | "bulks" | "contacts">): string[] {
  const lines: string[] = [];
  if (r.bulks?.length) {
    lines.push(
      "",
      "Bulk action (Cardfile): the list's bulk form, `add-label` with every contact matching the label Family (scope=matching, about 10% of the dataset), one POST on a freshly started server, timed to its answer (every batch done).",
      "",
      "| db | contacts | seconds | RSS MB |",
      "| --- | ---: | ---: | ---: |",
      ...r.bulks.map((b) => `| ${b.db} | ${count(b.contacts)} | ${fmt(b.seconds, 2)} | ${fmt(b.rss_mb, 0)} |`),
    );
  }
  const imports = r.imports ?? [];
  const exports = r.exports ?? [];
  if (imports.length) {
    const rows = imports[0]!.rows;
    lines.push(
      "",
      `Import (Cardfile): a Google Contacts CSV of ${count(rows)} generated people (First Name, Middle Name, Last Name, Organization Name, E-mail 1 - Value, Phone 1 - Value, Notes; ` +
        `${(imports[0]!.file_bytes / 1e6).toFixed(1)} MB) uploaded into a new account on a freshly started server, reviewed with the suggested mapping, started (skip duplicates) and waited for. ` +
        `Rows/s: from the start POST to the import's end (the job polls once a second), against \`npm run db:seed\` of as many contacts into a new account of a scratch database, in the same run (its own rows/s). ` +
        `RSS: the server's peak from the upload to the end.`,
      "",
      "| db | upload s | import s | rows/s | db:seed rows/s | import ÷ db:seed | RSS MB | created | rejected |",
      "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    );
    for (const i of imports) {
      lines.push(
        `| ${i.db} | ${fmt(i.upload_seconds, 2)} | ${fmt(i.seconds, 2)} | ${fmt(i.rows_per_second, 0)} | ${fmt(i.seed.rows_per_second, 0)} | ${fmt(i.vs_seed, 2)} | ${fmt(i.rss_mb, 0)} | ${count(i.created)} | ${count(i.rejected)} |`,
      );
    }
  }
  if (exports.length) {
    lines.push(
      "",
      `Export (Cardfile): every contact of the dataset's account (${count(exports[0]!.contacts)}), downloaded to the last byte as a browser does (Accept-Encoding: gzip, deflate, br, zstd), each format alone on a freshly started server; ` +
        `then the list (/contacts, 1 connection) right before (idle) and while the export downloads (again and again until the list has run as long as a latency run).`,
      "",
      "| db | file | seconds | MB (as sent) | RSS MB | list p95 idle ms | list p95 during ms | during ÷ idle | seconds with the list |",
      "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    );
    for (const e of exports) {
      lines.push(
        `| ${e.db} | export.${e.format} | ${fmt(e.seconds, 2)} | ${fmt(e.bytes / 1e6, 1)} (${fmt(e.wire_bytes / 1e6, 1)} ${e.encoding}) | ${fmt(e.rss_mb, 0)} | ${fmt(e.list_idle_p95_ms, 2)} | ${fmt(e.list_during_p95_ms, 2)} | ${fmt(e.list_p95_ratio, 2)} | ${fmt(e.seconds_with_list, 2)} |`,
      );
    }
  }
  return lines;
}

const escapeXml = (s: string) => s.replace(/[&<>"]/g, (c) => `&#${c.charCodeAt(0)};`);

/**
 * Horizontal bars: per scenario and database, Cardfile's requests/s ÷ the
 * baseline's and ÷ the peer's. The axis is logarithmic around 1× (a bar to
 * the right: Cardfile serves more), so 0.1× and 10× are equally far from
 * even; dashed lines mark the list targets (0.5× the baseline, 3× the peer).
 */
export function svgChart(r: Results): string {
  const rows = ratioRows(r.scenarios);
  const series = [
    { key: "vsBaseline" as const, label: "cardfile ÷ baseline", color: "#0a58ca" },
    { key: "vsPeer" as const, label: "cardfile ÷ peer", color: "#e07b00" },
  ];
  const values = rows.flatMap((row) => series.map((s) => row[s.key])).filter((v): v is number => v !== null && v > 0);
  // Powers of two that hold every ratio, 1× and the target lines, with room
  // on the left for the labels of the shortest bars.
  const low = Math.floor(Math.log2(Math.min(0.5, ...values))) - 1;
  const high = Math.ceil(Math.log2(Math.max(4, ...values)));
  const labelWidth = 150;
  const plotWidth = 540;
  const barHeight = 11;
  const groupHeight = series.length * barHeight + 10;
  const top = 56;
  const height = top + rows.length * groupHeight + 30;
  const width = labelWidth + plotWidth + 70;
  const x = (v: number) => labelWidth + ((Math.log2(v) - low) / (high - low)) * plotWidth;
  const tick = (e: number) => (e >= 0 ? `${2 ** e}×` : `1/${2 ** -e}×`);
  const out: string[] = [];
  out.push(
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="system-ui, sans-serif" font-size="11">`,
    `<rect width="100%" height="100%" fill="#fff"/>`,
    `<text x="10" y="18" font-size="13" font-weight="bold">${escapeXml(`Cardfile's requests/s as a multiple of the others' (${r.contacts.toLocaleString("en-US")} contacts, ${r.date.slice(0, 10)})`)}</text>`,
  );
  series.forEach((s, i) => {
    out.push(
      `<rect x="${10 + i * 160}" y="30" width="10" height="10" fill="${s.color}"/><text x="${24 + i * 160}" y="39">${escapeXml(s.label)}</text>`,
    );
  });
  out.push(`<text x="${10 + series.length * 160}" y="39" fill="#b42318">- - - list targets: 0.5× and 3×</text>`);
  for (let e = low; e <= high; e++) {
    out.push(
      `<line x1="${x(2 ** e).toFixed(1)}" y1="${top - 4}" x2="${x(2 ** e).toFixed(1)}" y2="${height - 24}" stroke="${e === 0 ? "#555" : "#ddd"}"/>`,
    );
    out.push(`<text x="${x(2 ** e).toFixed(1)}" y="${height - 10}" text-anchor="middle" fill="#555">${tick(e)}</text>`);
  }
  for (const v of [0.5, 3]) {
    out.push(
      `<line x1="${x(v).toFixed(1)}" y1="${top - 4}" x2="${x(v).toFixed(1)}" y2="${height - 24}" stroke="#b42318" stroke-dasharray="3 3"/>`,
    );
  }
  rows.forEach((row, i) => {
    const y = top + i * groupHeight;
    out.push(`<text x="${labelWidth - 8}" y="${y + barHeight + 2}" text-anchor="end">${escapeXml(`${row.name} · ${row.db}`)}</text>`);
    series.forEach((s, j) => {
      const v = row[s.key];
      const by = y + j * barHeight;
      if (v === null || v <= 0) {
        out.push(`<text x="${x(1) + 4}" y="${by + barHeight - 2}" fill="#999">not measured</text>`);
        return;
      }
      const from = Math.min(x(1), x(v));
      const to = Math.max(x(1), x(v));
      out.push(
        `<rect x="${from.toFixed(1)}" y="${by}" width="${Math.max(1, to - from).toFixed(1)}" height="${barHeight - 2}" fill="${s.color}"/>`,
      );
      const label = v >= 10 ? v.toFixed(0) : v.toFixed(2);
      out.push(
        v >= 1
          ? `<text x="${(to + 4).toFixed(1)}" y="${by + barHeight - 2}">${label}</text>`
          : `<text x="${(from - 4).toFixed(1)}" y="${by + barHeight - 2}" text-anchor="end">${label}</text>`,
      );
    });
  });
  out.push("</svg>");
  return out.join("\n") + "\n";
}

/** The lines about the import and the exports printed at the end of a run. */
export function transferText(r: Pick<Results, "imports" | "exports" | "bulks">): string {
  const out: string[] = [];
  for (const b of r.bulks ?? []) {
    out.push(
      `bulk     ${b.db.padEnd(8)}  labelled ${count(b.contacts)} matching contacts in ${fmt(b.seconds, 2)} s; RSS ${fmt(b.rss_mb, 0)} MB`,
    );
  }
  for (const i of r.imports ?? []) {
    out.push(
      `import   ${i.db.padEnd(8)}  ${count(i.rows)} rows in ${fmt(i.seconds, 2)} s: ${fmt(i.rows_per_second, 0)} rows/s, ${fmt(i.vs_seed, 2)} × db:seed's ${fmt(i.seed.rows_per_second, 0)}; RSS ${fmt(i.rss_mb, 0)} MB`,
    );
  }
  for (const e of r.exports ?? []) {
    out.push(
      `export   ${e.db.padEnd(8)}  .${e.format}: ${count(e.contacts)} contacts in ${fmt(e.seconds, 2)} s, RSS ${fmt(e.rss_mb, 0)} MB; list p95 ${fmt(e.list_idle_p95_ms, 2)} → ${fmt(e.list_during_p95_ms, 2)} ms (${fmt(e.list_p95_ratio, 2)} ×)`,
    );
  }
  return out.length ? out.join("\n") + "\n" : "";
}

/** The table printed at the end of a run. */
export function textTable(results: ScenarioResult[]): string {
  const header = ["system", "db", "scenario", "req/s", "p50 ms", "p95 ms", "p99 ms", "RSS MB"];
  const body = results.map((s) => [
    s.system,
    s.db,
    s.name,
    fmt(s.rps, 0),
    fmt(s.p50_ms, 2),
    fmt(s.p95_ms, 2),
    fmt(s.p99_ms, 2),
    fmt(s.rss_mb, 0),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((row) => row[i]!.length)));
  const line = (cells: string[]) => cells.map((c, i) => (i < 3 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join("  ");
  return [line(header), line(widths.map((w) => "-".repeat(w))), ...body.map(line)].join("\n") + "\n";
}
