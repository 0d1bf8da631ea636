import autocannon from "autocannon";
import { randomBytes } from "node:crypto";
import { gzipSync } from "node:zlib";
import { CREATED_EMAIL_DOMAIN, CREATED_EMAIL_PREFIX, PAGE_SIZE, type Fixtures } from "./data";
import { CARDFILE_ONLY, type BenchOptions, type LoadScenarioName, type System } from "./options";

// One scenario = one kind of request, sent the same way to every system:
// checked once for the right content, then a warm-up, a latency run and a
// throughput run. Any error, timeout or unexpected status fails it: numbers
// measured on error pages would mean nothing.

/** What a browser sends; isbot() must not take the bench for a crawler. */
const USER_AGENT = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0 Safari/537.36";
const SESSION_COOKIE = "cardfile_session";
const ID_IN_LINK = /href="\/contacts\/([A-Za-z0-9_-]{22})"/g;

export interface Target {
  system: System;
  baseURL: string;
  /** the session cookie's value */
  token: string;
  /** the peer's form: the hidden field that names its server action */
  actionField?: string;
}

export interface Scenario {
  name: LoadScenarioName;
  method: "GET" | "POST";
  path: string;
  expectStatus: number;
  /** a fresh body for each request (create) */
  body?: () => { type: string; body: string };
  /** why the one checked response is not what this scenario should measure, or null */
  check(response: { status: number; location: string | null; html: string }): string | null;
}

/** Contact ids the page links to, in order, without repeats. */
export function linkedIds(html: string): string[] {
  return [...new Set([...html.matchAll(ID_IN_LINK)].map((m) => m[1]!))];
}

function decodeEntities(html: string): string {
  return html
    .replace(/&#x([0-9a-f]+);/gi, (_, hex: string) => String.fromCodePoint(parseInt(hex, 16)))
    .replace(/&#(\d+);/g, (_, dec: string) => String.fromCodePoint(Number(dec)))
    .replace(/&quot;/g, '"')
    .replace(/&lt;/g, "<")
    .replace(/&gt;/g, ">")
    .replace(/&amp;/g, "&");
}

let created = 0;
const runTag = randomBytes(3).toString("hex");

/** A new contact's fields, unique on every call (the account must not hold the address yet). */
function newContactFields(): Record<string, string> {
  const n = ++created;
  return {
    name: `Bench Contact ${n}`,
    email: `${CREATED_EMAIL_PREFIX}${runTag}-${n}@${CREATED_EMAIL_DOMAIN}`,
    company: "Benchmark Ltd",
    phone: "+1 555 0100",
    notes: "Made by npm run bench.",
  };
}

function multipart(fields: Record<string, string>): { type: string; body: string } {
  const boundary = `----cardfilebench${randomBytes(8).toString("hex")}`;
  const parts = Object.entries(fields).map(
    ([name, value]) => `--${boundary}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`,
  );
  return { type: `multipart/form-data; boundary=${boundary}`, body: `${parts.join("")}--${boundary}--\r\n` };
}

function rows(expect: (n: number) => boolean, what: string) {
  return ({ status, html }: { status: number; html: string }) => {
    if (status !== 200) return `answered ${status}`;
    const n = linkedIds(html).length;
    return expect(n) ? null : `shows ${n} contacts; expected ${what}`;
  };
}

export function scenariosFor(target: Target, fixtures: Fixtures, options: BenchOptions, firstPage: string[]): Scenario[] {
  const search = (q: string) => `/contacts?${new URLSearchParams({ q })}`;
  const all: Scenario[] = [
    listScenario(),
    {
      name: "list-deep",
      method: "GET",
      path: `/contacts?${new URLSearchParams({ cursor: fixtures.deepCursor })}`,
      expectStatus: 200,
      check: (response) => {
        const problem = rows((n) => n === PAGE_SIZE, `${PAGE_SIZE}`)(response);
        if (problem) return problem;
        return linkedIds(response.html).some((id) => firstPage.includes(id)) ? "shows contacts of the first page" : null;
      },
    },
    {
      name: "search",
      method: "GET",
      path: search(options.terms.common),
      expectStatus: 200,
      check: rows((n) => n === PAGE_SIZE, `a full page (${PAGE_SIZE})`),
    },
    {
      name: "search-rare",
      method: "GET",
      path: search(fixtures.rareTerm),
      expectStatus: 200,
      check: rows((n) => n >= 1 && n <= 10, "1 to 10"),
    },
    { name: "search-short", method: "GET", path: search(options.terms.short), expectStatus: 200, check: rows((n) => n >= 1, "at least 1") },
    {
      name: "detail",
      method: "GET",
      path: `/contacts/${fixtures.detail.id}`,
      expectStatus: 200,
      check: ({ status, html }) =>
        status !== 200
          ? `answered ${status}`
          : decodeEntities(html).includes(fixtures.detail.name)
            ? null
            : `does not show ${fixtures.detail.name}`,
    },
    {
      name: "create",
      method: "POST",
      path: "/contacts/new",
      expectStatus: 303,
      body:
        target.system === "peer"
          ? // Next renders a server action's form with a hidden field that names the action.
            () => multipart({ [target.actionField!]: "", ...newContactFields() })
          : // Cardfile takes any fresh key of the right shape (app/http/submissions.server.ts);
            // the baseline ignores it.
            () => ({
              type: "application/x-www-form-urlencoded",
              body: new URLSearchParams({ submissionKey: randomBytes(16).toString("base64url"), ...newContactFields() }).toString(),
            }),
      check: ({ status, location, html }) => {
        if (status !== 303) return `answered ${status}: ${html.slice(0, 300)}`;
        return /\/contacts\/[A-Za-z0-9_-]{22}$/.test(location ?? "") ? null : `redirected to ${location}, not to the new contact`;
      },
    },
    {
      name: "label",
      method: "GET",
      path: `/contacts?${new URLSearchParams({ label: fixtures.labelId })}`,
      expectStatus: 200,
      check: rows((n) => n === PAGE_SIZE, `a full page (${PAGE_SIZE})`),
    },
    { name: "starred", method: "GET", path: "/contacts?starred=1", expectStatus: 200, check: rows((n) => n === PAGE_SIZE, `${PAGE_SIZE}`) },
    {
      name: "sort-name",
      method: "GET",
      path: "/contacts?sort=name",
      expectStatus: 200,
      check: rows((n) => n === PAGE_SIZE, `${PAGE_SIZE}`),
    },
    {
      name: "sort-name-deep",
      method: "GET",
      path: `/contacts?${new URLSearchParams({ sort: "name", cursor: fixtures.nameDeepCursor })}`,
      expectStatus: 200,
      check: rows((n) => n === PAGE_SIZE, `${PAGE_SIZE}`),
    },
    // The duplicates page, each kind: it answers with a page of groups, or says there are none.
    ...(["name", "phone", "email"] as const).map((kind): Scenario => ({
      name: kind === "name" ? "duplicates" : `duplicates-${kind}`,
      method: "GET",
      path: `/contacts/duplicates?kind=${kind}`,
      expectStatus: 200,
      check: ({ status, html }) =>
        status !== 200 ? `answered ${status}` : /class="duplicate-groups"|No two of your contacts/.test(html) ? null : "shows no groups",
    })),
  ];
  return all.filter((s) => options.scenarios.includes(s.name) && (target.system === "cardfile" || !CARDFILE_ONLY.has(s.name)));
}

/** The list scenario alone (the exports measure its latency while they run). */
export function listScenario(): Scenario {
  return { name: "list", method: "GET", path: "/contacts", expectStatus: 200, check: rows((n) => n === PAGE_SIZE, `${PAGE_SIZE}`) };
}

function headersFor(target: Target, extra: Record<string, string> = {}): Record<string, string> {
  return { Cookie: `${SESSION_COOKIE}=${target.token}`, "User-Agent": USER_AGENT, ...extra };
}

/** The peer's create form names its server action in a hidden input; find it. */
export async function findActionField(target: Target): Promise<string> {
  const response = await fetch(`${target.baseURL}/contacts/new`, { headers: headersFor(target), redirect: "manual" });
  const html = await response.text();
  const match = /name="(\$ACTION_ID_[0-9a-f]+)"/.exec(html);
  if (!match) throw new Error(`the peer's /contacts/new (${response.status}) has no server action field`);
  return match[1]!;
}

/**
 * Sends the scenario's request once: what is wrong with the answer (or
 * null), and the contacts the page links to, in order.
 */
export async function checkScenario(target: Target, scenario: Scenario): Promise<{ problem: string | null; ids: string[] }> {
  const body = scenario.body?.();
  const response = await fetch(target.baseURL + scenario.path, {
    method: scenario.method,
    headers: headersFor(target, body ? { "Content-Type": body.type, Origin: target.baseURL } : {}),
    body: body?.body,
    redirect: "manual",
    signal: AbortSignal.timeout(30_000),
  });
  const html = await response.text();
  return { problem: scenario.check({ status: response.status, location: response.headers.get("location"), html }), ids: linkedIds(html) };
}

/**
 * Whether `system` must list the same contacts as Cardfile in this scenario.
 * The baseline runs Cardfile's queries: always. The peer runs the seed's
 * (a plain substring over name, email and company): the same pages except
 * for a short term, which Cardfile matches at word starts only.
 */
export function sameContactsAsCardfile(system: System, scenario: LoadScenarioName): boolean {
  if (scenario === "create" || scenario === "detail") return false;
  return system === "baseline" || scenario !== "search-short";
}

export interface RunStats {
  connections: number;
  seconds: number;
  /** responses with the expected status */
  responses: number;
  /** each response's time in ms, in arrival order */
  latencies: number[];
  /** responses with any other status, by status */
  unexpected: Map<number, number>;
  errors: number;
  timeouts: number;
}

/** Responses with the expected status per second. */
export const rpsOf = (run: RunStats) => (run.seconds > 0 ? run.responses / run.seconds : 0);

/** Why a run's numbers cannot stand: errors, timeouts, unexpected statuses, or nothing measured. */
export function problemsOf(run: RunStats): string[] {
  const problems = [...run.unexpected].map(([status, count]) => `${count} × status ${status}`);
  if (run.errors) problems.push(`${run.errors} errors`);
  if (run.timeouts) problems.push(`${run.timeouts} timeouts`);
  if (run.responses === 0) problems.push("no successful response");
  return problems;
}

/** Adds `more` (another run of the same scenario) to `run`. */
export function mergeRuns(run: RunStats, more: RunStats): RunStats {
  const unexpected = new Map(run.unexpected);
  for (const [status, count] of more.unexpected) unexpected.set(status, (unexpected.get(status) ?? 0) + count);
  return {
    connections: run.connections,
    seconds: run.seconds + more.seconds,
    responses: run.responses + more.responses,
    latencies: [...run.latencies, ...more.latencies],
    unexpected,
    errors: run.errors + more.errors,
    timeouts: run.timeouts + more.timeouts,
  };
}

/**
 * One autocannon run of `scenario` against `target`: for `seconds`, or, with
 * `until`, until that promise settles (`seconds` is then only a bound).
 */
export function cannon(
  target: Target,
  scenario: Scenario,
  connections: number,
  seconds: number,
  until?: Promise<unknown>,
): Promise<RunStats> {
  const latencies: number[] = [];
  const statuses = new Map<number, number>();
  const request: autocannon.Request = { method: scenario.method, path: scenario.path };
  if (scenario.body) {
    const make = scenario.body;
    // A fresh body (new address, new submission key) for every request.
    request.setupRequest = (req) => {
      const { type, body } = make();
      return { ...req, body, headers: { ...req.headers, "Content-Type": type } };
    };
  }
  return new Promise((resolve, reject) => {
    const instance = autocannon(
      {
        url: target.baseURL,
        connections,
        duration: seconds,
        timeout: 10,
        // autocannon looks at a stop once a sample: sooner than each second when `until` ends the run.
        ...(until ? { sampleInt: 100 } : {}),
        headers: headersFor(target, scenario.body ? { Origin: target.baseURL } : {}),
        requests: [request],
      },
      (error, result) => {
        if (error) return reject(error);
        const responses = statuses.get(scenario.expectStatus) ?? 0;
        statuses.delete(scenario.expectStatus);
        resolve({
          connections,
          seconds: result.duration,
          responses,
          latencies,
          unexpected: statuses,
          errors: result.errors,
          timeouts: result.timeouts,
        });
      },
    );
    const stop = () => instance.stop();
    until?.then(stop, stop);
    instance.on("response", (_client, statusCode, _bytes, responseTime) => {
      statuses.set(statusCode, (statuses.get(statusCode) ?? 0) + 1);
      // Only successful responses are timed: an error page's time is no latency of this scenario.
      if (statusCode === scenario.expectStatus) latencies.push(responseTime);
    });
  });
}

/** The nearest-rank percentile `p` of `values`, in ms. */
export function percentile(values: number[], p: number): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}

/**
 * The JavaScript a browser loads for a hydrated page: every module the HTML
 * preloads or its scripts import, fetched and gzipped at level 9 (what
 * `gzip -9` makes; the server's own compression is not at 9, so this is a
 * floor of what crosses the wire, not a sample of one response).
 */
export async function clientJs(target: Target, pagePath: string): Promise<{ gzipBytes: number; files: string[] }> {
  const response = await fetch(target.baseURL + pagePath, { headers: headersFor(target), redirect: "manual" });
  if (response.status !== 200) throw new Error(`GET ${pagePath} answered ${response.status}`);
  const html = await response.text();
  const urls = new Set<string>();
  const attr = (tag: string, name: string) => new RegExp(`\\s${name}="([^"]*)"`, "i").exec(tag)?.[1];
  for (const [tag] of html.matchAll(/<link\b[^>]*>/gi)) {
    const rel = attr(tag, "rel")?.toLowerCase();
    const href = attr(tag, "href");
    if (href && (rel === "modulepreload" || (rel === "preload" && attr(tag, "as") === "script"))) urls.add(href);
  }
  for (const [, open, content] of html.matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script>/gi)) {
    const src = attr(open!, "src");
    if (src) urls.add(src);
    for (const [, specifier] of content!.matchAll(/\bimport\s*(?:[\w*{}\s,]*from\s*)?\(?\s*["']([^"']+\.m?js)["']/g)) urls.add(specifier!);
  }
  let gzipBytes = 0;
  const files = [...urls].map((u) => new URL(u.replace(/&amp;/g, "&"), target.baseURL + pagePath).toString());
  for (const file of files) {
    const asset = await fetch(file, { headers: { "Accept-Encoding": "identity" } });
    if (asset.status !== 200) throw new Error(`${file} answered ${asset.status}`);
    gzipBytes += gzipSync(Buffer.from(await asset.arrayBuffer()), { level: 9 }).length;
  }
  return { gzipBytes, files: files.map((f) => new URL(f).pathname) };
}
