import SQLite from "better-sqlite3";
import { execFile, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { sql, type Kysely } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { insertContacts } from "#app/contacts/contacts.server";
import { emailKey } from "#app/shared/text";
import { createDatabase } from "#db/database.server";
import { migrateToLatest } from "#db/migrate";
import type { Database } from "#db/schema";
import { contactInput, uniqueEmail } from "#tests/factories";
import { freshDatabase } from "#tests/fresh-database";
import { backupProblem, parseBackupArgs } from "./backup";

// `npm run db:backup` (docs/decisions/0043-backups.md). SQLite: the real
// command line, run while this process keeps committing contacts to the same
// file; the copy must be one moment of the database. PostgreSQL: what the
// README says instead, pg_dump and pg_restore into a fresh database.

const dialect = process.env.TEST_DIALECT;
const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const run = promisify(execFile);

/** A user row of its own (createUser writes to the app's database, not to this test's). */
async function addUser(db: Kysely<Database>): Promise<string> {
  const id = randomBytes(16).toString("hex");
  const email = uniqueEmail("backup");
  await db
    .insertInto("users")
    .values({ id, email, email_key: emailKey(email), password_hash: "not a hash", created_at: Date.now() })
    .execute();
  return id;
}

/** `npm run db:backup -- ...args` as the real command (node with tsx's loader, as `tsx` runs it). */
function backupCommand(args: string[], databaseUrl: string): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ["--import", "tsx", "scripts/backup.ts", ...args], {
      cwd: ROOT,
      env: { ...process.env, DATABASE_URL: databaseUrl },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk: Buffer) => (stdout += chunk));
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk));
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, stdout, stderr }));
  });
}

// Each suite registers only its own part (a skipped test would read as a check not made).
if (dialect === "sqlite")
  describe("db:backup on SQLite", () => {
    const BATCH = 10;
    const BATCHES_BEFORE = 1_000; // 10,000 contacts, about 12 MB: a few thousand pages to copy
    let source: Awaited<ReturnType<typeof freshDatabase>>;
    let db: Kysely<Database>;
    let ownerId: string;
    let folder: string;
    let nextBatch = 0;

    /** Contacts of batch n: ten, marked in their notes, committed together. */
    const batch = (n: number) =>
      Array.from({ length: BATCH }, (_, i) =>
        contactInput({
          name: `Batch ${n} contact ${i}`,
          email: `b${n}.${i}@example.test`,
          notes: `batch ${n}`,
          createdAt: 1_700_000_000_000 + n,
        }),
      );

    beforeAll(async () => {
      source = await freshDatabase("sqlite");
      db = createDatabase(source.url);
      await migrateToLatest(db);
      ownerId = await addUser(db);
      for (let first = 0; first < BATCHES_BEFORE; first += 100) {
        // A hundred batches to a transaction here (each still whole): quicker to set up.
        await db.transaction().execute(async (trx) => {
          for (let n = first; n < first + 100; n++) await insertContacts(ownerId, batch(n), { executor: trx });
        });
      }
      nextBatch = BATCHES_BEFORE;
      folder = mkdtempSync(path.join(tmpdir(), "cardfile-backup-"));
    });

    afterAll(async () => {
      await db?.destroy();
      await source?.drop();
      if (folder) rmSync(folder, { recursive: true, force: true });
    });

    it("copies a consistent database while another connection commits the whole time", async () => {
      const file = path.join(folder, "during-writes", "cardfile.sqlite");
      mkdirSync(path.dirname(file));
      let writing = true;
      const writer = (async () => {
        while (writing) {
          const n = nextBatch;
          await db.transaction().execute((trx) => insertContacts(ownerId, batch(n), { executor: trx }));
          nextBatch = n + 1;
          // Kysely's awaits are microtasks: let the event loop (the child's pipes) run.
          await new Promise((resolve) => setImmediate(resolve));
        }
      })();
      // Some commits first, so that the writer is surely running when the copy starts.
      while (nextBatch < BATCHES_BEFORE + 20) await new Promise((resolve) => setTimeout(resolve, 5));
      const committedAtStart = nextBatch;
      const result = await backupCommand([file], source.url);
      const committedAtEnd = nextBatch;
      writing = false;
      await writer;

      expect(result.stderr).toBe("");
      expect(result.code).toBe(0);
      const line = result.stdout.trim();
      expect(line).toMatch(
        /^\S+cardfile\.sqlite: [\d.,]+ MB, [\d,]+ contacts, [\d.]+ s( \(restarted \d+ times by writes during the copy\))?, integrity ok$/,
      );
      // The copy is the only file there: no temporary file, no -wal or -shm (it is in rollback-journal mode).
      expect(readdirSync(path.dirname(file))).toEqual(["cardfile.sqlite"]);
      expect(committedAtEnd).toBeGreaterThan(committedAtStart); // the writer went on during the backup

      // Not read-only: FTS5's integrity-check is written as an INSERT.
      const copy = new SQLite(file, { fileMustExist: true });
      try {
        expect(copy.pragma("integrity_check")).toEqual([{ integrity_check: "ok" }]);
        expect(copy.pragma("journal_mode", { simple: true })).toBe("delete");
        // The search index (kept by triggers in each write's transaction) matches the table it indexes.
        expect(() => copy.exec("insert into contacts_fts (contacts_fts, rank) values ('integrity-check', 1)")).not.toThrow();
        const counts = copy.prepare("select notes, count(*) as n from contacts where owner_id = ? group by notes").all(ownerId) as {
          notes: string;
          n: number;
        }[];
        // Every batch whole: ten contacts or none (a batch that is absent has no group at all).
        expect(counts.filter((row) => row.n !== BATCH)).toEqual([]);
        // And one moment: batches commit in order, so the copy holds batches 0 to k-1, no gaps,
        // with k at least what was committed when the backup started.
        const numbers = counts.map((row) => Number(row.notes.replace("batch ", ""))).sort((a, b) => a - b);
        const k = numbers.length;
        expect(numbers).toEqual(Array.from({ length: k }, (_, i) => i));
        expect(k).toBeGreaterThanOrEqual(committedAtStart);
        expect(k).toBeLessThanOrEqual(committedAtEnd);
        const contacts = copy.prepare("select count(*) from contacts").pluck().get() as number;
        expect(contacts).toBe(k * BATCH);
        expect(line).toContain(`, ${contacts.toLocaleString("en-US")} contacts, `);
        // The migrations came along: the copy is a database the app can start on.
        const applied = copy.prepare("select count(*) from kysely_migration").pluck().get() as number;
        expect(applied).toBe(readdirSync(path.join(ROOT, "migrations")).filter((name) => name.endsWith(".ts")).length);
      } finally {
        copy.close();
      }
    }, 60_000);

    it("refuses an existing file without --force, and replaces it with --force", async () => {
      const file = path.join(folder, "existing.sqlite");
      writeFileSync(file, "an older backup");
      const refused = await backupCommand([file], source.url);
      expect(refused.code).toBe(2);
      expect(refused.stdout).toBe("");
      expect(refused.stderr.trim()).toBe(
        `db:backup: ${file} already exists: name another file, or add --force to replace it; nothing was written`,
      );
      expect(readFileSync(file, "utf8")).toBe("an older backup");
      expect(readdirSync(folder).filter((name) => name.startsWith(".existing"))).toEqual([]);

      const forced = await backupCommand([file, "--force"], source.url);
      expect(forced.stderr).toBe("");
      expect(forced.code).toBe(0);
      const copy = new SQLite(file, { readonly: true, fileMustExist: true });
      try {
        expect(copy.pragma("integrity_check")).toEqual([{ integrity_check: "ok" }]);
        expect(copy.prepare("select count(*) from contacts").pluck().get()).toBe(nextBatch * BATCH);
      } finally {
        copy.close();
      }
    }, 30_000);

    it("refuses a PostgreSQL DATABASE_URL and a missing FILE, with status 2, one line, nothing written", async () => {
      const file = path.join(folder, "from-postgres.sqlite");
      const postgres = await backupCommand([file], "postgres://postgres@127.0.0.1:5432/postgres");
      expect(postgres).toEqual({
        code: 2,
        stdout: "",
        stderr:
          'db:backup: DATABASE_URL is PostgreSQL: back it up with pg_dump instead (see "Backups" in README.md); nothing was written\n',
      });
      expect(existsSync(file)).toBe(false);

      const missing = await backupCommand([], source.url);
      expect(missing).toEqual({ code: 2, stdout: "", stderr: "db:backup: which file? Usage: npm run db:backup -- FILE [--force]\n" });
    }, 30_000);

    it("refuses a missing folder, the database itself, a missing database (checked before anything is opened)", () => {
      const databasePath = source.url.replace(/^file:/, "");
      const check = (file: string, databaseUrl = source.url, force = false) => backupProblem({ databaseUrl, file, force });
      expect(check(path.join(folder, "no such folder", "x.sqlite"))).toBe(
        `the folder ${path.join(folder, "no such folder")} does not exist`,
      );
      expect(check(databasePath, source.url, true)).toBe(`${databasePath} is the database itself (${databasePath}): name another file`);
      expect(check(`${databasePath}-wal`, source.url, true)).toMatch(/is the database itself/);
      // The same file by another spelling is still the database.
      const relative = path.relative(process.cwd(), databasePath);
      expect(check(relative, `file:${relative}`, true)).toMatch(/is the database itself/);
      const absent = path.join(folder, "absent.sqlite");
      expect(check(path.join(folder, "y.sqlite"), `file:${absent}`)).toBe(
        `there is no database at ${absent} (DATABASE_URL=file:${absent})`,
      );
      expect(existsSync(absent)).toBe(false);
      expect(check(path.join(folder, "fine.sqlite"))).toBeNull();

      expect(parseBackupArgs([])).toEqual({ kind: "error", message: "which file? Usage: npm run db:backup -- FILE [--force]" });
      expect(parseBackupArgs(["a", "b"])).toMatchObject({ kind: "error" });
      expect(parseBackupArgs(["--verbose", "a"])).toMatchObject({ kind: "error" });
      expect(parseBackupArgs(["a", "--force"])).toEqual({ kind: "run", file: "a", force: true });
    });
  });

// pg_dump and pg_restore go to the database directly (the README says so for
// PgBouncer too), so the pgbouncer suite runs this unchanged: a file with no
// test would fail there, and a skipped one would read as a check not made.
if (dialect === "postgres")
  describe("backup and restore on PostgreSQL (pg_dump, pg_restore)", () => {
    let source: Awaited<ReturnType<typeof freshDatabase>>;
    let target: Awaited<ReturnType<typeof freshDatabase>>;
    let db: Kysely<Database>;
    let restored: Kysely<Database>;
    let folder: string;

    const NAMES = ["Zoë Ångström", "李小龍", "Ådne Øverli 🎉", "عمر الخيام", "Ñoño O'Brien", "Дмитрий Шостакович", "Ada Lovelace"];

    beforeAll(async () => {
      source = await freshDatabase("postgres");
      target = await freshDatabase("postgres");
      db = createDatabase(source.url);
      restored = createDatabase(target.url);
      folder = mkdtempSync(path.join(tmpdir(), "cardfile-pg-backup-"));
      await migrateToLatest(db);
      const ownerId = await addUser(db);
      const contacts = Array.from({ length: 500 }, (_, i) =>
        contactInput({
          name: `${NAMES[i % NAMES.length]} ${i}`,
          email: i % 10 === 0 ? null : `contact.${i}@example.test`,
          company: i % 3 === 0 ? null : `Firma “${i % 17}” & Söhne`,
          phone: i % 4 === 0 ? null : `+49 30 ${String(1_000_000 + i)}`,
          notes: i % 5 === 0 ? null : `line one of ${i}\nline two, with a tab\tand "quotes"\r\n\\ a backslash`,
          createdAt: 1_700_000_000_000 + i * 1000,
          starredAt: i % 25 === 0 ? 1_700_000_500_000 + i : null,
        }),
      );
      const ids = await db.transaction().execute((trx) => insertContacts(ownerId, contacts, { executor: trx }));
      // A label on some, and some in the trash: the other tables and the partial index come along too.
      const now = Date.now();
      await db
        .insertInto("labels")
        .values({ id: "label-1", owner_id: ownerId, name: "Fréunde", name_key: "fréunde", created_at: now, updated_at: now })
        .execute();
      await db
        .insertInto("contact_labels")
        .values(ids.filter((_, i) => i % 7 === 0).map((contact_id) => ({ contact_id, label_id: "label-1" })))
        .execute();
      await db.updateTable("contacts").set({ deleted_at: now }).where("id", "in", ids.slice(0, 5)).execute();
    });

    afterAll(async () => {
      await db?.destroy();
      await restored?.destroy();
      await source?.drop();
      await target?.drop();
      if (folder) rmSync(folder, { recursive: true, force: true });
    });

    /** Every row of every table, in one order (the tables' own, then the rows' JSON). */
    async function everything(database: Kysely<Database>) {
      const tables = await sql<{ table_name: string }>`
      select table_name from information_schema.tables
      where table_schema = 'public' and table_type = 'BASE TABLE' order by table_name`.execute(database);
      const contents: Record<string, string[]> = {};
      for (const { table_name } of tables.rows) {
        const rows = await sql<Record<string, unknown>>`select * from ${sql.table(table_name)}`.execute(database);
        contents[table_name] = rows.rows.map((row) => JSON.stringify(row)).sort();
      }
      return contents;
    }

    it("restores a pg_dump into a fresh database with every contact identical, and nothing left to migrate", async () => {
      const dump = path.join(folder, "cardfile.dump");
      await run("pg_dump", ["--format=custom", `--file=${dump}`, source.url]);
      await run("pg_restore", ["--no-owner", `--dbname=${target.url}`, dump]);

      const contacts = (database: Kysely<Database>) => database.selectFrom("contacts").selectAll().orderBy("id").execute();
      const before = await contacts(db);
      const after = await contacts(restored);
      expect(before).toHaveLength(500);
      expect(after).toEqual(before);
      expect(after.filter((row) => row.notes?.includes("\r\n"))).toHaveLength(400);
      expect(after.filter((row) => row.email === null)).toHaveLength(50);
      expect(after.some((row) => row.name.startsWith("李小龍"))).toBe(true);
      // Every other table too, the migrations' bookkeeping included.
      expect(await everything(restored)).toEqual(await everything(db));
      // The indexes (the search index with its operator class, the partial ones).
      const indexes = (database: Kysely<Database>) =>
        sql<{
          indexname: string;
          indexdef: string;
        }>`select indexname, indexdef from pg_indexes where schemaname = 'public' order by indexname`
          .execute(database)
          .then((result) => result.rows);
      expect(await indexes(restored)).toEqual(await indexes(db));
      expect((await indexes(restored)).map((index) => index.indexname)).toContain("contacts_search_trgm_idx");
      // `npm run db:migrate` after a restore: nothing to apply.
      expect(await migrateToLatest(restored)).toEqual([]);
    }, 60_000);
  });
