import SQLite from "better-sqlite3";
import { mkdirSync } from "node:fs";
import { dirname } from "node:path";
import {
  CompiledQuery,
  Kysely,
  PostgresDialect,
  SqliteDialect,
  type DatabaseConnection,
  type Driver,
} from "kysely";
import pg from "pg";
import { config } from "../app/config.server";
import type { Database } from "./schema";

export type Dialect = "sqlite" | "postgres";

export function dialectOf(url: string): Dialect {
  return /^postgres(ql)?:\/\//.test(url) ? "postgres" : "sqlite";
}

/**
 * SQLite's default `BEGIN` is deferred: two writers can both start reading and
 * then one fails with SQLITE_BUSY when it tries to write, ignoring
 * busy_timeout. `BEGIN IMMEDIATE` takes the write lock up front, so writers
 * queue behind busy_timeout instead.
 */
class ImmediateSqliteDialect extends SqliteDialect {
  override createDriver(): Driver {
    const driver = super.createDriver();
    driver.beginTransaction = async (connection: DatabaseConnection) => {
      await connection.executeQuery(CompiledQuery.raw("begin immediate"));
    };
    return driver;
  }
}

export function openSqlite(path: string): SQLite.Database {
  if (path !== ":memory:") mkdirSync(dirname(path), { recursive: true });
  const sqlite = new SQLite(path);
  sqlite.pragma("journal_mode = WAL");
  sqlite.pragma("foreign_keys = ON");
  sqlite.pragma("busy_timeout = 5000");
  // NORMAL in WAL mode never corrupts the database; a power cut may lose the
  // last transactions but a crash of the process loses nothing.
  sqlite.pragma("synchronous = NORMAL");
  return sqlite;
}

// bigint (oid 20) holds our epoch-millisecond timestamps and count(*) results;
// both fit in a JS number, so parse them as numbers instead of strings.
const pgTypes = {
  getTypeParser: ((oid: number, format?: "text" | "binary") =>
    oid === 20 && format !== "binary"
      ? (value: string) => Number(value)
      : pg.types.getTypeParser(oid, format)) as typeof pg.types.getTypeParser,
};

export function createDatabase(url: string): Kysely<Database> {
  if (dialectOf(url) === "postgres") {
    const pool = new pg.Pool({ connectionString: url, max: 10, types: pgTypes });
    return new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
  }
  const path = url.replace(/^file:/, "");
  // Opened on first use, like the pg pool: importing this module touches no file.
  return new Kysely<Database>({
    dialect: new ImmediateSqliteDialect({ database: async () => openSqlite(path) }),
  });
}

export const dialect: Dialect = dialectOf(config.DATABASE_URL);

/** The one Kysely instance of the process. */
export const db: Kysely<Database> = createDatabase(config.DATABASE_URL);
