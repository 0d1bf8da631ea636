import { createHash, randomBytes } from "node:crypto";
import { existsSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { request as httpRequest } from "node:http";
import path from "node:path";
import { pipeline } from "node:stream/promises";
import { Writable, type Transform } from "node:stream";
import { createBrotliDecompress, createGunzip, createInflate } from "node:zlib";
import { csvLine } from "#app/imports/csv";
import { seedContact, seedNumber, type SeedContact } from "#scripts/seed-data";
import { ACCOUNT, postgresClient, root, tsx, withDatabase, type Dataset } from "./data";
import { cannon, listScenario, percentile, problemsOf, type RunStats, type Target } from "./load";
import type { Db } from "./options";
import { sampleRss, type Server } from "./processes";

// Cardfile's import and export, measured whole (docs/decisions/0021, its
// addendum): a Google Contacts CSV uploaded into a new account, reviewed and
// started as a browser does it, and waited for; the account's contacts
// downloaded as CSV and as vCard, as a browser downloads them. The others
// (baseline, peer) have neither.

/** What a browser sends; isbot() must not take the bench for a crawler. */
const USER_AGENT = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0 Safari/537.36";
/** A browser's, for a download: the server compresses (compression picks br). */
const ACCEPT_ENCODING = "gzip, deflate, br, zstd";

// ---------------------------------------------------------------- the file

/** Google Contacts' current export, the columns a contact of Cardfile fills. */
export const GOOGLE_CSV_COLUMNS = [
  "First Name",
  "Middle Name",
  "Last Name",
  "Organization Name",
  "E-mail 1 - Value",
  "Phone 1 - Value",
  "Notes",
] as const;
/** What the review page must suggest for them (app/imports/csv.ts, Google's table). */
export const GOOGLE_CSV_MAPPING = ["name:first", "name:middle", "name:last", "company", "email", "phone", "notes"] as const;
/** Not the dataset's seed: other people than the bench account's. */
const IMPORT_SEED = "google-import";

/**
 * A contact as Google writes it: the first word of the name as First Name,
 * the rest as Last Name (which keeps two surnames together, "Ramírez
 * Sánchez"), Middle Name empty as in most of Google's rows. The import joins
 * the parts with one space: the contact comes back with its generated name.
 */
function googleRow(contact: SeedContact): string[] {
  const space = contact.name.indexOf(" ");
  const first = space === -1 ? contact.name : contact.name.slice(0, space);
  const last = space === -1 ? "" : contact.name.slice(space + 1);
  return [first, "", last, contact.company ?? "", contact.email, contact.phone ?? "", contact.notes ?? ""];
}

/** Changes when the rows would: a file written by an older generator or writer is written again. */
function csvVersion(): string {
  const sources = ["scripts/seed-data.ts", "app/imports/csv.ts", "bench/lib/transfers.ts"];
  return createHash("sha256")
    .update(sources.map((f) => readFileSync(path.join(root, f), "utf8")).join("\0"))
    .digest("hex")
    .slice(0, 12);
}

/**
 * The Google Contacts CSV of `rows` generated people (scripts/seed-data.ts),
 * written with the app's own CSV writer (csvLine: RFC 4180, CRLF), once into
 * `dir` and reused while its generator is unchanged.
 */
export function importFile(dir: string, rows: number): { file: string; bytes: number } {
  const stem = `import-google-${rows}-`;
  const file = path.join(dir, `${stem}${csvVersion()}.csv`);
  if (!existsSync(file)) {
    for (const old of readdirSync(dir).filter((f) => f.startsWith(stem) && f.endsWith(".csv")))
      rmSync(path.join(dir, old), { force: true });
    const seed = seedNumber(IMPORT_SEED);
    const lines = [csvLine(GOOGLE_CSV_COLUMNS)];
    for (let i = 1; i <= rows; i++) lines.push(csvLine(googleRow(seedContact(seed, i))));
    const partial = `${file}.partial`;
    writeFileSync(partial, lines.join(""));
    renameSync(partial, file);
  }
  return { file, bytes: readFileSync(file).length };
}

// ---------------------------------------------------------------- db:seed, for comparison

export interface SeedTiming {
  rows: number;
  /** db:seed's own figure: its summary line "Added N contacts in S s (R rows/s)" */
  rows_per_second: number;
  seconds: number;
  /** the whole command, start-up, migrations and the account's password hash included */
  command_seconds: number;
}

/**
 * `npm run db:seed -- --contacts N` into a new account of a scratch database
 * (a file beside the dataset's, or a database of the bench's own on the same
 * Postgres server), made and removed here. Its rows per second are its own
 * summary's: from its first contact to its last, search index included.
 */
export async function timeSeed(dataset: Dataset, postgresUrl: string, rows: number): Promise<SeedTiming> {
  const tag = `${process.pid}_${randomBytes(4).toString("hex")}`;
  const file = path.join(dataset.dir, `seed-scratch-${tag}.sqlite`);
  const pgName = `cardfile_bench_seed_${tag}`;
  const removeFiles = () => {
    for (const suffix of ["", "-wal", "-shm"]) rmSync(file + suffix, { force: true });
  };
  let url: string;
  if (dataset.db === "sqlite") url = `file:${file}`;
  else {
    const admin = await postgresClient(postgresUrl);
    await admin.run(`create database ${pgName}`).finally(() => admin.close());
    url = withDatabase(postgresUrl, pgName);
  }
  try {
    const started = performance.now();
    const output = await tsx(
      "scripts/seed.ts",
      ["--contacts", String(rows), "--email", `seed-${tag.replace(/_/g, "-")}@cardfile.example`, "--password", ACCOUNT.password],
      url,
      true,
    );
    const commandSeconds = (performance.now() - started) / 1000;
    const summary = /Added ([\d,]+) contacts in ([\d.]+) s \(([\d,]+) rows\/s\)/.exec(output);
    if (!summary) throw new Error(`db:seed printed no summary line:\n${output.slice(-2000)}`);
    const number = (text: string) => Number(text.replace(/,/g, ""));
    if (number(summary[1]!) !== rows) throw new Error(`db:seed added ${summary[1]} contacts, not ${rows}`);
    return { rows, rows_per_second: number(summary[3]!), seconds: Number(summary[2]), command_seconds: round(commandSeconds, 2) };
  } finally {
    if (dataset.db === "sqlite") removeFiles();
    else {
      const admin = await postgresClient(postgresUrl);
      await admin.run(`drop database if exists ${pgName} with (force)`).finally(() => admin.close());
    }
  }
}

// ---------------------------------------------------------------- the import

export interface ImportMeasure {
  db: Db;
  rows: number;
  file_bytes: number;
  /** the format the upload was detected as */
  format: string | null;
  /** the upload POST, to its 303 to the review */
  upload_seconds: number;
  /** from the start POST to the import's finished_at */
  seconds: number;
  rows_per_second: number;
  seed: SeedTiming;
  /** rows_per_second ÷ db:seed's */
  vs_seed: number;
  /** peak resident memory of the server from the upload to done, in MB */
  rss_mb: number;
  /** the server's resident memory before the upload */
  rss_before_mb: number;
  created: number;
  skipped: number;
  rejected: number;
}

const round = (n: number, digits = 1) => Math.round(n * 10 ** digits) / 10 ** digits;
const mb = (bytes: number) => round(bytes / 1e6, 1);

function headers(token: string, extra: Record<string, string> = {}): Record<string, string> {
  return { Cookie: `cardfile_session=${token}`, "User-Agent": USER_AGENT, ...extra };
}

function decodeAttr(value: string): string {
  return value
    .replace(/&quot;/g, '"')
    .replace(/&#x27;|&#39;/g, "'")
    .replace(/&lt;/g, "<")
    .replace(/&gt;/g, ">")
    .replace(/&amp;/g, "&");
}

/** The review page's choices as its form would post them: each <select>'s selected option, the checked radio, the submission key. */
export function reviewFormOf(html: string): { mapping: string[]; onDuplicate: string | null; submissionKey: string | null } {
  const mapping: string[] = [];
  for (const [, index, body] of html.matchAll(/<select\b[^>]*\bname="mapping\[(\d+)\]"[^>]*>([\s\S]*?)<\/select>/g)) {
    const selected = /<option\b(?=[^>]*\bselected)[^>]*\bvalue="([^"]*)"/.exec(body!);
    mapping[Number(index)] = decodeAttr(selected?.[1] ?? "");
  }
  const checked = /<input\b(?=[^>]*\bname="onDuplicate")(?=[^>]*\bchecked)[^>]*\bvalue="([^"]*)"/.exec(html);
  const key = /<input\b(?=[^>]*\bname="submissionKey")[^>]*\bvalue="([^"]*)"/.exec(html);
  return { mapping, onDuplicate: checked?.[1] ?? null, submissionKey: key?.[1] ?? null };
}

function multipartFile(fields: Record<string, string>, file: { name: string; type: string; data: Buffer }) {
  const boundary = `----cardfilebench${randomBytes(8).toString("hex")}`;
  const head = Object.entries(fields)
    .map(([name, value]) => `--${boundary}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`)
    .join("");
  const body = Buffer.concat([
    Buffer.from(
      `${head}--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${file.name}"\r\nContent-Type: ${file.type}\r\n\r\n`,
    ),
    file.data,
    Buffer.from(`\r\n--${boundary}--\r\n`),
  ]);
  return { type: `multipart/form-data; boundary=${boundary}`, body };
}

type ImportRow = {
  state: string;
  format: string | null;
  records_done: number | string;
  created_count: number | string;
  skipped_count: number | string;
  rejected_count: number | string;
  finished_at: number | string | null;
  error: string | null;
};

/**
 * Uploads `file` into the account of `token` on `server`, takes the review
 * page's suggested mapping, starts the import (skip duplicates) and waits
 * for it, polling the imports table (the page's loader reads the same row).
 * Throws with the reason when anything answers otherwise than a browser
 * would see it work.
 */
export async function measureImport({
  server,
  dataset,
  token,
  file,
  rows,
  seed,
  say,
}: {
  server: Server;
  dataset: Dataset;
  token: string;
  file: string;
  rows: number;
  seed: SeedTiming;
  say: (text: string) => void;
}): Promise<ImportMeasure> {
  const base = server.baseURL;
  const data = readFileSync(file);
  const pid = server.process.pid!;
  const before = sampleRss(pid).stop();
  const rss = sampleRss(pid);
  try {
    say(`uploading ${mb(data.length)} MB`);
    const upload = multipartFile(
      { submissionKey: randomBytes(16).toString("base64url") },
      { name: "contacts.csv", type: "text/csv", data },
    );
    let t = performance.now();
    const uploaded = await fetch(`${base}/contacts/import`, {
      method: "POST",
      headers: headers(token, { "Content-Type": upload.type, Origin: base }),
      body: upload.body,
      redirect: "manual",
    });
    const uploadSeconds = (performance.now() - t) / 1000;
    const location = uploaded.headers.get("location") ?? "";
    const id = /^\/contacts\/import\/([A-Za-z0-9_-]{22})$/.exec(location)?.[1];
    if (uploaded.status !== 303 || !id) {
      throw new Error(`the upload answered ${uploaded.status} (location ${location || "none"}): ${(await uploaded.text()).slice(0, 500)}`);
    }
    await uploaded.arrayBuffer();

    const review = await fetch(base + location, { headers: headers(token), redirect: "manual" });
    const html = await review.text();
    if (review.status !== 200) throw new Error(`the review page answered ${review.status}: ${html.slice(0, 500)}`);
    const form = reviewFormOf(html);
    if (form.mapping.join() !== GOOGLE_CSV_MAPPING.join()) {
      throw new Error(`the review page suggests the mapping [${form.mapping.join(", ")}], not [${GOOGLE_CSV_MAPPING.join(", ")}]`);
    }
    if (!form.submissionKey) throw new Error("the review page has no submission key");

    say(`starting the import of ${rows.toLocaleString("en-US")} rows`);
    const body = new URLSearchParams({ submissionKey: form.submissionKey, intent: "start", onDuplicate: "skip" });
    form.mapping.forEach((target, i) => body.append(`mapping[${i}]`, target));
    const startedAt = Date.now();
    t = performance.now();
    const start = await fetch(base + location, {
      method: "POST",
      headers: headers(token, { "Content-Type": "application/x-www-form-urlencoded", Origin: base }),
      body,
      redirect: "manual",
    });
    if (start.status !== 303) throw new Error(`starting the import answered ${start.status}: ${(await start.text()).slice(0, 500)}`);
    await start.arrayBuffer();

    // Generous: the job polls once a second, and a slow machine may take minutes.
    const deadline = performance.now() + 120_000 + rows * 20;
    let row: ImportRow | undefined;
    for (;;) {
      [row] = await dataset.client.all<ImportRow>(
        "select state, format, records_done, created_count, skipped_count, rejected_count, finished_at, error from imports where id = ?",
        [id],
      );
      if (!row) throw new Error(`the import ${id} is gone`);
      if (row.state === "done" || row.state === "failed") break;
      if (server.process.exitCode !== null) throw new Error(`the server exited during the import`);
      if (performance.now() > deadline)
        throw new Error(`the import is still ${row.state} after ${round((performance.now() - t) / 1000)} s`);
      say(`importing: ${Number(row.records_done).toLocaleString("en-US")} of ${rows.toLocaleString("en-US")} rows (${row.state})`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    const peak = rss.stop();
    if (row.state === "failed") throw new Error(`the import failed: ${row.error}`);
    const seconds = (Number(row.finished_at) - startedAt) / 1000;
    const created = Number(row.created_count);
    const skipped = Number(row.skipped_count);
    const rejected = Number(row.rejected_count);
    if (created !== rows)
      throw new Error(`the import created ${created} contacts of ${rows} rows (${skipped} skipped, ${rejected} rejected)`);

    // What the user sees at the end.
    const result = await fetch(base + location, { headers: headers(token), redirect: "manual" });
    const page = await result.text();
    if (result.status !== 200 || !page.includes("The import is done.") || !page.includes(`<dd>${rows.toLocaleString("en-US")}</dd>`)) {
      throw new Error(`the import's page (${result.status}) does not show it done with ${rows} created`);
    }
    const rowsPerSecond = rows / seconds;
    return {
      db: dataset.db,
      rows,
      file_bytes: data.length,
      format: row.format,
      upload_seconds: round(uploadSeconds, 2),
      seconds: round(seconds, 2),
      rows_per_second: Math.round(rowsPerSecond),
      seed,
      vs_seed: round(rowsPerSecond / seed.rows_per_second, 2),
      rss_mb: mb(peak),
      rss_before_mb: mb(before),
      created,
      skipped,
      rejected,
    };
  } finally {
    rss.stop();
  }
}

// ---------------------------------------------------------------- the exports

export type ExportFormat = "csv" | "vcf";
export const EXPORT_FORMATS: readonly ExportFormat[] = ["csv", "vcf"];

interface Download {
  status: number;
  seconds: number;
  /** as sent (compressed) */
  wire_bytes: number;
  /** decompressed */
  bytes: number;
  encoding: string;
  /** contacts in the file: CSV records (CRLFs less the header's; the generated notes break lines with LF only), or BEGIN:VCARD lines */
  records: number;
}

/** Counts `pattern` in a stream of chunks, across chunk boundaries. */
function counter(pattern: Buffer) {
  let count = 0;
  let bytes = 0;
  let carry: Buffer = Buffer.alloc(0);
  return {
    sink: new Writable({
      write(chunk: Buffer, _encoding, done) {
        bytes += chunk.length;
        const text = carry.length ? Buffer.concat([carry, chunk]) : chunk;
        for (let at = text.indexOf(pattern); at !== -1; at = text.indexOf(pattern, at + pattern.length)) count++;
        carry = text.subarray(Math.max(0, text.length - pattern.length + 1));
        done();
      },
    }),
    get count() {
      return count;
    },
    get bytes() {
      return bytes;
    },
  };
}

/** GET /contacts/export.{csv,vcf} to its last byte, as a browser downloads it; decompressed on the way to count what it holds. */
export function download(baseURL: string, token: string, format: ExportFormat): Promise<Download> {
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      `${baseURL}/contacts/export.${format}`,
      { headers: headers(token, { "Accept-Encoding": ACCEPT_ENCODING }) },
      (res) => {
        const encoding = String(res.headers["content-encoding"] ?? "identity");
        let wire = 0;
        res.on("data", (chunk: Buffer) => (wire += chunk.length));
        const count = counter(Buffer.from(format === "csv" ? "\r\n" : "BEGIN:VCARD\r\n"));
        const decoder: Transform | null =
          encoding === "br"
            ? createBrotliDecompress()
            : encoding === "gzip"
              ? createGunzip()
              : encoding === "deflate"
                ? createInflate()
                : null;
        const done = () => {
          const records = format === "csv" ? count.count - 1 : count.count;
          resolve({
            status: res.statusCode ?? 0,
            seconds: (performance.now() - started) / 1000,
            wire_bytes: wire,
            bytes: count.bytes,
            encoding,
            records,
          });
        };
        (decoder ? pipeline(res, decoder, count.sink) : pipeline(res, count.sink)).then(done, reject);
      },
    );
    req.on("error", reject);
    req.end();
  });
}

export interface ExportMeasure {
  db: Db;
  format: ExportFormat;
  contacts: number;
  /** the download alone, request to last byte */
  seconds: number;
  wire_bytes: number;
  bytes: number;
  encoding: string;
  /** peak resident memory of the server during the download alone, in MB */
  rss_mb: number;
  /** the list (/contacts, 1 connection): its p95 right before, idle, and while exports run */
  list_idle_p95_ms: number;
  list_idle_samples: number;
  list_during_p95_ms: number;
  list_during_samples: number;
  /** list_during_p95_ms ÷ list_idle_p95_ms */
  list_p95_ratio: number;
  /** the first download while the list was loaded, and how many ran back to back to cover its run */
  seconds_with_list: number;
  downloads_with_list: number;
  /** peak resident memory during the exports with the list */
  rss_with_list_mb: number;
}

async function checkedDownload(server: Server, token: string, format: ExportFormat, contacts: number): Promise<Download> {
  const result = await download(server.baseURL, token, format);
  if (result.status !== 200) throw new Error(`/contacts/export.${format} answered ${result.status}`);
  if (result.records !== contacts) throw new Error(`/contacts/export.${format} holds ${result.records} contacts, not ${contacts}`);
  return result;
}

function listProblems(run: RunStats, what: string): string[] {
  return problemsOf(run).map((p) => `list ${what}: ${p}`);
}

/**
 * Each format downloaded alone (time, memory), then, for each, the list's
 * latency with 1 connection idle and while the export runs (downloads back
 * to back until the list has run `seconds`, at least one whole download).
 */
export async function measureExports({
  server,
  dataset,
  token,
  seconds,
  say,
}: {
  server: Server;
  dataset: Dataset;
  token: string;
  seconds: number;
  say: (text: string) => void;
}): Promise<ExportMeasure[]> {
  const pid = server.process.pid!;
  const target: Target = { system: "cardfile", baseURL: server.baseURL, token };
  const list = listScenario();
  const alone = new Map<ExportFormat, { download: Download; rss: number }>();
  for (const format of EXPORT_FORMATS) {
    say(`downloading /contacts/export.${format}`);
    const rss = sampleRss(pid);
    try {
      const result = await checkedDownload(server, token, format, dataset.contacts);
      alone.set(format, { download: result, rss: rss.stop() });
    } finally {
      rss.stop();
    }
  }
  const measures: ExportMeasure[] = [];
  for (const format of EXPORT_FORMATS) {
    say(`list latency, idle (${seconds} s)`);
    const idle = await cannon(target, list, 1, seconds);
    say(`list latency while /contacts/export.${format} downloads`);
    const rss = sampleRss(pid);
    const started = performance.now();
    const downloads: Download[] = [];
    const exporting = (async () => {
      do downloads.push(await checkedDownload(server, token, format, dataset.contacts));
      while (performance.now() - started < seconds * 1000);
    })();
    let during: RunStats;
    try {
      during = await cannon(target, list, 1, 3600, exporting);
      await exporting;
    } finally {
      rss.stop();
    }
    const problems = [...listProblems(idle, "idle"), ...listProblems(during, `during export.${format}`)];
    if (problems.length) throw new Error(problems.join("; "));
    const first = alone.get(format)!;
    const idleP95 = percentile(idle.latencies, 95);
    const duringP95 = percentile(during.latencies, 95);
    measures.push({
      db: dataset.db,
      format,
      contacts: dataset.contacts,
      seconds: round(first.download.seconds, 2),
      wire_bytes: first.download.wire_bytes,
      bytes: first.download.bytes,
      encoding: first.download.encoding,
      rss_mb: mb(first.rss),
      list_idle_p95_ms: round(idleP95, 2),
      list_idle_samples: idle.latencies.length,
      list_during_p95_ms: round(duringP95, 2),
      list_during_samples: during.latencies.length,
      list_p95_ratio: round(duringP95 / idleP95, 2),
      seconds_with_list: round(downloads[0]!.seconds, 2),
      downloads_with_list: downloads.length,
      rss_with_list_mb: mb(rss.stop()),
    });
  }
  return measures;
}

/** The bulk "label every contact matching" of issue 13, timed whole (the POST answers once every batch is done). */
export interface BulkMeasure {
  db: Db;
  /** contacts the action labelled (every one with the seeded label Family: about 10% of the dataset) */
  contacts: number;
  seconds: number;
  /** peak resident memory of the server during it */
  rss_mb: number;
}

/**
 * Labels every contact with the label Family with a new label, through the
 * list's bulk form (scope=matching), times the POST, checks every one got
 * it, and deletes the new label again (its pairs with it).
 */
export async function measureBulk({
  server,
  dataset,
  token,
  say,
}: {
  server: Server;
  dataset: Dataset;
  token: string;
  say: (text: string) => void;
}): Promise<BulkMeasure> {
  const base = server.baseURL;
  const post = (pathname: string, fields: Record<string, string>) =>
    fetch(base + pathname, {
      method: "POST",
      headers: headers(token, { "Content-Type": "application/x-www-form-urlencoded", Origin: base }),
      body: new URLSearchParams({ submissionKey: randomBytes(16).toString("base64url"), ...fields }),
      redirect: "manual",
    });
  const { client, userId } = dataset;
  const [family] = await client.all<{ id: string }>("select id from labels where owner_id = ? and name = ?", [userId, "Family"]);
  if (!family) throw new Error("the dataset has no label Family (scripts/seed-data.ts SEED_LABELS)");
  const [{ n }] = (await client.all<{ n: number | string }>(
    "select count(*) as n from contact_labels join contacts on contacts.id = contact_labels.contact_id where label_id = ? and deleted_at is null",
    [family.id],
  )) as [{ n: number | string }];
  const contacts = Number(n);
  const name = `Bench bulk ${Date.now()}`;
  const created = await post("/labels", { intent: "create", name });
  if (created.status !== 303) throw new Error(`creating the label answered ${created.status}`);
  const [label] = await client.all<{ id: string }>("select id from labels where owner_id = ? and name = ?", [userId, name]);
  try {
    say(`labelling ${contacts.toLocaleString("en-US")} contacts`);
    const rss = sampleRss(server.process.pid!);
    const started = performance.now();
    let seconds: number;
    try {
      const answer = await post("/contacts/bulk", {
        action: "add-label",
        labelId: label!.id,
        scope: "matching",
        list: `/contacts?label=${family.id}`,
        returnTo: "/contacts",
      });
      seconds = (performance.now() - started) / 1000;
      if (answer.status !== 303) throw new Error(`the bulk action answered ${answer.status}: ${(await answer.text()).slice(0, 300)}`);
    } finally {
      rss.stop();
    }
    const [{ n: labelled }] = (await client.all<{ n: number | string }>("select count(*) as n from contact_labels where label_id = ?", [
      label!.id,
    ])) as [{ n: number | string }];
    if (Number(labelled) !== contacts) throw new Error(`the bulk action labelled ${labelled} contacts, not ${contacts}`);
    return { db: dataset.db, contacts, seconds: Math.round(seconds * 100) / 100, rss_mb: Math.round(rss.stop() / 1e5) / 10 };
  } finally {
    await post("/labels", { intent: "delete", id: label!.id });
  }
}
