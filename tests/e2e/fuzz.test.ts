import { parseWithZod } from "@conform-to/zod/v4";
import Database from "better-sqlite3";
import { randomInt } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import http from "node:http";
import net from "node:net";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { Random } from "#scripts/random";
import { bodyLimitFor } from "#server/policy.js";
import { LoginSchema, SignupSchema } from "#app/auth/auth-schema";
import { ContactFormSchema } from "#app/contacts/contact-schema";
import { createDatabase } from "#db/database.server";
import { migrateToLatest } from "#db/migrate";
import { fillPattern, isCatchAll, routeFor, type AppRoute } from "./routes";
import { frameworkMessagesIn } from "./framework-messages";
import { startServer, type RunningServer } from "./spawn-server";

// A fuzz test for every loader and action of the production server: thousands
// of generated malformed requests (wrong content types, missing and repeated
// fields, overlong values, control and unpaired-surrogate characters, SQL and
// HTML injection, broken ids, cursors, cookies and framing), mixed with a
// known set of valid writes. It runs its own server.js against its own SQLite
// file so that afterwards the database can be compared, row by row, with what
// the valid requests wrote. The routes come from the build's manifest
// (inject("routes")): a new route is fuzzed without editing this file.
//
// The requests come from a seeded PRNG: the seed is printed, and FUZZ_SEED
// replays a run (server-generated ids differ, the requests do not).
// FUZZ_REQUESTS changes how many malformed requests are sent (default 2,400).

const root = resolve(fileURLToPath(new URL("../..", import.meta.url)));
const SEED = process.env.FUZZ_SEED ? seedFrom(process.env.FUZZ_SEED) : randomInt(2 ** 31);
const FUZZ_REQUESTS = Math.max(2_000, Number(process.env.FUZZ_REQUESTS ?? 2_400));
const CONCURRENCY = 8; // in flight at once: 7 fuzz workers and the valid lane
const REQUEST_TIMEOUT_MS = 15_000; // a request that takes this long is a hang, and a failure
const BODY_LIMIT = 64 * 1024;

// ---------------------------------------------------------------------------
// Deterministic randomness

function seedFrom(text: string): number {
  if (!/^\d+$/.test(text) || Number(text) >= 2 ** 32)
    throw new Error(`FUZZ_SEED must be an integer below 2^32, not ${JSON.stringify(text)}`);
  return Number(text);
}

/** The fuzzer's randomness: scripts/random.ts's mulberry32 (the same sequence on every machine), with a few more kinds of pick. */
class Rng extends Random {
  weighted<T>(items: readonly (readonly [number, T])[]): T {
    let roll = this.next() * items.reduce((sum, [w]) => sum + w, 0);
    for (const [w, item] of items) if ((roll -= w) < 0) return item;
    return items[items.length - 1]![1];
  }
  string(length: number, alphabet = "abcdefghijklmnopqrstuvwxyz0123456789"): string {
    let s = "";
    for (let i = 0; i < length; i++) s += alphabet[this.int(alphabet.length)];
    return s;
  }
  id(): string {
    return this.string(22, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-");
  }
}

// ---------------------------------------------------------------------------
// Hostile strings

const SQL = [
  "' OR 1=1 --",
  '"; DROP TABLE contacts; --',
  "Robert'); DROP TABLE users;--",
  "' UNION SELECT 1,2,3 --",
  "1; DELETE FROM sessions",
  "%' OR '%'='",
  "\\'; --",
  "admin'--",
];
const HTML = [
  "<script>alert(1)</script>",
  '"><img src=x onerror=alert(1)>',
  "<svg onload=alert(1)>",
  "</textarea><script>alert(1)</script>",
  "javascript:alert(1)",
  "{{7*7}} ${7*7} <%= 7*7 %>",
];
/** What must never appear unescaped in an HTML response. */
const RAW_HTML_PAYLOADS = ["<script>alert(1)", "<img src=x onerror", "<svg onload"];
const UNICODE = ["Zoë", "Zoe\u0308 Ölmez", "日本語", "😀👍🏽", "\u202Eevil", "a\u200Bb", "\uFEFFbom", "𝔘𝔫𝔦𝔠𝔬𝔡𝔢", "ﬁ Ⅻ", "İı", "ß"];
const CONTROL = ["\u0000", "\u0001", "\u0007", "\u0008", "\u000b", "\u000c", "\u000e", "\u001b", "\u001f", "\u007f"];
const LONE_SURROGATES = ["\uD800", "\uDFFF", "a\uDC00b", "\uD83D"]; // fetch sends them as U+FFFD
const BAD_UTF8: readonly Uint8Array[] = [
  Uint8Array.of(0xed, 0xa0, 0x80), // UTF-8 encoding of the lone surrogate U+D800
  Uint8Array.of(0xed, 0xbf, 0xbf),
  Uint8Array.of(0xc0, 0xaf), // overlong "/"
  Uint8Array.of(0xff, 0xfe),
  Uint8Array.of(0xe0, 0xa4),
  Uint8Array.of(0x80),
];
const BAD_PERCENT = ["%E0%A4%A", "%ED%A0%80", "%", "%%", "%zz", "%C0%AF", "%FF", "%00", "%u0041", "%2", "%E2%82"];
const SPACES = ["   ", "\t", "\u00a0", "\u3000", " \r\n "];

/** Every route of the production build, from its manifest (tests/e2e/routes.ts). */
const MANIFEST: AppRoute[] = inject("routes");
/** Their URL patterns, parameters as the manifest writes them: "/contacts/:contactId/edit". */
const ROUTES = MANIFEST.map((r) => r.pattern);
const ROUTE_IDS: Record<string, string> = Object.fromEntries(MANIFEST.map((r) => [r.pattern, r.id]));
/** Routes with an action: every one of them gets fuzzed writes. */
const ACTION_ROUTES = MANIFEST.filter((r) => r.action).map((r) => r.pattern);
/** The routes whose writes the generators and the model below know by name (checked against the manifest). */
const AUTH_WRITES = ["/login", "/signup", "/logout"];
const KNOWN_WRITES = [...AUTH_WRITES, "/account", "/contacts/new", "/contacts/:contactId/edit"];
/** Writes to routes under /contacts: the contact form's routes more often. */
const CONTACT_WRITES = ACTION_ROUTES.filter((p) => p.startsWith("/contacts")).map(
  (p) => [p === "/contacts/new" || p.endsWith("/edit") ? 4 : 2, p] as const,
);
/** Action routes no generator knows by name (none today): fuzzed with generic hostile forms. */
const OTHER_WRITES = ACTION_ROUTES.filter((p) => !p.startsWith("/contacts") && !KNOWN_WRITES.includes(p));

/** React's text and attribute escaping. */
function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#x27;" })[c]!);
}

// ---------------------------------------------------------------------------
// Forms, encoded by hand so that every byte is ours to choose

/** A string (sent as UTF-8, percent-encoded), raw bytes, bytes percent-encoded, verbatim text, or a file. */
type Value =
  | string
  | { raw: Uint8Array }
  | { pct: Uint8Array }
  | { verbatim: string }
  | { file: { filename: string; type: string; data: Uint8Array } };
type Field = [name: string, value: Value];

function pctEncode(bytes: Uint8Array): string {
  let s = "";
  for (const b of bytes) {
    const c = String.fromCharCode(b);
    s += /[A-Za-z0-9*\-._]/.test(c) ? c : b === 0x20 ? "+" : `%${b.toString(16).toUpperCase().padStart(2, "0")}`;
  }
  return s;
}

function valueBytes(value: Value, forUrlencoded: boolean): Buffer {
  if (typeof value === "string") {
    const utf8 = Buffer.from(value, "utf8"); // lone surrogates become U+FFFD, as in a browser
    return forUrlencoded ? Buffer.from(pctEncode(utf8), "latin1") : utf8;
  }
  if ("raw" in value) return Buffer.from(value.raw);
  if ("pct" in value) return forUrlencoded ? Buffer.from(pctEncode(value.pct), "latin1") : Buffer.from(value.pct);
  if ("verbatim" in value) return Buffer.from(value.verbatim, "latin1");
  return forUrlencoded ? Buffer.from(pctEncode(Buffer.from(value.file.filename)), "latin1") : Buffer.from(value.file.data);
}

function urlencoded(fields: Field[]): Buffer {
  const parts: Buffer[] = [];
  fields.forEach(([name, value], i) => {
    if (i) parts.push(Buffer.from("&"));
    parts.push(Buffer.from(pctEncode(Buffer.from(name, "utf8")), "latin1"), Buffer.from("="), valueBytes(value, true));
  });
  return Buffer.concat(parts);
}

function multipart(fields: Field[], boundary: string, { close = true } = {}): Buffer {
  const parts: Buffer[] = [];
  for (const [name, value] of fields) {
    const file = typeof value === "object" && "file" in value ? value.file : null;
    const disposition = `form-data; name="${name}"${file ? `; filename="${file.filename}"` : ""}`;
    parts.push(
      Buffer.from(`--${boundary}\r\nContent-Disposition: ${disposition}\r\n${file ? `Content-Type: ${file.type}\r\n` : ""}\r\n`, "utf8"),
    );
    parts.push(valueBytes(value, false), Buffer.from("\r\n"));
  }
  if (close) parts.push(Buffer.from(`--${boundary}--\r\n`));
  return Buffer.concat(parts);
}

interface EncodedBody {
  contentType: string | null;
  body: Buffer;
  encoding: string;
}

/** The fields in one of many encodings, well-formed or not. */
function encodeFields(rng: Rng, fields: Field[]): EncodedBody {
  const boundary = `----fuzz${rng.string(16)}`;
  const plain = fields.map(([n, v]): [string, string] => [n, typeof v === "string" ? v : "x"]);
  return rng.weighted<() => EncodedBody>([
    [50, () => ({ contentType: "application/x-www-form-urlencoded", body: urlencoded(fields), encoding: "urlencoded" })],
    [
      6,
      () => ({
        contentType: rng.pick([
          "application/x-www-form-urlencoded;charset=UTF-8",
          "APPLICATION/X-WWW-FORM-URLENCODED",
          "application/x-www-form-urlencoded; charset=iso-8859-1",
          "application/x-www-form-urlencoded;;;",
          "application/x-www-form-urlencoded; boundary=x",
        ]),
        body: urlencoded(fields),
        encoding: "urlencoded with odd parameters",
      }),
    ],
    [18, () => ({ contentType: `multipart/form-data; boundary=${boundary}`, body: multipart(fields, boundary), encoding: "multipart" })],
    [
      5,
      () => {
        const file: Field = [
          rng.pick(["name", "avatar", "email", "notes"]),
          {
            file: {
              filename: rng.pick(["a.txt", "../../etc/passwd", 'x".php', "😀.png"]),
              type: rng.pick(["text/plain", "application/octet-stream", "image/png"]),
              data: Buffer.from(rng.pick(["hello", "\u0000\u0001binary", "<script>alert(1)</script>"])),
            },
          },
        ];
        const all = rng.chance(0.5) ? [...fields, file] : [file, ...fields];
        return {
          contentType: `multipart/form-data; boundary=${boundary}`,
          body: multipart(all, boundary),
          encoding: "multipart with a file field",
        };
      },
    ],
    [
      6,
      () =>
        rng.pick<() => EncodedBody>([
          () => ({
            contentType: "multipart/form-data; boundary=",
            body: multipart(fields, boundary),
            encoding: "multipart, empty boundary",
          }),
          () => ({ contentType: "multipart/form-data", body: multipart(fields, boundary), encoding: "multipart, no boundary" }),
          () => ({
            contentType: `multipart/form-data; boundary=other${boundary}`,
            body: multipart(fields, boundary),
            encoding: "multipart, wrong boundary",
          }),
          () => ({
            contentType: `multipart/form-data; boundary=${boundary}`,
            body: multipart(fields, boundary, { close: false }),
            encoding: "multipart, unterminated",
          }),
          () => ({
            contentType: `multipart/form-data; boundary=${"b".repeat(200)}`,
            body: multipart(fields, "b".repeat(200)),
            encoding: "multipart, 200-char boundary",
          }),
          () => ({
            contentType: `multipart/form-data; boundary="${boundary}"`,
            body: multipart(fields, boundary),
            encoding: "multipart, quoted boundary",
          }),
          () => ({
            contentType: `multipart/form-data; boundary=${boundary}`,
            body: urlencoded(fields),
            encoding: "multipart header, urlencoded body",
          }),
        ])(),
    ],
    [4, () => ({ contentType: "application/json", body: Buffer.from(JSON.stringify(Object.fromEntries(plain))), encoding: "json" })],
    [3, () => ({ contentType: "text/plain;charset=UTF-8", body: urlencoded(fields), encoding: "text/plain" })],
    [3, () => ({ contentType: null, body: urlencoded(fields), encoding: "no content type" })],
    [
      3,
      () => ({
        contentType: rng.pick([
          "",
          "application/xml",
          "multipart/mixed; boundary=x",
          "application/x-www-form-urlencoded, application/json",
          "form",
          "*/*",
        ]),
        body: urlencoded(fields),
        encoding: "odd content type",
      }),
    ],
    [
      2,
      () => ({
        contentType: "application/x-www-form-urlencoded",
        body: Buffer.from(JSON.stringify(Object.fromEntries(plain))),
        encoding: "urlencoded header, json body",
      }),
    ],
  ])();
}

/** The form the server will see, parsed the same way (undici's Request.formData), or null if it cannot be parsed. */
async function parseLikeServer(encoded: EncodedBody): Promise<FormData | null> {
  try {
    const headers: Record<string, string> = {};
    if (encoded.contentType !== null) headers["content-type"] = encoded.contentType;
    return await new Request("http://fuzz.invalid/", { method: "POST", headers, body: new Uint8Array(encoded.body) }).formData();
  } catch {
    return null;
  }
}

// ---------------------------------------------------------------------------
// Requests and results

type Transport = "fetch" | "http" | "raw";

interface Spec {
  /** generator and variant, for the report */
  category: string;
  detail: string;
  method: string;
  /** path and query exactly as they go on the wire (fetch normalises; http and raw do not) */
  path: string;
  headers: Record<string, string>;
  body?: Buffer;
  transport: Transport;
  /** http: send the body in chunks, without a Content-Length */
  chunked?: boolean;
  /** raw: the whole request */
  raw?: Buffer;
  /** raw: half-close after writing, and accept no answer at all (lying framing) */
  mayGetNoAnswer?: boolean;
  rawTimeoutMs?: number;
  /** statuses server.js must refuse this request with, before any action runs */
  mustRefuse?: number[];
}

interface Result {
  spec: Spec;
  status: number | null;
  error?: string;
  contentType: string;
  body: string;
  location: string | null;
  setCookie: string[];
  requestId: string | null;
}

function describeSpec(spec: Spec): string {
  const headers = Object.entries(spec.headers)
    .map(([k, v]) => `${k}: ${v.length > 120 ? `${v.slice(0, 120)}…(${v.length})` : v}`)
    .join("\n    ");
  const body = spec.raw ?? spec.body;
  const shown = body
    ? JSON.stringify(body.subarray(0, 300).toString("latin1")) + (body.length > 300 ? `…(${body.length} bytes)` : "")
    : "(none)";
  return `[${spec.category}: ${spec.detail}] ${spec.method} ${spec.path.length > 200 ? `${spec.path.slice(0, 200)}…(${spec.path.length})` : spec.path} via ${spec.transport}${spec.chunked ? " (chunked)" : ""}\n    ${headers}\n    body: ${shown}`;
}

/** Bash ANSI-C quoting ($'…'): every byte survives, CR and NUL included. */
function ansiC(bytes: Buffer | string): string {
  const buf = typeof bytes === "string" ? Buffer.from(bytes, "latin1") : bytes;
  let out = "";
  for (const b of buf)
    out +=
      b === 0x27 || b === 0x5c
        ? `\\${String.fromCharCode(b)}`
        : b >= 0x20 && b < 0x7f
          ? String.fromCharCode(b)
          : `\\x${b.toString(16).padStart(2, "0")}`;
  return `$'${out}'`;
}

/** A shell command that repeats the request. */
function curlFor(spec: Spec, baseURL: string): string {
  if (spec.transport === "raw")
    return `{ printf %s ${ansiC(spec.raw!)} >&3; timeout 5 cat <&3; } 3<>/dev/tcp/127.0.0.1/${new URL(baseURL).port}`;
  const parts = ["curl -si --path-as-is", "-X", spec.method, ansiC(`${baseURL}${spec.path}`)];
  for (const [k, v] of Object.entries(spec.headers)) parts.push("-H", ansiC(`${k}: ${v}`));
  if (spec.chunked) parts.push("-H", "'Transfer-Encoding: chunked'");
  if (spec.body && spec.body.length <= 2_000) parts.push("--data-binary", ansiC(spec.body));
  else if (spec.body) parts.push(`--data-binary @<(head -c ${spec.body.length} /dev/zero | tr '\\0' n)`);
  return parts.join(" ");
}

function toResult(spec: Spec, status: number, headers: Headers | http.IncomingHttpHeaders, body: Buffer): Result {
  const get = (name: string): string | null => {
    if (headers instanceof Headers) return headers.get(name);
    const v = headers[name];
    return Array.isArray(v) ? v.join(", ") : (v ?? null);
  };
  const setCookie = headers instanceof Headers ? headers.getSetCookie() : ((headers["set-cookie"] as string[] | undefined) ?? []);
  return {
    spec,
    status,
    contentType: get("content-type") ?? "",
    body: body.toString("utf8"),
    location: get("location"),
    setCookie,
    requestId: get("x-request-id"),
  };
}

const httpAgent = new http.Agent({ keepAlive: true, maxSockets: CONCURRENCY });

/**
 * Sends a spec once more when a reused keep-alive connection was closed under
 * it before any answer (a race with the server's keep-alive timeout, not an
 * answer from the app). Valid requests are never repeated.
 */
async function send(spec: Spec, port: number): Promise<Result> {
  const result = await sendOnce(spec, port);
  const reset = result.status === null && /ECONNRESET|socket hang up|other side closed|EPIPE/i.test(result.error ?? "");
  return reset && spec.category !== "valid" && spec.transport !== "raw" ? sendOnce(spec, port) : result;
}

async function sendOnce(spec: Spec, port: number): Promise<Result> {
  const failed = (error: unknown): Result => ({
    spec,
    status: null,
    error: String(error instanceof Error && error.cause ? `${error.message}: ${String(error.cause)}` : error),
    contentType: "",
    body: "",
    location: null,
    setCookie: [],
    requestId: null,
  });
  if (spec.transport === "fetch") {
    try {
      const response = await fetch(`http://127.0.0.1:${port}${spec.path}`, {
        method: spec.method,
        headers: spec.headers,
        body: spec.body ? new Uint8Array(spec.body) : undefined,
        redirect: "manual",
        signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
      });
      return toResult(spec, response.status, response.headers, Buffer.from(await response.arrayBuffer()));
    } catch (error) {
      return failed(error);
    }
  }
  if (spec.transport === "http") {
    return new Promise((done) => {
      let answered = false;
      const request = http.request(
        {
          host: "127.0.0.1",
          port,
          method: spec.method,
          path: spec.path,
          headers: spec.headers,
          agent: httpAgent,
          timeout: REQUEST_TIMEOUT_MS,
        },
        (response) => {
          answered = true;
          const chunks: Buffer[] = [];
          response.on("data", (c: Buffer) => chunks.push(c));
          response.on("end", () => done(toResult(spec, response.statusCode ?? 0, response.headers, Buffer.concat(chunks))));
          response.on("error", (e) => done(failed(e)));
        },
      );
      request.on("timeout", () => request.destroy(new Error("timeout")));
      // The server may answer (413, 411) and close before it has read a large
      // body; the write then fails, but the answer already counts.
      request.on("error", (e) => {
        if (!answered) done(failed(e));
      });
      if (spec.body && spec.chunked) {
        for (let i = 0; i < spec.body.length; i += 1024) request.write(spec.body.subarray(i, i + 1024));
        request.end();
      } else {
        request.end(spec.body);
      }
    });
  }
  return new Promise((done) => {
    const socket = net.connect(port, "127.0.0.1");
    const chunks: Buffer[] = [];
    let finished = false;
    const finish = (error?: string) => {
      if (finished) return;
      finished = true;
      socket.destroy();
      let text = Buffer.concat(chunks);
      // Skip interim answers (100 Continue): the final one is what counts.
      while (/^HTTP\/1\.[01] 1\d\d /.test(text.toString("latin1")) && text.indexOf("\r\n\r\n") >= 0)
        text = text.subarray(text.indexOf("\r\n\r\n") + 4);
      const head = /^HTTP\/1\.[01] (\d{3})/.exec(text.toString("latin1"));
      if (!head) return done({ ...failed(error ?? "no answer"), spec });
      const split = text.indexOf("\r\n\r\n");
      const headerText = text.subarray(0, split < 0 ? text.length : split).toString("latin1");
      const header = (name: string) => new RegExp(`^${name}: *(.*)$`, "im").exec(headerText)?.[1]?.trim() ?? null;
      done({
        spec,
        status: Number(head[1]),
        contentType: header("content-type") ?? "",
        body: split < 0 ? "" : text.subarray(split + 4).toString("utf8"),
        location: header("location"),
        setCookie: [...headerText.matchAll(/^set-cookie: *(.*)$/gim)].map((m) => m[1]!),
        requestId: header("x-request-id"),
      });
    };
    socket.setTimeout(spec.rawTimeoutMs ?? REQUEST_TIMEOUT_MS, () => finish("timeout"));
    socket.on("data", (c: Buffer) => chunks.push(c));
    socket.on("close", () => finish());
    socket.on("error", (e) => finish(String(e)));
    socket.write(spec.raw!, () => {
      if (spec.mayGetNoAnswer) socket.end();
    });
  });
}

// ---------------------------------------------------------------------------
// The server under test

// ---------------------------------------------------------------------------
// Accounts and the model of what the valid requests wrote

type AccountKey = "A" | "B" | "C";

interface Account {
  key: AccountKey;
  email: string;
  password: string;
  token: string;
  /** the Cookie header of this account's signed-in browser */
  cookie: string;
  id: string;
  sessionIds: string[];
}

interface ContactFields {
  name: string;
  email: string | null;
  company: string | null;
  phone: string | null;
  notes: string | null;
}

interface ExpectedContact extends ContactFields {
  owner: AccountKey;
  version: number;
}

/** What a valid form should be stored as: the schema's trimming, NFC and blank-to-null. */
function stored(fields: Record<string, string>): ContactFields {
  // A browser (and fetch) sends a lone surrogate as U+FFFD.
  const wellFormed = (v: string) => v.replace(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g, "\uFFFD");
  const text = (v: string | undefined) => {
    const t = wellFormed(v ?? "")
      .trim()
      .normalize("NFC");
    return t === "" ? null : t;
  };
  return {
    name: text(fields.name)!,
    // Optional since the import issue: blank is no address.
    email: wellFormed(fields.email ?? "").trim() || null,
    company: text(fields.company),
    phone: text(fields.phone),
    notes: text(fields.notes),
  };
}

function fold(text: string): string {
  return text.normalize("NFC").toLowerCase();
}

// ---------------------------------------------------------------------------

describe("fuzzing every loader and action of the production server", () => {
  const dir = mkdtempSync(join(tmpdir(), "cardfile-fuzz-"));
  const dbPath = join(dir, "fuzz.sqlite");
  const appDir = inject("appDir");
  let server: RunningServer | undefined;
  let port: number;
  let baseURL: string;
  const stderr = {
    get text() {
      return server?.stderr() ?? "";
    },
  };

  const accounts = {} as Record<AccountKey, Account>;
  const expected = new Map<string, ExpectedContact>();
  /** Contacts the valid lane deleted: soft deletes, so their rows stay, marked with deleted_at (docs/decisions/0015). */
  const deleted = new Map<string, ExpectedContact>();
  const results: Result[] = [];
  const validProblems: string[] = [];
  let validCount = 0;
  let elapsedMs = 0;
  let ipCounter = 0;
  let manifestVersion = "";

  /** A distinct client address per request, so per-IP rate limits stay out of the way (TRUST_PROXY=true). */
  const nextIp = () => {
    const n = ++ipCounter;
    return `10.${(n >> 16) & 255}.${(n >> 8) & 255}.${n & 255}`;
  };

  async function valid(
    method: string,
    path: string,
    {
      cookie,
      form,
      body,
      contentType,
      origin = true,
    }: { cookie?: string; form?: Record<string, string>; body?: Buffer; contentType?: string; origin?: boolean } = {},
  ): Promise<Result> {
    const headers: Record<string, string> = { "X-Forwarded-For": nextIp(), "User-Agent": "cardfile-fuzz valid lane" };
    if (cookie) headers.Cookie = cookie;
    if (origin) headers.Origin = baseURL;
    let payload: Buffer | undefined = body;
    if (form) {
      payload = Buffer.from(new URLSearchParams(form).toString());
      headers["Content-Type"] = "application/x-www-form-urlencoded";
    }
    if (contentType) headers["Content-Type"] = contentType;
    validCount++;
    const result = await send(
      { category: "valid", detail: `${method} ${path}`, method, path, headers, body: payload, transport: "fetch" },
      port,
    );
    results.push(result);
    return result;
  }

  function expectValid(result: Result, status: number, what: string): boolean {
    if (result.status === status) return true;
    validProblems.push(
      `${what}: expected ${status}, got ${result.status ?? result.error}\n  ${describeSpec(result.spec)}\n  ${result.body.slice(0, 300)}`,
    );
    return false;
  }

  async function signUp(key: AccountKey): Promise<Account> {
    const email = `fuzz-${key.toLowerCase()}-${SEED}@example.test`;
    const password = `pw-${key}-${randomInt(2 ** 40).toString(36)}-${randomInt(2 ** 40).toString(36)}`;
    const result = await valid("POST", "/signup", { form: { email, password } });
    if (result.status !== 303)
      throw new Error(`sign-up of ${email} answered ${result.status ?? result.error}: ${result.body.slice(0, 500)}\n${stderr.text}`);
    const token = result.setCookie.map((c) => /^cardfile_session=([^;]+)/.exec(c)?.[1]).find(Boolean);
    if (!token) throw new Error(`sign-up set no session cookie: ${result.setCookie.join(" | ")}`);
    return { key, email, password, token, cookie: `cardfile_session=${token}`, id: "", sessionIds: [] };
  }

  async function create(owner: Account, form: Record<string, string>, raw?: { body: Buffer; contentType: string; fields: ContactFields }) {
    const result = raw
      ? await valid("POST", "/contacts/new", { cookie: owner.cookie, body: raw.body, contentType: raw.contentType })
      : await valid("POST", "/contacts/new", { cookie: owner.cookie, form });
    const id = /^\/contacts\/([A-Za-z0-9_-]{22})$/.exec(result.location ?? "")?.[1];
    if (result.status === 303 && id) {
      expected.set(id, { owner: owner.key, version: 1, ...(raw ? raw.fields : stored(form)) });
      return id;
    }
    expectValid(result, 303, `create ${JSON.stringify(form.name ?? raw?.fields.name)} for ${owner.key}`);
    return null;
  }

  async function edit(owner: Account, id: string | null, form: Record<string, string>, status = 303) {
    if (!id) return;
    const mine = expected.get(id);
    // The edit form carries the version it was opened at; the model knows it.
    form = { version: String(mine?.version ?? 1), ...form };
    const result = await valid("POST", `/contacts/${id}/edit`, { cookie: owner.cookie, form });
    if (result.status === 303 && mine && mine.owner === owner.key)
      expected.set(id, { ...mine, ...stored(form), version: mine.version + 1 });
    expectValid(result, status, `edit ${id} as ${owner.key}`);
  }

  async function remove(owner: Account, id: string | null, status = 303) {
    if (!id) return;
    const result = await valid("POST", `/contacts/${id}/delete`, { cookie: owner.cookie });
    const mine = expected.get(id);
    if (result.status === 303 && mine?.owner === owner.key) {
      deleted.set(id, mine);
      expected.delete(id);
    }
    expectValid(result, status, `delete ${id} as ${owner.key}`);
  }

  /** Contact ids per owner, as generated requests see them (live at generation time). */
  const idsOf = (key: AccountKey) => [...expected].filter(([, c]) => c.owner === key).map(([id]) => id);

  beforeAll(async () => {
    // This run's private build (the e2e global setup's): nothing else replaces it.
    const serverBuild = readFileSync(join(appDir, "build/server/index.js"), "utf8");
    manifestVersion = /"version": ?"(\w+)"/.exec(serverBuild)?.[1] ?? "unknown";

    const db = createDatabase(`file:${dbPath}`);
    try {
      await migrateToLatest(db);
    } finally {
      await db.destroy();
    }

    // Only what production needs (startServer passes nothing of vitest's
    // NODE_ENV=test and low SCRYPT_LOG_N). TRUST_PROXY lets each request bring
    // its own X-Forwarded-For, so per-IP rate limits do not decide the outcome.
    server = await startServer({ appDir, env: { DATABASE_URL: `file:${dbPath}`, TRUST_PROXY: "true" }, outputLimit: 200_000 });
    port = server.port;
    baseURL = server.baseURL;

    const started = Date.now();
    console.log(`fuzz seed ${SEED} (FUZZ_SEED=${SEED} replays this run); ${FUZZ_REQUESTS} malformed requests`);

    // Three accounts (sign-ups are slow on purpose: scrypt at production cost).
    // A and B own contacts and make the valid writes; C sends most of the
    // signed-in malformed writes, so rate limits on C do not touch A and B.
    const [a, b, c] = await Promise.all([signUp("A"), signUp("B"), signUp("C")]);
    Object.assign(accounts, { A: a, B: b, C: c });

    // Seed contacts that the generated requests can aim at.
    for (const [i, owner] of [a, a, a, a, a, b, b, b, b, b, c, c].entries()) {
      await create(owner, {
        name: `Seed ${i} ${owner.key}`,
        email: `seed${i}.${owner.key.toLowerCase()}@example.test`,
        company: i % 2 ? `Seed Co ${i}` : "",
        phone: "",
        notes: "",
      });
    }

    // One real login and logout: a fresh session, ended server-side.
    const login = await valid("POST", "/login", {
      form: { email: a.email.toUpperCase(), password: a.password, redirectTo: "/contacts/new" },
    });
    expectValid(login, 303, "valid login");
    if (login.location !== "/contacts/new") validProblems.push(`login redirected to ${login.location}, not /contacts/new`);
    const second = login.setCookie.map((s) => /^cardfile_session=([^;]+)/.exec(s)?.[1]).find(Boolean);
    if (second) {
      expectValid(await valid("POST", "/logout", { cookie: `cardfile_session=${second}` }), 303, "valid logout");
      const after = await valid("GET", "/contacts", { cookie: `cardfile_session=${second}` });
      if (after.status !== 303 || !after.location?.startsWith("/login"))
        validProblems.push(`a logged-out session still works: GET /contacts answered ${after.status}`);
    }

    // Session and user ids, so that /account can be fuzzed with real (other people's) session ids.
    const sqlite = new Database(dbPath, { readonly: true, fileMustExist: true });
    try {
      for (const account of [a, b, c]) {
        account.id = (sqlite.prepare("select id from users where email = ?").get(account.email) as { id: string }).id;
        account.sessionIds = (sqlite.prepare("select id from sessions where user_id = ?").all(account.id) as { id: string }[]).map(
          (r) => r.id,
        );
      }
    } finally {
      sqlite.close();
    }

    const rng = new Rng(SEED);
    const specs = await generate(rng);

    // The valid lane runs beside the fuzz workers, paced so that its writes
    // are spread over the whole run rather than bunched at the start.
    let sent = 0;
    const plan = validPlan();
    const validLane = (async () => {
      for (const [i, step] of plan.entries()) {
        while (sent < (i * specs.length) / plan.length) await new Promise((r) => setTimeout(r, 5));
        await step();
      }
    })();
    let next = 0;
    const worker = async () => {
      while (next < specs.length) {
        const spec = specs[next++]!;
        results.push(await send(spec, port));
        sent++;
      }
    };
    await Promise.all([validLane, ...Array.from({ length: CONCURRENCY - 1 }, worker)]);
    elapsedMs = Date.now() - started;

    // ---------------------------------------------------------------------
    // Generation, with the accounts and seed ids known

    async function generate(rng: Rng): Promise<Spec[]> {
      const out: Spec[] = [];
      const gens: [number, (rng: Rng) => Spec | Promise<Spec | null> | null][] = [
        [30, genLoader],
        [9, genList],
        [2, genManifest],
        [20, genContactWrite],
        [11, genAuthWrite],
        [5, genAccountWrite],
        [8, genCrossOrigin],
        [7, genBodyLimits],
        [4, genFraming],
        [4, genMethods],
        [2, genHost],
        [OTHER_WRITES.length ? 6 : 0, genOtherWrite],
      ];
      let loginsReachingScrypt = 0;
      while (out.length < FUZZ_REQUESTS) {
        const spec = await rng.weighted(gens)(rng);
        if (!spec) continue;
        const verdict = await safety(spec);
        if (verdict === "unsafe") continue;
        if (verdict === "scrypt") {
          // Each well-formed login costs a production-strength scrypt hash; a few are enough.
          if (++loginsReachingScrypt > 12) continue;
        }
        out.push(spec);
      }
      return out;
    }

    /**
     * The fuzz must not change anything by succeeding, so that the database
     * ends up holding exactly what the valid lane wrote: a request that could
     * legitimately write (or sign a real session out) is dropped, unless
     * server.js must refuse it before any action runs.
     */
    async function safety(spec: Spec): Promise<"ok" | "unsafe" | "scrypt"> {
      if (spec.mustRefuse || spec.method === "GET" || spec.method === "HEAD") return "ok";
      // Whose session this may carry (any trace of a real token counts), and
      // whose it certainly is (read the way the server reads its cookie).
      const wire = `${spec.headers.Cookie ?? ""} ${spec.raw?.toString("latin1") ?? ""}`;
      const sender = (["A", "B", "C"] as const).map((k) => accounts[k]).find((acc) => wire.includes(acc.token));
      const signedIn = (() => {
        for (const part of (spec.headers.Cookie ?? "").split(";")) {
          const eq = part.indexOf("=");
          if (eq > 0 && part.slice(0, eq).trim() === "cardfile_session") {
            try {
              const token = decodeURIComponent(part.slice(eq + 1).trim());
              return Object.values(accounts).find((acc) => acc.token === token) ?? null;
            } catch {
              return null;
            }
          }
        }
        return null;
      })();
      if (spec.transport === "raw") return sender ? "unsafe" : "ok";
      const path = spec.path.split("?")[0]!;
      let decoded = path;
      try {
        decoded = decodeURIComponent(path);
      } catch {
        // stays as sent
      }
      const route = decoded.replace(/\.data$/, "").replace(/\/+$/, "") || "/";
      const encoded: EncodedBody = { contentType: spec.headers["Content-Type"] ?? null, body: spec.body ?? Buffer.alloc(0), encoding: "" };
      const form = spec.chunked ? null : await parseLikeServer(encoded);

      if (route === "/signup" || route === "/login") {
        if (!form) return "ok";
        // Signed in, a sign-up only redirects; otherwise it must break the form's rules.
        if (route === "/signup") return signedIn || parseWithZod(form, { schema: SignupSchema }).status !== "success" ? "ok" : "unsafe";
        if (parseWithZod(form, { schema: LoginSchema }).status !== "success") return "ok";
        for (const acc of Object.values(accounts)) if (form.getAll("password").includes(acc.password)) return "unsafe";
        return "scrypt";
      }
      if (!sender) return "ok";
      // A route with an action whose effects this model does not know (a
      // new one): with a real session, it could legitimately write.
      const served = routeFor(MANIFEST, route);
      if (served?.action && !isCatchAll(served) && !KNOWN_WRITES.includes(served.pattern) && !served.params.includes("contactId"))
        return "unsafe";
      if (route === "/logout") return "unsafe";
      if (route === "/account") {
        if (!form) return "ok";
        const intent = form.get("intent");
        if (intent === "revoke-all") return "unsafe";
        if (intent === "revoke" && sender.sessionIds.includes(String(form.get("sessionId")))) return "unsafe";
        return "ok";
      }
      if (route === "/contacts/new") {
        return form && parseWithZod(form, { schema: ContactFormSchema }).status === "success" ? "unsafe" : "ok";
      }
      const own = idsOf(sender.key).some((id) => decoded.includes(id) || spec.path.includes(id));
      if (!own) return "ok"; // someone else's or nobody's: 404, whatever the body (contact routes scope every id to its owner)
      if (route.endsWith("/edit")) return form && parseWithZod(form, { schema: ContactFormSchema }).status === "success" ? "unsafe" : "ok";
      return "unsafe"; // a delete, a restore (or anything else) on the sender's own contact
    }

    // ----- pieces

    function headersFor(rng: Rng, { write = false }: { write?: boolean } = {}): Record<string, string> {
      const h: Record<string, string> = {};
      h["X-Forwarded-For"] = rng.weighted([
        [90, () => nextIp()],
        [
          10,
          () =>
            rng.pick([
              "not-an-ip",
              "",
              "1.2.3.4, 5.6.7.8",
              "::1",
              "<script>alert(1)</script>",
              "999.999.999.999",
              "1".repeat(500),
              "unknown",
            ]),
        ],
      ] as const)();
      if (rng.chance(write ? 0.6 : 0.3)) h.Origin = baseURL;
      if (rng.chance(0.3)) h["Sec-Fetch-Site"] = rng.pick(["same-origin", "none", "same-site"]);
      if (rng.chance(0.5)) {
        h["User-Agent"] = rng.pick([
          "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 Chrome/120 Safari/537.36",
          "curl/8.0",
          "sqlmap/1.7",
          "' OR 1=1 --",
          "<script>alert(1)</script>",
          "x".repeat(1_000),
          "Googlebot/2.1", // isbot: the whole document at once
          "",
        ]);
      }
      if (rng.chance(0.2)) h.Accept = rng.pick(["text/x-script", "application/json", "*/*", "text/html;q=0.9, */*;q=0.8", "garbage/!!"]);
      if (rng.chance(0.05)) h["Accept-Language"] = rng.pick(["zz-ZZ", "*", "x".repeat(300)]);
      if (rng.chance(0.03)) h.Referer = rng.pick([`${baseURL}/contacts`, "https://evil.example/", "not a url"]);
      return h;
    }

    function badCookie(rng: Rng): string {
      const real = rng.pick([accounts.A, accounts.B, accounts.C]);
      return rng.pick([
        "cardfile_session=",
        `cardfile_session=${rng.string(43)}`,
        `cardfile_session=${"x".repeat(101)}`,
        `cardfile_session=${"y".repeat(5_000)}`,
        `cardfile_session=${rng.pick(BAD_PERCENT)}`,
        "cardfile_session=%00",
        "cardfile_session=\xe2\x98\x83\xed\xa0\x80",
        `cardfile_session="${real.token}"`,
        `cardfile_session=${real.token.slice(0, -1)}`,
        `cardfile_session=${real.token}%20`,
        "cardfile_session",
        "=;=;;;",
        `cardfile_session=' OR 1=1 --`,
        Array.from({ length: 150 }, (_, i) => `c${i}=${i}`).join("; "),
        `cardfile_flash=${encodeURIComponent(rng.pick(HTML))}`,
        `cardfile_flash=${"f".repeat(4_000)}`,
        `cardfile_flash=${rng.pick(BAD_PERCENT)}; cardfile_session=${rng.pick(BAD_PERCENT)}`,
      ]);
    }

    type Auth = { kind: "none" } | { kind: "real"; account: Account } | { kind: "bad"; cookie: string };

    function pickAuth(rng: Rng, weights: { none: number; A: number; B: number; C: number; bad: number }): Auth {
      return rng.weighted<() => Auth>([
        [weights.none, () => ({ kind: "none" })],
        [weights.A, () => ({ kind: "real", account: accounts.A })],
        [weights.B, () => ({ kind: "real", account: accounts.B })],
        [weights.C, () => ({ kind: "real", account: accounts.C })],
        [weights.bad, () => ({ kind: "bad", cookie: badCookie(rng) })],
      ])();
    }

    function applyAuth(rng: Rng, headers: Record<string, string>, auth: Auth) {
      if (auth.kind === "real") {
        // Sometimes among other cookies, as a browser sends it.
        headers.Cookie = rng.chance(0.2)
          ? `theme=dark; ${auth.account.cookie}; cardfile_flash=${encodeURIComponent(rng.pick([...HTML, ...SQL]))}`
          : auth.account.cookie;
      } else if (auth.kind === "bad") {
        headers.Cookie = auth.cookie;
      }
    }

    /** A :contactId path segment, as sent, and whether only node:http can send it unaltered. */
    function idSegment(rng: Rng, auth: Auth): { seg: string; http: boolean; label: string } {
      const me = auth.kind === "real" ? auth.account.key : null;
      const others = (["A", "B", "C"] as const).filter((k) => k !== me).flatMap((k) => idsOf(k));
      const mine = me ? idsOf(me) : [];
      return rng.weighted<() => { seg: string; http: boolean; label: string }>([
        [mine.length ? 15 : 0, () => ({ seg: rng.pick(mine), http: false, label: "own id" })],
        [20, () => ({ seg: rng.pick(others), http: false, label: "another account's id" })],
        [10, () => ({ seg: rng.id(), http: false, label: "random id" })],
        [
          35,
          () => {
            const id = rng.pick([...others, rng.id()]);
            const [seg, label] = rng.pick<[string, string]>([
              ["..%2F..%2Fetc%2Fpasswd", "encoded ../"],
              ["%2e%2e", "encoded .."],
              ["%00", "NUL"],
              [`${id}%00`, "id + NUL"],
              [`%00${id}`, "NUL + id"],
              ["a".repeat(1_000), "1,000 chars"],
              [id.slice(1), "21 chars"],
              [`${id}x`, "23 chars"],
              [encodeURIComponent("контакт-идентификатор-xx"), "Cyrillic"],
              [encodeURIComponent("😀😀😀😀😀😀😀😀😀😀😀"), "emoji"],
              ["%ED%A0%80%ED%A0%80%ED%A0%80%ED%A0%80%ED%A0%80%ED%A0%80%ED%A0%80", "encoded surrogates"],
              ["%E0%A4%A", "invalid percent-encoding"],
              ["%", "lone %"],
              ["%25", "encoded %"],
              [encodeURIComponent("' OR 1=1 --"), "SQL"],
              [encodeURIComponent('"; DROP TABLE contacts; --'), "SQL"],
              [encodeURIComponent("<script>alert(1)</script>"), "HTML"],
              [`${id}%0d%0aSet-Cookie:%20x=y`, "CRLF"],
              [`${id}.data`, "id.data"],
              [`${id}%2F..`, "encoded slash"],
              ["null", "null"],
              ["-1", "-1"],
              ["new", "new"],
              ["%20", "space"],
              [id.toLowerCase(), "lower-cased id"],
              [`${id};jsessionid=1`, "matrix param"],
            ]);
            return { seg, http: false, label };
          },
        ],
        [
          8,
          () => {
            const [seg, label] = rng.pick<[string, string]>([
              ["..", "literal .."],
              ["../../etc/passwd", "literal ../"],
              ["\xed\xa0\x80", "raw surrogate bytes"],
              ["\xff\xfe", "raw invalid bytes"],
              ["\xd0\xba\xd0\xbe", "raw UTF-8"],
              [`${rng.pick(others) ?? rng.id()}/..`, "id/.."],
            ]);
            return { seg, http: true, label };
          },
        ],
      ])();
    }

    function queryValue(rng: Rng): string {
      return rng.weighted<() => string>([
        [20, () => encodeURIComponent(rng.pick([...SQL, ...HTML, ...UNICODE, "%", "_", "\\", "%_\\", "a%b_c\\d", "", " ", "  padded  "]))],
        [15, () => rng.pick(BAD_PERCENT)],
        [10, () => `a${rng.pick(BAD_PERCENT)}b`],
        [8, () => encodeURIComponent(rng.pick(LONE_SURROGATES).replace(/[\uD800-\uDFFF]/g, "\uFFFD"))],
        [8, () => encodeURIComponent(`x${rng.pick(CONTROL)}y`)],
        [6, () => "x".repeat(rng.pick([99, 100, 101, 1_000, 5_000]))],
        [5, () => encodeURIComponent(rng.pick(UNICODE).repeat(rng.pick([30, 200])))],
        [5, () => rng.string(rng.int(40))],
        [3, () => "+".repeat(50)],
      ])();
    }

    function cursorValue(rng: Rng): string {
      const id = rng.pick([...idsOf("A"), ...idsOf("B"), rng.id()]);
      const ts = (Date.now() - rng.int(1e6)).toString(36);
      return rng.pick([
        "",
        rng.string(rng.int(60)),
        "o",
        "n",
        "o0.",
        `o${ts}.${id}`,
        `n${ts}.${id}`,
        `n0.${id}`,
        `o${"z".repeat(11)}.${id}`,
        `o${"z".repeat(12)}.${id}`,
        `o-1.${id}`,
        `x${ts}.${id}`,
        `o${ts}.${id.slice(1)}`,
        `o${ts}.${id}%00`,
        `o${ts}.%ED%A0%80`,
        `o${ts}.${encodeURIComponent("' OR 1=1 --xxxxxxxxxxx")}`,
        `O${ts}.${id}`,
        `o${ts}..${id}`,
        "c".repeat(5_000),
        rng.pick(BAD_PERCENT),
        encodeURIComponent(rng.pick([...SQL, ...HTML])),
      ]);
    }

    function redirectToValue(rng: Rng): string {
      return rng.pick([
        "%2F%2Fevil.example",
        "//evil.example",
        "/%5Cevil.example",
        "/\\evil.example",
        "https%3A%2F%2Fevil.example",
        "javascript:alert(1)",
        "%2Fcontacts%0d%0aSet-Cookie:%20x=1",
        "/contacts%3Fq%3D%3Cscript%3E",
        "/%09/evil.example",
        "/" + "r".repeat(3_000),
        "",
        rng.pick(BAD_PERCENT),
        "%2F..%2F..%2Fetc%2Fpasswd",
        "/contacts/new",
      ]);
    }

    /** A URL parameter other than :contactId (none today): random ids and broken ones. */
    function paramSegment(rng: Rng): { seg: string; http: boolean; label: string } {
      return rng.weighted<() => { seg: string; http: boolean; label: string }>([
        [4, () => ({ seg: rng.id(), http: false, label: "random id" })],
        [
          3,
          () => ({
            seg: rng.pick([
              "%00",
              "..%2F..%2Fetc%2Fpasswd",
              "a".repeat(1_000),
              "%E0%A4%A",
              "%",
              encodeURIComponent("' OR 1=1 --"),
              encodeURIComponent("<script>alert(1)</script>"),
              "-1",
              "null",
            ]),
            http: false,
            label: "broken id",
          }),
        ],
        [1, () => ({ seg: rng.pick(["..", "\xed\xa0\x80", "\xff\xfe"]), http: true, label: "raw bytes id" })],
      ])();
    }

    /** A route's URL, maybe its single-fetch `.data` variant, with fuzzed ids (every :param) and query. */
    function urlFor(rng: Rng, route: string, auth: Auth, { data = rng.chance(0.35) } = {}) {
      let viaHttp = false;
      const labels: string[] = [];
      const values: Record<string, string> = {};
      for (const param of MANIFEST.find((r) => r.pattern === route)?.params ?? []) {
        const id = param === "contactId" ? idSegment(rng, auth) : paramSegment(rng);
        values[param] = id.seg;
        viaHttp ||= id.http;
        labels.push(param === "contactId" ? id.label : `:${param} ${id.label}`);
      }
      let path = fillPattern(route, values);
      const query: string[] = [];
      if (data) {
        path = route === "/" ? "/_root.data" : `${path}.data`;
        labels.push(".data");
        const routes = rng.weighted<() => string | null>([
          [5, () => null],
          [4, () => `root,${ROUTE_IDS[route]}`],
          [2, () => ROUTE_IDS[route] ?? "routes/nope"],
          [1, () => rng.pick(["../../etc/passwd", "routes/nope", "root,".repeat(200), "%E0%A4%A", "routes%2Faccount", ""])],
        ])();
        if (routes !== null) query.push(`_routes=${routes.includes("%") ? routes : encodeURIComponent(routes)}`);
      }
      if (route === "/contacts") {
        if (rng.chance(0.6)) query.push(`q=${queryValue(rng)}`);
        if (rng.chance(0.5)) query.push(`cursor=${cursorValue(rng)}`);
        if (rng.chance(0.1)) query.push(`q=${queryValue(rng)}`, `cursor=${cursorValue(rng)}`); // repeated
      }
      if ((route === "/login" || route === "/signup") && rng.chance(0.6)) query.push(`redirectTo=${redirectToValue(rng)}`);
      if (rng.chance(0.1))
        query.push(
          rng.pick([
            "index",
            "_data=routes%2Fcontacts._index",
            "__proto__=x",
            `x=${rng.pick(BAD_PERCENT)}`,
            "a[]=1&a[]=2",
            "&&&",
            "=",
            "intent=revoke-all",
          ]),
        );
      return { path: query.length ? `${path}?${query.join("&")}` : path, viaHttp, label: labels.join(", ") };
    }

    // ----- generators

    function genLoader(rng: Rng): Spec {
      const route = rng.pick(ROUTES);
      const auth = pickAuth(rng, { none: 25, A: 20, B: 15, C: 15, bad: 25 });
      const url = urlFor(rng, route, auth);
      const headers = headersFor(rng);
      applyAuth(rng, headers, auth);
      const method = rng.chance(0.1) ? "HEAD" : "GET";
      return {
        category: "loader",
        detail: `${route} ${auth.kind} ${url.label}`,
        method,
        path: url.path,
        headers,
        transport: url.viaHttp ? "http" : "fetch",
      };
    }

    /** Lazy route discovery's manifest endpoint, with odd paths and versions. */
    function genManifest(rng: Rng): Spec {
      const headers = headersFor(rng);
      applyAuth(rng, headers, pickAuth(rng, { none: 50, A: 10, B: 5, C: 10, bad: 25 }));
      const query: string[] = [];
      for (let i = rng.int(4); i > 0; i--) {
        query.push(
          `p=${rng.pick(["/contacts", "/", "/contacts/new", `/contacts/${rng.id()}/edit`, encodeURIComponent("/../../etc/passwd"), rng.pick(BAD_PERCENT), "x".repeat(rng.pick([100, 3_000])), encodeURIComponent("/a".repeat(300)), encodeURIComponent(rng.pick([...SQL, ...HTML]))])}`,
        );
      }
      if (rng.chance(0.8)) query.push(`version=${rng.chance(0.7) ? manifestVersion : rng.pick(["garbage", "", rng.pick(BAD_PERCENT)])}`);
      return {
        category: "loader",
        detail: "/__manifest",
        method: "GET",
        path: `/__manifest?${query.join("&")}`,
        headers,
        transport: "fetch",
      };
    }

    function genList(rng: Rng): Spec {
      const auth = pickAuth(rng, { none: 5, A: 40, B: 25, C: 10, bad: 5 });
      const headers = headersFor(rng);
      applyAuth(rng, headers, auth);
      const query = [`q=${queryValue(rng)}`];
      if (rng.chance(0.6)) query.push(`cursor=${cursorValue(rng)}`);
      if (rng.chance(0.2)) query.reverse();
      const path = `${rng.chance(0.3) ? "/contacts.data" : "/contacts"}?${query.join("&")}`;
      return { category: "list", detail: `q and cursor, ${auth.kind}`, method: "GET", path, headers, transport: "fetch" };
    }

    /** Contact form fields that (usually) break a rule, with hostile noise in the others. */
    function contactFields(rng: Rng): { fields: Field[]; label: string } {
      const base: Record<string, Value> = {
        name: rng.pick([...SQL, ...HTML, ...UNICODE, "Ada Lovelace", `Fuzz ${rng.string(6)}`]),
        email: `${rng.string(8)}@example.test`,
        company: rng.pick(["", "Acme", ...SQL.filter((s) => s.length <= 100)]),
        phone: rng.pick(["", "+1 555 0100", "' OR 1=1 --"]),
        notes: rng.pick(["", "line 1\r\nline 2", ...HTML]),
      };
      const breaker = rng.pick([
        "missing name",
        "missing email",
        "missing all",
        "empty name",
        "blank name",
        "control character in name",
        "NUL in a field",
        "control character in notes",
        "bad email",
        "long name",
        "long company",
        "long phone",
        "long notes",
        "repeated name",
        "repeated email",
        "name as array",
        "nothing broken",
      ] as const);
      const noisy = new Set(["name", "email", "company", "phone", "notes"]);
      const target = (field: string) => noisy.delete(field);
      switch (breaker) {
        case "missing name":
          delete base.name;
          target("name");
          break;
        case "missing email":
          delete base.email;
          target("email");
          break;
        case "missing all":
          for (const k of Object.keys(base)) delete base[k];
          break;
        case "empty name":
          base.name = "";
          target("name");
          break;
        case "blank name":
          base.name = rng.pick(SPACES);
          target("name");
          break;
        case "control character in name":
          base.name = `ab${rng.pick([...CONTROL, "\n", "\r", "\t"])}cd`;
          target("name");
          break;
        case "NUL in a field": {
          const f = rng.pick(["name", "company", "phone", "notes"]);
          base[f] = `x\u0000${f}`;
          target(f);
          break;
        }
        case "control character in notes":
          base.notes = `note ${rng.pick(CONTROL)} here`;
          target("notes");
          break;
        case "bad email":
          base.email = rng.pick([
            "not-an-email",
            "a@b",
            "@example.test",
            "x@@example.test",
            "a b@example.test",
            "ünï@example.test",
            `${"a".repeat(250)}@example.test`,
            ...SQL,
            ...HTML,
            rng.pick(SPACES),
          ]);
          target("email");
          break;
        case "long name":
          base.name = "n".repeat(rng.pick([101, 150, 5_000]));
          target("name");
          break;
        case "long company":
          base.company = "c".repeat(rng.pick([101, 1_000]));
          target("company");
          break;
        case "long phone":
          base.phone = "5".repeat(rng.pick([21, 100]));
          target("phone");
          break;
        case "long notes":
          base.notes = "N".repeat(rng.pick([501, 10_000]));
          target("notes");
          break;
        default:
          break;
      }
      // Hostile noise in the fields the breaker left alone.
      for (const f of noisy) {
        if (!(f in base) || !rng.chance(0.35)) continue;
        base[f] = rng.weighted<() => Value>([
          [4, () => rng.pick([...SQL, ...HTML])],
          [3, () => rng.pick(UNICODE)],
          [3, () => `x${rng.pick(LONE_SURROGATES)}y`],
          [3, () => ({ pct: Buffer.concat([Buffer.from("p"), Buffer.from(rng.pick(BAD_UTF8))]) })],
          [3, () => ({ raw: Buffer.concat([Buffer.from("r"), Buffer.from(rng.pick(BAD_UTF8))]) })],
          [3, () => ({ verbatim: `v${rng.pick(BAD_PERCENT)}` })],
          [2, () => `  ${typeof base[f] === "string" ? base[f] : "x"}  `],
        ])();
      }
      const fields: Field[] = Object.entries(base);
      if (breaker === "repeated name") fields.push(["name", rng.pick(["b", "", ...HTML])]);
      if (breaker === "repeated email") fields.push(["email", `${rng.string(5)}@example.test`]);
      if (breaker === "name as array") fields.push([rng.pick(["name[0]", "name[]", "name.first"]), "x"]);
      if (rng.chance(0.25)) {
        fields.push([
          rng.pick([
            "intent",
            "id",
            "owner_id",
            "ownerId",
            "__proto__",
            "constructor",
            "prototype",
            "_method",
            "version",
            "createdAt",
            "",
            "x".repeat(300),
            "name\u0000",
            "😀",
          ]),
          rng.pick(["delete", "revoke-all", accounts.B.id, "1", ...SQL]),
        ]);
      }
      if (rng.chance(0.3)) {
        for (let i = fields.length - 1; i > 0; i--) {
          const j = rng.int(i + 1);
          [fields[i], fields[j]] = [fields[j]!, fields[i]!];
        }
      }
      return { fields, label: breaker };
    }

    function genContactWrite(rng: Rng): Spec {
      const route = rng.weighted(CONTACT_WRITES);
      const auth = pickAuth(rng, { none: 12, A: 4, B: 4, C: 65, bad: 15 });
      const url = urlFor(rng, route, auth, { data: rng.chance(0.3) });
      const { fields, label } = contactFields(rng);
      const encoded = encodeFields(rng, fields);
      const headers = headersFor(rng, { write: true });
      applyAuth(rng, headers, auth);
      if (encoded.contentType !== null) headers["Content-Type"] = encoded.contentType;
      const method = rng.weighted([
        [9, "POST"],
        [1, rng.pick(["PUT", "PATCH", "DELETE"])],
      ] as const);
      return {
        category: "contact write",
        detail: `${method} ${route} ${auth.kind} ${url.label}; ${label}; ${encoded.encoding}`,
        method,
        path: url.path,
        headers,
        body: encoded.body,
        transport: url.viaHttp ? "http" : "fetch",
      };
    }

    function genAuthWrite(rng: Rng): Spec {
      const route = rng.weighted([
        [5, "/login"],
        [4, "/signup"],
        [2, "/logout"],
      ] as const);
      const auth = pickAuth(rng, { none: 55, A: 3, B: 3, C: 4, bad: 35 });
      const known = rng.pick([accounts.A, accounts.B, accounts.C]).email;
      const base: Record<string, Value> = {
        email: rng.weighted<() => Value>([
          [4, () => known],
          [2, () => known.toUpperCase()],
          [3, () => `${rng.string(8)}@example.test`],
          [5, () => rng.pick(["not-an-email", "", "a@b", ...SQL, ...HTML, `${"e".repeat(300)}@example.test`])],
          [2, () => `${known}${rng.pick(CONTROL)}`],
          [2, () => ({ raw: Buffer.concat([Buffer.from("x"), Buffer.from(rng.pick(BAD_UTF8)), Buffer.from("@example.test")]) })],
          [2, () => ({ verbatim: `${rng.pick(BAD_PERCENT)}@example.test` })],
        ])(),
        password: rng.weighted<() => Value>([
          [4, () => rng.pick(["short", "", "1234567", "\u0000\u0000\u0000\u0000\u0000\u0000\u0000\u0000"])],
          [3, () => "p".repeat(rng.pick([129, 1_000, 30_000]))],
          [3, () => rng.pick([...SQL, ...HTML]).padEnd(9, "!")],
          [2, () => `pw${rng.pick(LONE_SURROGATES)}${rng.string(8)}`],
          [2, () => ({ raw: Buffer.concat([Buffer.from("pw"), Buffer.from(rng.pick(BAD_UTF8)), Buffer.from("xxxxxxxx")]) })],
          [1, () => ({ verbatim: `pw${rng.pick(BAD_PERCENT)}xxxxxxx` })],
        ])(),
      };
      if (route === "/login" && rng.chance(0.5)) base.redirectTo = { verbatim: redirectToValue(rng) };
      if (rng.chance(0.25)) delete base[rng.pick(["email", "password"])];
      const fields: Field[] = Object.entries(base);
      if (rng.chance(0.15)) fields.push([rng.pick(["email", "password"]), rng.pick(["second", known])]);
      const encoded = encodeFields(rng, fields);
      const url = urlFor(rng, route, auth, { data: rng.chance(0.3) });
      const headers = headersFor(rng, { write: true });
      applyAuth(rng, headers, auth);
      if (encoded.contentType !== null) headers["Content-Type"] = encoded.contentType;
      return {
        category: "auth write",
        detail: `POST ${route} ${auth.kind}; ${encoded.encoding}`,
        method: "POST",
        path: url.path,
        headers,
        body: encoded.body,
        transport: "fetch",
      };
    }

    /** Hostile forms for a route with an action that no generator here knows by name (one added since). */
    function genOtherWrite(rng: Rng): Spec {
      const route = rng.pick(OTHER_WRITES);
      const auth = pickAuth(rng, { none: 35, A: 5, B: 5, C: 25, bad: 30 });
      const url = urlFor(rng, route, auth, { data: rng.chance(0.3) });
      const { fields, label } = contactFields(rng);
      for (let i = rng.int(3); i > 0; i--) {
        fields.push([
          rng.pick(["intent", "ids", "id", "name", "email", "password", "token", "returnTo", "file", "labels", "submissionKey"]),
          rng.pick<Value>([
            ...SQL,
            ...HTML,
            rng.id(),
            "",
            "x".repeat(5_000),
            { raw: Buffer.from(rng.pick(BAD_UTF8)) },
            { verbatim: rng.pick(BAD_PERCENT) },
          ]),
        ]);
      }
      const encoded = encodeFields(rng, fields);
      const headers = headersFor(rng, { write: true });
      applyAuth(rng, headers, auth);
      if (encoded.contentType !== null) headers["Content-Type"] = encoded.contentType;
      return {
        category: "other write",
        detail: `POST ${route} ${auth.kind} ${url.label}; ${label}; ${encoded.encoding}`,
        method: "POST",
        path: url.path,
        headers,
        body: encoded.body,
        transport: url.viaHttp ? "http" : "fetch",
      };
    }

    function genAccountWrite(rng: Rng): Spec {
      const auth = pickAuth(rng, { none: 15, A: 5, B: 5, C: 55, bad: 20 });
      const someone = rng.pick([accounts.A, accounts.B, accounts.C]);
      const fields: Field[] = [];
      const intent = rng.pick([
        "revoke",
        "revoke",
        "revoke-all",
        "REVOKE-ALL",
        "revoke-all ",
        " revoke",
        "revoke_all",
        "",
        "delete",
        "<script>alert(1)</script>",
        "' OR 1=1 --",
        "revoke\u0000",
      ]);
      if (rng.chance(0.9)) fields.push(["intent", intent]);
      if (rng.chance(0.7)) {
        fields.push([
          "sessionId",
          rng.pick<Value>([
            rng.pick(someone.sessionIds),
            rng.id(),
            "",
            "../",
            "a".repeat(1_000),
            ...SQL,
            { pct: Uint8Array.of(0xed, 0xa0, 0x80) },
            { verbatim: rng.pick(BAD_PERCENT) },
          ]),
        ]);
      }
      if (rng.chance(0.15)) fields.push(["intent", rng.pick(["revoke-all", "revoke", "x"])]);
      if (rng.chance(0.1)) fields.push(["sessionId", rng.id()]);
      const encoded = encodeFields(rng, fields);
      const url = urlFor(rng, "/account", auth, { data: rng.chance(0.3) });
      const headers = headersFor(rng, { write: true });
      applyAuth(rng, headers, auth);
      if (encoded.contentType !== null) headers["Content-Type"] = encoded.contentType;
      return {
        category: "account write",
        detail: `POST /account ${auth.kind} intent=${JSON.stringify(intent)}; ${encoded.encoding}`,
        method: "POST",
        path: url.path,
        headers,
        body: encoded.body,
        transport: "fetch",
      };
    }

    /** Any route with an action (the manifest's), :contactId one of `own` (else random), other parameters random. */
    function actionPath(rng: Rng, own: string[]): string {
      const pattern = rng.pick(ACTION_ROUTES);
      const route = MANIFEST.find((r) => r.pattern === pattern)!;
      return fillPattern(
        route.pattern,
        Object.fromEntries(route.params.map((p) => [p, p === "contactId" && own.length ? rng.pick(own) : rng.id()])),
      );
    }

    /** A write that would change data, with a real session, sent cross-origin: server.js must answer 403. */
    function genCrossOrigin(rng: Rng): Spec {
      const account = rng.pick([accounts.A, accounts.B, accounts.C]);
      const own = idsOf(account.key);
      const target = rng.pick<[string, Field[]]>([
        ["/logout", []],
        ["/account", [["intent", "revoke-all"]]],
        [
          "/account",
          [
            ["intent", "revoke"],
            ["sessionId", account.sessionIds[0] ?? rng.id()],
          ],
        ],
        [`/contacts/${rng.pick(own.length ? own : [rng.id()])}/delete`, []],
        [
          `/contacts/${rng.pick(own.length ? own : [rng.id()])}/edit`,
          [
            ["name", "Hijacked"],
            ["email", `hijack-${rng.string(6)}@example.test`],
          ],
        ],
        [
          "/contacts/new",
          [
            ["name", "Cross-site"],
            ["email", `cross-${rng.string(6)}@example.test`],
          ],
        ],
        [
          "/signup",
          [
            ["email", `cross-${rng.string(6)}@example.test`],
            ["password", "correct horse battery staple"],
          ],
        ],
        // Every route with an action, with fields most forms take.
        [
          actionPath(rng, own),
          [
            ["name", "Cross-site"],
            ["email", `cross-${rng.string(6)}@example.test`],
            ["intent", "revoke-all"],
            ["returnTo", "/contacts"],
          ],
        ],
      ]);
      const path = rng.chance(0.3) ? (target[0] === "/" ? "/_root.data" : `${target[0]}.data`) : target[0];
      const headers = headersFor(rng, { write: true });
      delete headers.Origin;
      delete headers["Sec-Fetch-Site"];
      delete headers.Referer;
      const [how, apply] = rng.pick<[string, () => void]>([
        [
          "evil Origin",
          () =>
            (headers.Origin = rng.pick([
              "https://evil.example",
              "http://evil.example",
              `http://localhost:${port}`,
              `https://127.0.0.1:${port}`,
              "http://127.0.0.1:1",
              `${baseURL}.evil.example`,
            ])),
        ],
        ["Origin: null", () => (headers.Origin = "null")],
        ["Origin with a path", () => (headers.Origin = `${baseURL}/`)],
        ["Sec-Fetch-Site: cross-site", () => (headers["Sec-Fetch-Site"] = "cross-site")],
        ["same Origin, Sec-Fetch-Site: cross-site", () => ((headers.Origin = baseURL), (headers["Sec-Fetch-Site"] = "cross-site"))],
        [
          "evil Referer",
          () => (headers.Referer = rng.pick(["https://evil.example/form", `http://localhost:${port}/contacts`, "null", "::::"])),
        ],
      ]);
      apply();
      applyAuth(rng, headers, { kind: "real", account });
      const multipartBody = rng.chance(0.3);
      const boundary = `----x${rng.string(10)}`;
      headers["Content-Type"] = multipartBody ? `multipart/form-data; boundary=${boundary}` : "application/x-www-form-urlencoded";
      const method = rng.chance(0.9) ? "POST" : rng.pick(["PUT", "PATCH", "DELETE"]);
      return {
        category: "cross-origin",
        detail: `${method} ${target[0].replace(/[A-Za-z0-9_-]{22}/, ":id")} as ${account.key}, ${how}`,
        method,
        path,
        headers,
        body: multipartBody ? multipart(target[1], boundary) : urlencoded(target[1]),
        transport: "fetch",
        mustRefuse: [403],
      };
    }

    /** Sizes and content types that server.js refuses before any action runs, with real sessions and valid forms. */
    function genBodyLimits(rng: Rng): Spec {
      const account = rng.pick([accounts.A, accounts.B, accounts.C]);
      const own = idsOf(account.key);
      const picked = rng.pick([
        "/contacts/new",
        `/contacts/${rng.pick(own.length ? own : [rng.id()])}/edit`,
        `/contacts/${rng.pick(own.length ? own : [rng.id()])}/delete`,
        "/logout",
        "/account",
        "/login",
        "/signup",
        actionPath(rng, own),
      ]);
      // The 64 KB limit of forms; an import's upload has a limit of its own (20 MB: the browser suite tests it).
      const route = bodyLimitFor(picked.split("?")[0]!) === BODY_LIMIT ? picked : "/contacts/new";
      const headers = headersFor(rng, { write: true });
      // Same-origin, so that only the body decides the answer.
      headers.Origin = baseURL;
      delete headers.Referer;
      delete headers["Sec-Fetch-Site"];
      applyAuth(rng, headers, { kind: "real", account });
      const form = (notes: string): Field[] => [
        ["intent", "revoke-all"],
        ["name", "Big"],
        ["email", `big-${rng.string(6)}@example.test`],
        ["notes", notes],
      ];
      const kind = rng.pick(["over", "over", "way over", "just under", "at limit", "chunked", "json", "text", "none", "xml"] as const);
      switch (kind) {
        case "over":
        case "way over": {
          const size = kind === "over" ? BODY_LIMIT + 1 + rng.int(2_000) : rng.pick([200_000, 1_000_000]);
          const body = urlencoded(form(""));
          const padded = Buffer.concat([body, Buffer.from("n".repeat(size - body.length))]);
          headers["Content-Type"] = "application/x-www-form-urlencoded";
          return {
            category: "body limits",
            detail: `${padded.length} bytes to ${route.replace(/[A-Za-z0-9_-]{22}/, ":id")}`,
            method: "POST",
            path: route,
            headers,
            body: padded,
            transport: "http",
            mustRefuse: [413],
          };
        }
        case "just under":
        case "at limit": {
          // Under the limit it is read and parsed, and it must be refused by
          // validation (notes far over 500 characters), never stored. Only as
          // C or signed out: a real write must not happen.
          const who = rng.chance(0.7) ? accounts.C : null;
          if (who) headers.Cookie = who.cookie;
          else delete headers.Cookie;
          const target = rng.pick(["/contacts/new", `/contacts/${rng.pick(idsOf("A"))}/edit`, "/login", "/signup"]);
          const size = kind === "at limit" ? BODY_LIMIT : BODY_LIMIT - 1 - rng.int(500);
          const fields: Field[] = [
            ["name", "Big"],
            ["email", `big-${rng.string(6)}@example.test`],
            ["password", "p"],
            ["notes", ""],
          ];
          const head = urlencoded(fields);
          const body = Buffer.concat([head, Buffer.from("N".repeat(size - head.length))]);
          headers["Content-Type"] = "application/x-www-form-urlencoded";
          return {
            category: "body limits",
            detail: `${body.length} bytes (${kind}) to ${target.replace(/[A-Za-z0-9_-]{22}/, ":id")} as ${who?.key ?? "nobody"}`,
            method: "POST",
            path: target,
            headers,
            body,
            transport: "http",
          };
        }
        case "chunked":
          headers["Content-Type"] = rng.pick(["application/x-www-form-urlencoded", "multipart/form-data; boundary=x"]);
          return {
            category: "body limits",
            detail: `chunked, no length, to ${route.replace(/[A-Za-z0-9_-]{22}/, ":id")}`,
            method: "POST",
            path: route,
            headers,
            body: urlencoded(form("chunked")),
            transport: "http",
            chunked: true,
            mustRefuse: [411],
          };
        default: {
          const [type, body] = {
            json: [
              "application/json",
              Buffer.from(JSON.stringify({ intent: "revoke-all", name: "Json", email: `json-${rng.string(6)}@example.test` })),
            ],
            text: ["text/plain", urlencoded(form("text"))],
            none: [null, urlencoded(form("none"))],
            xml: ["application/xml", Buffer.from("<contact><name>x</name></contact>")],
          }[kind] as [string | null, Buffer];
          if (type) headers["Content-Type"] = type;
          return {
            category: "body limits",
            detail: `${type ?? "no content type"} to ${route.replace(/[A-Za-z0-9_-]{22}/, ":id")}`,
            method: "POST",
            path: route,
            headers,
            body,
            transport: "fetch",
            mustRefuse: [415],
          };
        }
      }
    }

    /** Requests whose HTTP framing itself is broken, on a raw socket. */
    function genFraming(rng: Rng): Spec {
      const host = `Host: 127.0.0.1:${port}\r\n`;
      const path = rng.pick(["/login", "/signup", "/contacts/new", "/logout", `/contacts/${rng.id()}/edit`, actionPath(rng, [])]);
      const form = "email=fuzz%40example.test&password=x";
      const type = "Content-Type: application/x-www-form-urlencoded\r\n";
      const cases: [string, string, Partial<Spec>?][] = [
        [
          "Content-Length and Transfer-Encoding",
          `POST ${path} HTTP/1.1\r\n${host}${type}Content-Length: 5\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n0\r\n\r\n`,
        ],
        [
          "two Content-Lengths",
          `POST ${path} HTTP/1.1\r\n${host}${type}Content-Length: 5\r\nContent-Length: 6\r\nConnection: close\r\n\r\nemail=`,
        ],
        ["Content-Length: abc", `POST ${path} HTTP/1.1\r\n${host}${type}Content-Length: abc\r\nConnection: close\r\n\r\n${form}`],
        ["Content-Length: -1", `POST ${path} HTTP/1.1\r\n${host}${type}Content-Length: -1\r\nConnection: close\r\n\r\n${form}`],
        [
          "Content-Length shorter than the body",
          `POST ${path} HTTP/1.1\r\n${host}${type}Content-Length: 3\r\nConnection: close\r\n\r\n${form}`,
        ],
        [
          "Content-Length longer than the body",
          `POST ${path} HTTP/1.1\r\n${host}${type}Content-Length: 500\r\nConnection: close\r\n\r\n${form}`,
          { mayGetNoAnswer: true, rawTimeoutMs: 3_000 },
        ],
        [
          "huge Content-Length, tiny body",
          `POST ${path} HTTP/1.1\r\n${host}${type}Content-Length: 99999999999\r\nConnection: close\r\n\r\nx`,
          { mustRefuse: [400, 413] },
        ],
        [
          "Expect: 100-continue, too big",
          // Over this path's own limit: an import's upload may be 20 MB.
          `POST ${path} HTTP/1.1\r\n${host}${type}Content-Length: ${bodyLimitFor(path.split("?")[0]!) + 10_000_000}\r\nExpect: 100-continue\r\nConnection: close\r\n\r\n`,
          { mustRefuse: [413, 417] },
        ],
        ["bad chunk size", `POST ${path} HTTP/1.1\r\n${host}${type}Content-Length: 9\r\nConnection: close\r\n\r\nzz\r\nabc\r\n`],
        [
          "chunked with a form type",
          `POST ${path} HTTP/1.1\r\n${host}${type}Transfer-Encoding: chunked\r\nConnection: close\r\n\r\n5\r\nemail\r\n0\r\n\r\n`,
          { mustRefuse: [411] },
        ],
        [
          "Transfer-Encoding: gzip, chunked",
          `POST ${path} HTTP/1.1\r\n${host}${type}Transfer-Encoding: gzip, chunked\r\nConnection: close\r\n\r\n0\r\n\r\n`,
        ],
        ["garbage request line", "GARBAGE\r\n\r\n"],
        ["unknown method", `FOO ${path} HTTP/1.1\r\n${host}Connection: close\r\n\r\n`],
        ["NUL in a header", `GET ${path} HTTP/1.1\r\n${host}X-Evil: a\u0000b\r\nConnection: close\r\n\r\n`],
        ["obsolete header folding", `GET ${path} HTTP/1.1\r\n${host}X-Folded: a\r\n b\r\nConnection: close\r\n\r\n`],
        ["header without a colon", `GET ${path} HTTP/1.1\r\n${host}NoColonHere\r\nConnection: close\r\n\r\n`],
        ["20 KB cookie", `GET /contacts HTTP/1.1\r\n${host}Cookie: cardfile_session=${"z".repeat(20_000)}\r\nConnection: close\r\n\r\n`],
        ["no Host, HTTP/1.1", `GET ${path} HTTP/1.1\r\nConnection: close\r\n\r\n`],
        ["no Host, HTTP/1.0", `GET ${path} HTTP/1.0\r\n\r\n`],
        ["HTTP/1.0 POST without Host", `POST ${path} HTTP/1.0\r\n${type}Content-Length: ${form.length}\r\n\r\n${form}`],
        ["raw UTF-8 in the path", `GET /contacts/\xd0\xba\xd0\xbe HTTP/1.1\r\n${host}Connection: close\r\n\r\n`],
        ["raw surrogate bytes in the query", `GET /contacts?q=\xed\xa0\x80 HTTP/1.1\r\n${host}Connection: close\r\n\r\n`],
        ["LF-only line endings", `GET ${path} HTTP/1.1\n${host.trim()}\nConnection: close\n\n`],
        ["HTTP/2.0 in the request line", `GET ${path} HTTP/2.0\r\n${host}Connection: close\r\n\r\n`],
        ["pipelined garbage after a request", `GET /login HTTP/1.1\r\n${host}\r\nGARBAGE / HTTP/1.1\r\n\r\n`],
      ];
      const [detail, raw, extra] = rng.pick(cases);
      return {
        category: "framing",
        detail,
        method: raw.split(" ")[0]!,
        path,
        headers: {},
        raw: Buffer.from(raw, "latin1"),
        transport: "raw",
        rawTimeoutMs: 5_000,
        ...extra,
      };
    }

    function genMethods(rng: Rng): Spec {
      const route = rng.pick(ROUTES);
      const auth = pickAuth(rng, { none: 35, A: 5, B: 5, C: 30, bad: 25 });
      const url = urlFor(rng, route, auth, { data: rng.chance(0.3) });
      const headers = headersFor(rng, { write: true });
      applyAuth(rng, headers, auth);
      const method = rng.pick(["PUT", "PATCH", "DELETE", "OPTIONS", "TRACE", "HEAD", "PROPFIND", "SEARCH", "POST"]);
      // Some with no body at all (no Content-Length, no Content-Type), some with a form.
      let body: Buffer | undefined;
      let withBody = "no body";
      if (method !== "HEAD" && method !== "TRACE" && rng.chance(0.5)) {
        const { fields } = contactFields(rng);
        body = urlencoded(fields);
        headers["Content-Type"] = "application/x-www-form-urlencoded";
        withBody = "form body";
      } else if (method !== "HEAD" && method !== "TRACE" && rng.chance(0.3)) {
        headers["Content-Length"] = "0";
        withBody = "Content-Length: 0";
      }
      return {
        category: "methods",
        detail: `${method} ${route} ${auth.kind}, ${withBody}`,
        method,
        path: url.path,
        headers,
        body,
        transport: "http",
      };
    }

    /** Host and forwarded headers a misconfigured proxy (or a direct client) could send. */
    function genHost(rng: Rng): Spec {
      const route = rng.pick(["/login", "/contacts", "/", "/contacts/new"]);
      const [detail, raw] = rng.pick<[string, string]>([
        [
          "X-Forwarded-Host with a space",
          `GET ${route} HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nX-Forwarded-Host: bad host\r\nConnection: close\r\n\r\n`,
        ],
        [
          "X-Forwarded-Host with credentials",
          `GET ${route} HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nX-Forwarded-Host: user@evil.example\r\nConnection: close\r\n\r\n`,
        ],
        [
          "X-Forwarded-Host with a bad port",
          `GET ${route} HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nX-Forwarded-Host: evil.example:99999\r\nConnection: close\r\n\r\n`,
        ],
        [
          "X-Forwarded-Host with a path",
          `GET ${route} HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nX-Forwarded-Host: evil.example/x\r\nConnection: close\r\n\r\n`,
        ],
        [
          "X-Forwarded-Proto garbage",
          `GET ${route} HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nX-Forwarded-Proto: bad proto\r\nConnection: close\r\n\r\n`,
        ],
        ["Host with a space", `GET ${route} HTTP/1.1\r\nHost: a b\r\nConnection: close\r\n\r\n`],
        ["Host with a bad port", `GET ${route} HTTP/1.1\r\nHost: 127.0.0.1:99999\r\nConnection: close\r\n\r\n`],
        ["Host: [::1", `GET ${route} HTTP/1.1\r\nHost: [::1\r\nConnection: close\r\n\r\n`],
        [
          "absolute-form request target",
          `GET http://evil.example${route} HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nConnection: close\r\n\r\n`,
        ],
        ["OPTIONS *", `OPTIONS * HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nConnection: close\r\n\r\n`],
        ["TRACE", `TRACE ${route} HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nConnection: close\r\n\r\n`],
      ]);
      return {
        category: "host",
        detail,
        method: raw.split(" ")[0]!,
        path: route,
        headers: {},
        raw: Buffer.from(raw, "latin1"),
        transport: "raw",
        rawTimeoutMs: 5_000,
      };
    }

    // ----- the valid lane: 20 creates for A, 10 for B (plus the 12 seeds), edits, deletes, and no-ops

    function validPlan(): (() => Promise<unknown>)[] {
      const { A, B, C } = accounts;
      const created: Record<AccountKey, (string | null)[]> = { A: idsOf("A"), B: idsOf("B"), C: idsOf("C") };
      const steps: (() => Promise<unknown>)[] = [];
      const add = (owner: Account, form: Record<string, string>) =>
        steps.push(async () => created[owner.key].push(await create(owner, form)));
      const addRaw = (owner: Account, body: Buffer, contentType: string, fields: ContactFields) =>
        steps.push(async () => created[owner.key].push(await create(owner, {}, { body, contentType, fields })));
      const nth = (key: AccountKey, i: number) => created[key][i] ?? null;

      // Injection strings and awkward text, stored as plain text.
      add(A, {
        name: "<script>alert(1)</script>",
        email: "xss1@example.test",
        company: '"><img src=x onerror=alert(1)>',
        phone: "",
        notes: "</textarea><script>alert(1)</script>",
      });
      add(A, { name: '"><img src=x onerror=alert(1)>', email: "xss2@example.test", company: "", phone: "", notes: "" });
      add(A, { name: "' OR 1=1 --", email: "o'brien@example.test", company: "' OR '1'='1", phone: "", notes: "' OR 1=1 --" });
      add(A, {
        name: '"; DROP TABLE contacts; --',
        email: "drop@example.test",
        company: "Robert'); DROP TABLE users;--",
        phone: "",
        notes: "",
      });
      add(A, { name: "100% real", email: "percent@example.test", company: "50% off", phone: "", notes: "" });
      add(A, { name: "snake_case_name", email: "under_score@example.test", company: "", phone: "", notes: "" });
      add(A, {
        name: "back\\slash",
        email: "backslash@example.test",
        company: "C:\\Program Files",
        phone: "",
        notes: "\\n is not a newline",
      });
      add(A, { name: "  Padded Name  ", email: "  padded@example.test  ", company: "   ", phone: " ", notes: "  " });
      add(A, { name: "Zoe\u0308 O\u0308lmez", email: "zoe@example.test", company: "Ünïcödé GmbH", phone: "", notes: "NFD in, NFC out" });
      add(A, {
        name: "日本語の名前 😀",
        email: "MiXeD.Case@Example.TEST",
        company: "\u202Eevil RTL",
        phone: "+81 3-1234-5678",
        notes: "emoji 👍🏽 and\r\nCRLF\nand LF",
      });
      add(A, { name: "Lone \uD800 surrogate", email: "lone@example.test", company: "", phone: "", notes: "a\uDC00b" }); // fetch sends U+FFFD
      addRaw(
        A,
        Buffer.concat([
          Buffer.from("name=Raw+surrogate+bytes&email=raw%40example.test&notes=a"),
          Buffer.from(BAD_UTF8[0]!),
          Buffer.from("b"),
        ]),
        "application/x-www-form-urlencoded",
        {
          name: "Raw surrogate bytes",
          email: "raw@example.test",
          company: null,
          phone: null,
          notes: `a${new TextDecoder().decode(BAD_UTF8[0])}b`,
        },
      );
      addRaw(
        A,
        Buffer.from("name=Percent+encoded+%ED%A0%80+surrogate&email=pct%40example.test&company=%25_%5C", "latin1"),
        "application/x-www-form-urlencoded",
        {
          name: `Percent encoded ${new TextDecoder().decode(BAD_UTF8[0])} surrogate`,
          email: "pct@example.test",
          company: "%_\\",
          phone: null,
          notes: null,
        },
      );
      {
        const boundary = "----validboundary7MA4YWxkTrZu0gW";
        const fields: Field[] = [
          ["name", "Multipart <b>bold</b> & co"],
          ["email", "multipart@example.test"],
          ["company", "{{7*7}} ${7*7}"],
          ["phone", "+1 (555) 010-0199"],
          ["notes", "multi\r\npart"],
        ];
        addRaw(
          A,
          multipart(fields, boundary),
          `multipart/form-data; boundary=${boundary}`,
          stored(Object.fromEntries(fields) as Record<string, string>),
        );
      }
      add(A, {
        name: "x".repeat(100),
        email: `${"l".repeat(64)}@example.test`,
        company: "c".repeat(100),
        phone: "5".repeat(20),
        notes: "n".repeat(500),
      });
      add(B, {
        name: "<script>alert(1)</script>",
        email: "xss1@example.test",
        company: "Same email as A's, another account",
        phone: "",
        notes: "",
      });
      add(B, { name: "B's ' OR 1=1 --", email: "b-sql@example.test", company: "", phone: "", notes: '"; DROP TABLE contacts; --' });
      add(B, { name: "B <svg onload=alert(1)>", email: "b-svg@example.test", company: "", phone: "", notes: "" });
      add(B, { name: "İstanbul ß", email: "b-unicode@example.test", company: "", phone: "", notes: "" });
      add(B, { name: "B plain", email: "b-plain@example.test", company: "Plain Co", phone: "", notes: "" });
      add(A, {
        name: "Ada Lovelace",
        email: "ada@example.test",
        company: "Analytical Engines",
        phone: "+44 20 7946 0000",
        notes: "First programmer",
      });

      // Duplicates: 409, nothing stored.
      steps.push(async () =>
        expectValid(
          await valid("POST", "/contacts/new", { cookie: A.cookie, form: { name: "Dup", email: "ADA@EXAMPLE.TEST" } }),
          409,
          "duplicate create",
        ),
      );
      steps.push(() => edit(A, nth("A", 0), { name: "Dup edit", email: "Drop@Example.Test" }, 409));

      // Edits.
      steps.push(() =>
        edit(A, nth("A", 0), {
          name: "Seed edited <script>alert(1)</script>",
          email: "seed0.a@example.test",
          company: "",
          phone: "",
          notes: "edited",
        }),
      );
      steps.push(() =>
        edit(A, nth("A", 1), {
          name: '"><img src=x onerror=alert(1)>',
          email: "SEED1.A@example.test",
          company: '"; DROP TABLE contacts; --',
          phone: "",
          notes: "",
        }),
      );
      steps.push(() =>
        edit(A, nth("A", 2), {
          name: "  Edited with spaces  ",
          email: "seed2.a@example.test",
          company: " Co ",
          phone: " 123 ",
          notes: " n ",
        }),
      );
      steps.push(() => edit(A, nth("A", 5), { name: "Cleared optionals", email: "xss1@example.test", company: "", phone: "", notes: "" }));
      steps.push(() => edit(A, nth("A", 6), { name: "Twice, first", email: "xss2@example.test" }));
      steps.push(() =>
        edit(A, nth("A", 6), { name: "Twice, second", email: "xss2-second@example.test", notes: "<script>alert(1)</script>" }),
      );
      steps.push(() =>
        edit(A, nth("A", 14), { name: "Renamed 100%", email: "MIXED.case@example.test", company: "Ölmez & Söhne", phone: "", notes: "" }),
      );
      steps.push(() => edit(B, nth("B", 0), { name: "B seed edited ' OR 1=1 --", email: "seed5.b@example.test", company: "<b>x</b>" }));
      steps.push(() =>
        edit(B, nth("B", 5), { name: "B script edited", email: "XSS1@example.test", notes: "still <script>alert(1)</script>" }),
      );

      // Deletes (and a second delete of the same contact: 404).
      steps.push(() => remove(A, nth("A", 4)));
      steps.push(() => remove(A, nth("A", 4), 404));
      steps.push(() => remove(A, nth("A", 11)));
      steps.push(() => edit(A, nth("A", 11), { name: "Edit after delete", email: "gone@example.test" }, 404));
      steps.push(() => remove(A, nth("A", 12)));
      steps.push(() => remove(A, nth("A", 3)));
      steps.push(() => remove(B, nth("B", 2)));
      steps.push(() => remove(B, nth("B", 6)));

      // Other accounts' contacts, valid forms: 404, nothing changes.
      steps.push(() => edit(A, nth("B", 3), { name: "Hijacked by A", email: "hijack-a@example.test" }, 404));
      steps.push(() => remove(A, nth("B", 3), 404));
      steps.push(() => edit(A, nth("B", 4), { name: "", email: "" }, 404));
      steps.push(() => edit(B, nth("A", 13), { name: "Hijacked by B", email: "hijack-b@example.test" }, 404));
      steps.push(() => remove(B, nth("A", 13), 404));
      steps.push(() => edit(C, nth("A", 15), { name: "Hijacked by C", email: "hijack-c@example.test" }, 404));
      steps.push(() => remove(C, nth("B", 7), 404));

      // Sign-ups that must not create an account.
      steps.push(async () =>
        expectValid(
          await valid("POST", "/signup", { form: { email: A.email.toUpperCase(), password: "another long passphrase" } }),
          409,
          "sign-up with a taken email",
        ),
      );
      steps.push(async () =>
        expectValid(
          await valid("POST", "/signup", { form: { email: "common@example.test", password: "password1" } }),
          400,
          "sign-up with a common password",
        ),
      );
      steps.push(async () =>
        expectValid(
          await valid("POST", "/signup", { form: { email: "same@example.test", password: "same@example.test" } }),
          400,
          "sign-up with password = email",
        ),
      );

      return steps;
    }
  }, 120_000);

  afterAll(async () => {
    httpAgent.destroy();
    await server?.stop(2_000);
    rmSync(dir, { recursive: true, force: true });
  });

  /** The server's log line for this request id (the app logs every 500 with it), or null. */
  function logLineFor(result: Result): string | null {
    if (!result.requestId) return null;
    const lines = stderr.text.split("\n");
    const at = lines.findIndex((l) => l.includes(`[request ${result.requestId}]`));
    return at >= 0 ? lines.slice(at, at + 3).join("\n      ") : null;
  }

  it(`answers ${FUZZ_REQUESTS} malformed requests without a 5xx, a hang, or a leak`, () => {
    const fuzz = results.filter((r) => r.spec.category !== "valid");
    const histogram = new Map<string, number>();
    const byCategory = new Map<string, Map<string, number>>();
    for (const r of results) {
      const key = r.status === null ? "no answer" : String(r.status);
      histogram.set(key, (histogram.get(key) ?? 0) + 1);
      const cat = byCategory.get(r.spec.category) ?? new Map<string, number>();
      cat.set(key, (cat.get(key) ?? 0) + 1);
      byCategory.set(r.spec.category, cat);
    }
    const fmt = (m: Map<string, number>) =>
      [...m]
        .sort(([a], [b]) => a.localeCompare(b))
        .map(([k, v]) => `${k}: ${v}`)
        .join(", ");
    console.log(
      `fuzz seed ${SEED}: ${results.length} requests (${fuzz.length} malformed, ${validCount} valid) in ${(elapsedMs / 1000).toFixed(1)} s\n` +
        `  statuses: ${fmt(histogram)}\n` +
        [...byCategory].map(([c, m]) => `  ${c.padEnd(14)} ${[...m.values()].reduce((a, b) => a + b, 0)}  (${fmt(m)})`).join("\n"),
    );

    for (const r of results.filter((x) => x.status !== null && x.status >= 300 && x.status < 400 && x.status !== 303)) {
      console.log(`note: ${r.status} to ${r.location} for ${describeSpec(r.spec).split("\n")[0]}`);
    }

    const problems: { signature: string; text: string; shape: string }[] = [];
    const problem = (r: Result, what: string) => {
      // One entry per kind of failure: for a 500 the error the app logged
      // (or, outside Remix's handlers, the method or framing that caused it).
      const logged = logLineFor(r)
        ?.split("\n")[0]
        ?.replace(/^.*? failed: /, "");
      const cause =
        r.spec.transport === "raw" ? r.spec.detail : `${r.spec.method}${r.spec.method === "TRACE" ? "" : ` ${r.spec.category}`}`;
      const signature = `${what} | ${logged ?? `${cause} (no app log line)`}${r.status !== null && r.status >= 500 ? "" : ` | ${r.spec.category}: ${r.spec.detail}`}`;
      const route = r.spec.path.split("?")[0]!.replace(/[A-Za-z0-9_-]{22}/g, ":id");
      const shape = `${r.spec.method} ${route.length > 40 ? `${route.slice(0, 40)}…` : route}${r.spec.category === "host" || r.spec.category === "framing" ? ` (${r.spec.detail})` : ""}`;
      problems.push({
        shape,
        signature,
        text: `${what}: ${describeSpec(r.spec)}\n    answered ${r.status ?? r.error} ${r.contentType}, request id ${r.requestId}\n    repeat: ${curlFor(r.spec, baseURL)}\n    server log: ${logLineFor(r) ?? "(none under this request id: an error outside Remix's handlers, see the stderr tail)"}`,
      });
    };

    const leaks = [
      "    at ",
      "SqliteError",
      "SQLITE_",
      "no such table",
      "constraint failed",
      'from "contacts"',
      'from "users"',
      'from "sessions"',
      'into "contacts"',
      '"owner_id"',
      "email_key",
      "token_hash",
      "password_hash",
      "$scrypt$",
      "node_modules",
      "kysely",
      root,
      appDir,
    ];
    for (const r of results) {
      if (r.status === null) {
        if (!r.spec.mayGetNoAnswer) problem(r, `no answer (${r.error})`);
        continue;
      }
      if (r.status >= 500) problem(r, `${r.status}`);
      if (r.spec.mustRefuse && !r.spec.mustRefuse.includes(r.status))
        problem(r, `not refused (expected ${r.spec.mustRefuse.join(" or ")})`);
      const sent =
        `${r.spec.path} ${JSON.stringify(r.spec.headers)} ${(r.spec.raw ?? r.spec.body ?? Buffer.alloc(0)).toString("latin1")}`.toLowerCase();
      for (const leak of leaks) {
        const caseSensitive = leak === "    at ";
        // Echoed input is not a leak (a re-rendered form, a .data reply that quotes field names).
        if (sent.includes(leak.toLowerCase().replace(/"/g, "").trim())) continue;
        if (caseSensitive ? r.body.includes(leak) : r.body.toLowerCase().includes(leak.toLowerCase()))
          problem(r, `body contains ${JSON.stringify(leak)}`);
      }
      // The framework's own words (decision 0028): its developer messages ("did not provide an `action`",
      // "No route matches", "Unexpected Server Error") and stack traces, in any answer.
      for (const message of frameworkMessagesIn(r.body))
        if (!sent.includes(message.toLowerCase())) problem(r, `body contains the framework's ${message}`);
      if (r.contentType.includes("text/html")) {
        for (const payload of RAW_HTML_PAYLOADS) if (r.body.includes(payload)) problem(r, `unescaped ${JSON.stringify(payload)} in HTML`);
      }
      if (r.location !== null && (!r.location.startsWith("/") || r.location.startsWith("//") || r.location.startsWith("/\\")))
        problem(r, `redirect off-site to ${r.location}`);
      if (r.spec.category !== "valid") {
        // A malformed request must not have done anything a valid one does.
        const effect = r.setCookie.find(
          (c) =>
            /^cardfile_session=[^;]+/.test(c) ||
            /^cardfile_flash=(%7B%22message%22%3A%22)?(Created|Saved|Deleted|Restored|Welcome|Signed)/.test(c),
        );
        if (effect) problem(r, `had an effect (Set-Cookie: ${effect.split(";")[0]})`);
      }
    }

    const distinct = new Map<string, { text: string; count: number; affects: Set<string> }>();
    for (const p of problems) {
      const seen = distinct.get(p.signature) ?? { text: p.text, count: 0, affects: new Set<string>() };
      seen.count++;
      seen.affects.add(p.shape);
      distinct.set(p.signature, seen);
    }
    const report = [...distinct.values()]
      .slice(0, 25)
      .map((d) => `(${d.count}×) ${d.text}\n    all ${d.count} of this kind: ${[...d.affects].sort().join(", ")}`)
      .join("\n\n");
    expect(fuzz.length).toBeGreaterThanOrEqual(2_000);
    expect(
      problems.length,
      `${problems.length} problems (${distinct.size} kinds); replay with FUZZ_SEED=${SEED}\n\n${report}\n\n--- server stderr (tail) ---\n${stderr.text.slice(-3_000)}`,
    ).toBe(0);
  });

  it("answered every valid request as the contract says", () => {
    expect(validProblems, validProblems.join("\n\n")).toEqual([]);
    expect(validCount).toBeGreaterThanOrEqual(40);
  });

  it("fuzzed every route in the build's manifest: a GET of each, and a POST of each with an action", () => {
    // The routes the generators and the model know by name are still routes.
    for (const pattern of KNOWN_WRITES) expect(ACTION_ROUTES, "a route this file knows by name").toContain(pattern);
    const methods = new Map<string, Set<string>>();
    for (const r of results) {
      if (r.spec.category === "valid") continue;
      let path = r.spec.path.split("?")[0]!;
      try {
        path = decodeURIComponent(path);
      } catch {
        // as sent
      }
      path = path.replace(/\.data$/, "");
      const route = routeFor(MANIFEST, path === "/_root" ? "/" : path);
      if (route) methods.set(route.pattern, (methods.get(route.pattern) ?? new Set()).add(r.spec.method));
    }
    const missed = MANIFEST.flatMap((route) => [
      ...(methods.get(route.pattern)?.has("GET") ? [] : [`GET ${route.pattern}`]),
      ...(route.action && !methods.get(route.pattern)?.has("POST") ? [`POST ${route.pattern}`] : []),
    ]);
    expect(missed, "routes of the manifest that no fuzz request reached").toEqual([]);
  });

  it("renders every stored injection string as escaped text", async () => {
    const owners = [...expected].filter(([, c]) => c.owner !== "C");
    expect(owners.length).toBeGreaterThanOrEqual(25);
    const failures: string[] = [];
    for (const [id, contact] of owners) {
      const cookie = accounts[contact.owner].cookie;
      for (const suffix of ["", "/edit"]) {
        const res = await fetch(`${baseURL}/contacts/${id}${suffix}`, { headers: { Cookie: cookie }, redirect: "manual" });
        const html = await res.text();
        if (res.status !== 200) {
          failures.push(`GET /contacts/${id}${suffix} answered ${res.status}`);
          continue;
        }
        for (const payload of RAW_HTML_PAYLOADS)
          if (html.includes(payload)) failures.push(`GET /contacts/${id}${suffix} contains raw ${payload}`);
        const shown = suffix ? [contact.name] : [contact.name, contact.email, contact.company, contact.phone, contact.notes];
        for (const value of shown)
          if (value !== null && !html.includes(escapeHtml(value)))
            failures.push(`GET /contacts/${id}${suffix} lacks ${JSON.stringify(escapeHtml(value))}`);
      }
    }
    // Search takes %, _ and \ literally, and folds case the same way for every script.
    for (const q of ["%", "_", "\\", "<script>", "' or 1=1", "DROP TABLE", "ZOË", "ölmez"]) {
      const res = await fetch(`${baseURL}/contacts?q=${encodeURIComponent(q)}`, { headers: { Cookie: accounts.A.cookie } });
      const html = await res.text();
      const found = (html.match(/<li><a href="\/contacts\/[\w-]{22}"/g) ?? []).length;
      const want = [...expected.values()].filter(
        (c) => c.owner === "A" && fold([c.name, c.email ?? "", c.company ?? ""].join("\n")).includes(fold(q)),
      ).length;
      if (res.status !== 200 || found !== want) failures.push(`GET /contacts?q=${q}: ${res.status}, ${found} results, expected ${want}`);
      for (const payload of RAW_HTML_PAYLOADS) if (html.includes(payload)) failures.push(`GET /contacts?q=${q} contains raw ${payload}`);
    }
    expect(failures, failures.join("\n")).toEqual([]);
  });

  it("kept every real session signed in (no malformed request signed anyone out)", async () => {
    for (const account of Object.values(accounts)) {
      const res = await fetch(`${baseURL}/contacts`, { headers: { Cookie: account.cookie }, redirect: "manual" });
      expect(res.status, `${account.key}'s session`).toBe(200);
      expect(await res.text()).toContain(escapeHtml(account.email));
    }
  });

  it("stops cleanly, leaving exactly what the valid requests wrote and an intact database", async () => {
    const exitCode = await server!.stop(15_000);
    expect(exitCode, stderr.text.slice(-2_000)).toBe(0);

    const sqlite = new Database(dbPath, { readonly: true, fileMustExist: true });
    try {
      expect(sqlite.pragma("integrity_check", { simple: true })).toBe("ok");
      expect(sqlite.pragma("foreign_key_check")).toEqual([]);

      const users = sqlite.prepare("select id, email from users order by email").all() as { id: string; email: string }[];
      expect(users.map((u) => u.email)).toEqual(
        Object.values(accounts)
          .map((a) => a.email)
          .sort(),
      );
      const ownerKey = new Map(Object.values(accounts).map((a) => [a.id, a.key]));

      const allRows = sqlite
        .prepare("select id, owner_id, name, email, company, phone, notes, version, deleted_at from contacts")
        .all() as {
        id: string;
        owner_id: string;
        name: string;
        email: string;
        company: string | null;
        phone: string | null;
        notes: string | null;
        version: number;
        deleted_at: number | null;
      }[];
      const asExpected = (list: typeof allRows) =>
        Object.fromEntries(
          list.map((r) => [
            r.id,
            {
              owner: ownerKey.get(r.owner_id) ?? `unknown owner ${r.owner_id}`,
              name: r.name,
              email: r.email,
              company: r.company,
              phone: r.phone,
              notes: r.notes,
              version: r.version,
            },
          ]),
        );
      // Live rows are what the valid lane left; deleted rows are exactly the ones it deleted, unchanged.
      const rows = allRows.filter((r) => r.deleted_at === null);
      expect(asExpected(rows)).toEqual(Object.fromEntries(expected));
      expect(asExpected(allRows.filter((r) => r.deleted_at !== null))).toEqual(Object.fromEntries(deleted));
      // The same, per owner, in the words of the issue: names and emails.
      for (const key of ["A", "B", "C"] as const) {
        const have = rows
          .filter((r) => ownerKey.get(r.owner_id) === key)
          .map((r) => `${r.name} <${r.email}>`)
          .sort();
        const want = [...expected.values()]
          .filter((c) => c.owner === key)
          .map((c) => `${c.name} <${c.email}>`)
          .sort();
        expect(have, `contacts of ${key}`).toEqual(want);
      }
    } finally {
      sqlite.close();
    }
  });
});
