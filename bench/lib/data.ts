import Database from "better-sqlite3";
import { createHash, randomBytes } from "node:crypto";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import pg from "pg";
import type { BenchOptions, Db } from "./options";
import { childEnv, runCommand } from "./processes";

// The data every system is measured on: one account holding N generated
// contacts (scripts/seed.ts), in a SQLite file and a Postgres database of the
// bench's own. Seeding a million contacts takes minutes, so a dataset is kept
// in bench/.data/ and reused while a marker says it was seeded with the same
// N and generator, and the account still holds exactly N contacts.

export const root = path.resolve(import.meta.dirname, "../..");
export const dataDir = path.join(root, "bench/.data");
const tsxCli = path.join(root, "node_modules/tsx/dist/cli.mjs");

export const ACCOUNT = { email: "bench@cardfile.example", password: "bench-load-generator-2026" };
export const PAGE_SIZE = 50;
/** "The page 1,000 pages back": reached after this many clicks on "Older". */
export const DEEP_PAGES = 1_000;
/** Contacts the create scenario adds have addresses like bench-…@bench.invalid, and are removed after it. */
export const CREATED_EMAIL_PREFIX = "bench-";
export const CREATED_EMAIL_DOMAIN = "bench.invalid";

export interface DbClient {
  dialect: Db;
  all<T = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<T[]>;
  run(sql: string, params?: unknown[]): Promise<number>;
  close(): Promise<void>;
}

export function sqliteClient(file: string): DbClient {
  const sqlite = new Database(file);
  sqlite.pragma("journal_mode = WAL");
  sqlite.pragma("busy_timeout = 5000");
  return {
    dialect: "sqlite",
    async all<T>(sql: string, params: unknown[] = []) {
      return sqlite.prepare(sql).all(...params) as T[];
    },
    async run(sql: string, params: unknown[] = []) {
      return sqlite.prepare(sql).run(...params).changes;
    },
    async close() {
      sqlite.close();
    },
  };
}

export async function postgresClient(url: string): Promise<DbClient> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 3_000 });
  await client.connect();
  const numbered = (sql: string) => {
    let n = 0;
    return sql.replace(/\?/g, () => `$${++n}`);
  };
  return {
    dialect: "postgres",
    async all<T>(sql: string, params: unknown[] = []) {
      return (await client.query(numbered(sql), params)).rows as T[];
    },
    async run(sql: string, params: unknown[] = []) {
      return (await client.query(numbered(sql), params)).rowCount ?? 0;
    },
    close: () => client.end(),
  };
}

/** The Postgres URL of database `name` on the server of `serverUrl`. */
export function withDatabase(serverUrl: string, name: string): string {
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return url.toString();
}

/** Whether the Postgres server answers; the reason when it does not. */
export async function postgresProblem(serverUrl: string): Promise<string | null> {
  try {
    const client = await postgresClient(serverUrl);
    await client.close();
    return null;
  } catch (error) {
    return `PostgreSQL at ${serverUrl} is not reachable (${(error as Error).message})`;
  }
}

export interface Dataset {
  db: Db;
  /** the folder of its files (bench/.data, or a smoke run's temporary one): scratch files of the run go there too */
  dir: string;
  /** removes a smoke run's scratch data (its temp folder, its Postgres database); nothing for a kept dataset */
  dispose(): Promise<void>;
  /** DATABASE_URL for the servers */
  url: string;
  client: DbClient;
  userId: string;
  contacts: number;
}

interface Marker {
  contacts: number;
  email: string;
  generator: string;
  /** each migration applied to the dataset, by file name, with a hash of its text */
  migrations: Record<string, string>;
  seededAt: string;
}

const sha = (text: string) => createHash("sha256").update(text).digest("hex").slice(0, 16);

/** Changes when the generated people change: a dataset made by another generator is seeded again. */
function generatorVersion(): string {
  return sha(["scripts/seed-data.ts", "scripts/seed.server.ts"].map((f) => readFileSync(path.join(root, f), "utf8")).join("\0"));
}

function migrationHashes(): Record<string, string> {
  const dir = path.join(root, "migrations");
  return Object.fromEntries(
    readdirSync(dir)
      .filter((f) => f.endsWith(".ts"))
      .map((f) => [f, sha(readFileSync(path.join(dir, f), "utf8"))]),
  );
}

/**
 * Whether the dataset's schema can be brought up to date by migrating: every
 * migration it had applied is unchanged. (A migration edited after it ran,
 * as happens while one is being written, would never run again.)
 */
function migrationsStillApply(applied: Record<string, string> | undefined): boolean {
  if (!applied) return false;
  const now = migrationHashes();
  return Object.entries(applied).every(([file, hash]) => now[file] === hash);
}

function writeMarker(file: string, contacts: number, generator: string, seededAt = new Date().toISOString()) {
  const marker: Marker = { contacts, email: ACCOUNT.email, generator, migrations: migrationHashes(), seededAt };
  writeFileSync(file, JSON.stringify(marker, null, 2) + "\n");
}

export function tsx(script: string, args: string[], databaseUrl: string, quiet: boolean) {
  // Only what the command needs: not the bench's own NODE_ENV or a test's SCRYPT_LOG_N.
  return runCommand(process.execPath, [tsxCli, script, ...args], {
    cwd: root,
    env: childEnv({ PATH: process.env.PATH, HOME: process.env.HOME, DATABASE_URL: databaseUrl }),
    quiet,
  });
}

async function accountId(client: DbClient): Promise<string | null> {
  const rows = await client.all<{ id: string }>("select id from users where email_key = ?", [ACCOUNT.email]);
  return rows[0]?.id ?? null;
}

async function liveContacts(client: DbClient, userId: string): Promise<number> {
  const rows = await client.all<{ n: number | string }>("select count(*) as n from contacts where owner_id = ? and deleted_at is null", [
    userId,
  ]);
  return Number(rows[0]?.n ?? 0);
}

/**
 * The dataset for `db`: reused if it holds what this run needs, else made
 * anew (the file or database is dropped first: db:seed adds to an account,
 * and the count must be exact). Migrations are applied either way, so a
 * reused dataset has the schema of the code being measured.
 */
export async function prepareDataset(db: Db, options: BenchOptions, log: (line: string) => void): Promise<Dataset> {
  const n = options.contacts;
  // A smoke run (the test suite's) seeds scratch data of its own and removes
  // it afterwards: it never touches, or collides with, a kept dataset.
  const scratch = options.mode === "smoke";
  const dir = scratch ? mkdtempSync(path.join(tmpdir(), "cardfile-bench-smoke-")) : dataDir;
  mkdirSync(dir, { recursive: true });
  const name = `cardfile-bench-${n}`;
  const markerFile = path.join(dir, `${name}.${db}.json`);
  const sqliteFile = path.join(dir, `${name}.sqlite`);
  const pgName = scratch ? `cardfile_bench_smoke_${process.pid}_${randomBytes(4).toString("hex")}` : `cardfile_bench_${n}`;
  const dispose = async () => {
    if (!scratch) return;
    if (db === "postgres") {
      const admin = await postgresClient(options.postgresUrl);
      try {
        await admin.run(`drop database if exists ${pgName} with (force)`);
      } finally {
        await admin.close();
      }
    }
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    const url = db === "sqlite" ? `file:${sqliteFile}` : withDatabase(options.postgresUrl, pgName);
    const generator = generatorVersion();
    const quiet = options.mode === "smoke";

    const open = async () => (db === "sqlite" ? sqliteClient(sqliteFile) : postgresClient(url));
    const marker: Marker | null = existsSync(markerFile) ? JSON.parse(readFileSync(markerFile, "utf8")) : null;
    let reusable =
      marker?.contacts === n && marker.email === ACCOUNT.email && marker.generator === generator && migrationsStillApply(marker.migrations);
    if (reusable && db === "sqlite" && !existsSync(sqliteFile)) reusable = false;
    if (reusable && db === "postgres") {
      const admin = await postgresClient(options.postgresUrl);
      reusable = (await admin.all("select 1 from pg_database where datname = ?", [pgName])).length === 1;
      await admin.close();
    }

    if (reusable) {
      await tsx("scripts/migrate.ts", [], url, true);
      const client = await open();
      const userId = await accountId(client);
      if (userId) {
        // A run that died mid-way may have left its created contacts, or an import's account, behind.
        await deleteCreatedContacts({ client, userId });
        await deleteImportAccounts(client);
        if ((await liveContacts(client, userId)) === n) {
          writeMarker(markerFile, n, generator, marker?.seededAt);
          log(`${db}: reusing ${n.toLocaleString("en-US")} contacts (${db === "sqlite" ? path.relative(root, sqliteFile) : pgName})`);
          return { db, dir, url, client, userId, contacts: n, dispose };
        }
      }
      await client.close();
    }

    log(
      `${db}: seeding ${n.toLocaleString("en-US")} contacts into ${db === "sqlite" ? path.relative(root, sqliteFile) : pgName} (once; later runs reuse them)`,
    );
    rmSync(markerFile, { force: true });
    if (db === "sqlite") {
      for (const suffix of ["", "-wal", "-shm"]) rmSync(sqliteFile + suffix, { force: true });
    } else {
      const admin = await postgresClient(options.postgresUrl);
      try {
        await admin.run(`drop database if exists ${pgName} with (force)`);
        await admin.run(`create database ${pgName}`);
      } finally {
        await admin.close();
      }
    }
    await tsx("scripts/seed.ts", ["--contacts", String(n), "--email", ACCOUNT.email, "--password", ACCOUNT.password], url, quiet);
    const client = await open();
    const userId = await accountId(client);
    const count = userId ? await liveContacts(client, userId) : 0;
    if (!userId || count !== n) {
      await client.close();
      throw new Error(`db:seed left ${count} contacts for ${ACCOUNT.email} on ${db}, not ${n}`);
    }
    // Statistics for the planner, and the visibility map: a table just bulk-loaded has none until autovacuum comes
    // by, and every index-only scan reads the heap too (the label scenario's p95: 36.6 ms before, 28.7 ms after).
    if (db === "postgres") await client.run("vacuum analyze");
    writeMarker(markerFile, n, generator);
    return { db, dir, url, client, userId, contacts: n, dispose };
  } catch (error) {
    await dispose().catch(() => {});
    throw error;
  }
}

export interface Fixtures {
  /** the "Older" cursor of the page DEEP_PAGES back (or the last full page of a small dataset) */
  deepCursor: string;
  deepPages: number;
  /** a contact in the middle, for `detail` */
  detail: { id: string; name: string };
  /** one contact's whole address: a term with one match */
  rareTerm: string;
  /** a label of the seeded 20 ("Clients", on about 7.5% of the contacts), for `label` */
  labelId: string;
  /** the "Next" cursor of the page DEEP_PAGES on in the A-to-Z order, for `sort-name-deep` */
  nameDeepCursor: string;
}

type ListRow = { id: string; name: string; email: string; created_at: number | string };

async function rowAt(client: DbClient, userId: string, offset: number): Promise<ListRow> {
  const rows = await client.all<ListRow>(
    "select id, name, email, created_at from contacts where owner_id = ? and deleted_at is null order by created_at desc, id desc limit 1 offset ?",
    [userId, offset],
  );
  if (!rows[0]) throw new Error(`the dataset has no contact at position ${offset}`);
  return rows[0];
}

/** Cursors, ids and terms the scenarios use; the same for every system on this dataset. */
export async function fixturesOf({ client, userId, contacts }: Dataset): Promise<Fixtures> {
  // Page p (1-based) starts after the row at p*50-1; a small dataset gets its last full page.
  const deepPages = Math.min(DEEP_PAGES, Math.floor(contacts / PAGE_SIZE) - 1);
  const last = await rowAt(client, userId, deepPages * PAGE_SIZE - 1);
  const middle = await rowAt(client, userId, Math.floor(contacts / 2));
  const rare = await rowAt(client, userId, Math.floor(contacts * 0.4));
  const [label] = await client.all<{ id: string }>("select id from labels where owner_id = ? and name = ?", [userId, "Clients"]);
  if (!label) throw new Error("the dataset has no label Clients (scripts/seed-data.ts SEED_LABELS)");
  const [byName] = await client.all<{ id: string; name_sort: string }>(
    "select id, name_sort from contacts where owner_id = ? and deleted_at is null order by name_sort, id limit 1 offset ?",
    [userId, deepPages * PAGE_SIZE - 1],
  );
  if (!byName) throw new Error("the dataset has no contact at the deep page of the A-to-Z order");
  return {
    // app/contacts/cursor.ts encodeCursor, direction "older".
    deepCursor: `o${Number(last.created_at).toString(36)}.${last.id}`,
    deepPages,
    detail: { id: middle.id, name: middle.name },
    rareTerm: rare.email.toLowerCase(),
    labelId: label.id,
    // app/contacts/cursor.ts encodeCursor of a text key: "~" and base64url of its UTF-8.
    nameDeepCursor: `o~${Buffer.from(byName.name_sort).toString("base64url")}.${byName.id}`,
  };
}

const SESSION_TTL_MS = 30 * 24 * 60 * 60 * 1000;
const hashToken = (token: string) => createHash("sha256").update(token).digest("hex");

/**
 * A session for the account made directly in the table, the way
 * app/auth/session.server.ts makes one (random token, its SHA-256 stored).
 * Used when Cardfile is not among the systems to log in through.
 */
export async function insertSession({ client, userId }: Dataset): Promise<string> {
  const token = randomBytes(32).toString("base64url");
  const now = Date.now();
  await client.run("insert into sessions (id, token_hash, user_id, created_at, expires_at, user_agent) values (?, ?, ?, ?, ?, ?)", [
    randomBytes(16).toString("base64url"),
    hashToken(token),
    userId,
    now,
    now + SESSION_TTL_MS,
    "cardfile bench",
  ]);
  return token;
}

export async function endSession({ client }: Dataset, token: string) {
  await client.run("delete from sessions where token_hash = ?", [hashToken(token)]);
}

/**
 * Cardfile allows 60 contact writes a minute per user
 * (app/http/rate-limit.server.ts, contactWritesPerUser); the create scenario
 * sends thousands. Rather than measure refusals, the bench starts this
 * user's counter for the next hours deep below zero. Each request still does
 * all of the limit's work (the read and the counting upsert); none is
 * refused. The key is that module's: the limit's name and the SHA-256 of the
 * user id. If it changes, creates answer 429 and the bench says so.
 */
export async function allowContactWrites({ client, userId }: Dataset, hours = 3) {
  const minute = 60_000;
  const key = `contact-writes-user:${createHash("sha256").update(userId).digest("base64url")}`;
  const first = Date.now() - (Date.now() % minute);
  for (let i = 0; i < hours * 60; i++) {
    await client.run(
      "insert into rate_limits (key, window_start, count) values (?, ?, ?) on conflict (key, window_start) do update set count = excluded.count",
      [key, first + i * minute, -1_000_000_000],
    );
  }
}

/** Removes the contacts the create scenario added, so the next system sees the same data. */
export async function deleteCreatedContacts({ client, userId }: Pick<Dataset, "client" | "userId">): Promise<number> {
  // A range on email_key, served by the unique (owner_id, email_key) index of live contacts.
  return client.run(
    "delete from contacts where owner_id = ? and deleted_at is null and email_key >= ? and email_key < ? and email_key like ?",
    [userId, CREATED_EMAIL_PREFIX, CREATED_EMAIL_PREFIX.slice(0, -1) + ".", `%@${CREATED_EMAIL_DOMAIN}`],
  );
}

/** The accounts the import scenario makes have addresses like import-…@bench.invalid, and are removed after it. */
const IMPORT_ACCOUNT_PREFIX = "import-";

/**
 * A new, empty account for the import scenario, made directly in the table
 * with a password hash no password matches (it is used through a session
 * only, see insertSession): signing up through the form would run into the
 * sign-up rate limit (10 an hour from one address) after a few runs.
 */
export async function createImportAccount(client: DbClient): Promise<{ userId: string; email: string }> {
  const userId = randomBytes(16).toString("base64url");
  const email = `${IMPORT_ACCOUNT_PREFIX}${randomBytes(6).toString("hex")}@${CREATED_EMAIL_DOMAIN}`;
  await client.run("insert into users (id, email, email_key, password_hash, created_at) values (?, ?, ?, ?, ?)", [
    userId,
    email,
    email,
    "!no-password",
    Date.now(),
  ]);
  return { userId, email };
}

/**
 * Removes the import scenario's accounts with everything they hold (the
 * imported contacts, the import, its file, its job, the sessions), so the
 * dataset holds what it held before. In batches: on SQLite each deleted
 * contact also leaves the search index, through a trigger.
 */
export async function deleteImportAccounts(client: DbClient): Promise<number> {
  const accounts = await client.all<{ id: string }>("select id from users where email_key like ?", [
    `${IMPORT_ACCOUNT_PREFIX}%@${CREATED_EMAIL_DOMAIN}`,
  ]);
  for (const { id } of accounts) {
    const imports = await client.all<{ id: string }>("select id from imports where owner_id = ?", [id]);
    for (const imported of imports) {
      await client.run("delete from import_chunks where import_id = ?", [imported.id]);
      await client.run("delete from import_rejects where import_id = ?", [imported.id]);
      await client.run("delete from jobs where unique_key = ?", [`import:${imported.id}`]);
      await client.run("delete from imports where id = ?", [imported.id]);
    }
    while ((await client.run("delete from contacts where id in (select id from contacts where owner_id = ? limit 10000)", [id])) > 0);
    await client.run("delete from submissions where user_id = ?", [id]);
    await client.run("delete from sessions where user_id = ?", [id]);
    await client.run("delete from users where id = ?", [id]);
  }
  return accounts.length;
}
