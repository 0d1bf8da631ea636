import SQLite from "better-sqlite3";
import { mkdirSync } from "node:fs";
import { dirname } from "node:path";
import { CompiledQuery, Kysely, type Transaction, PostgresDialect, SqliteDialect, type DatabaseConnection, type Driver } from "kysely";
import pg from "pg";
import type { Database } from "./schema";

// The database layer: Kysely, its two dialects and their settings. It knows
// nothing of the app or of HTTP; the app makes its one instance from its
// configuration (app/db.server.ts) and decides what a failure means to a user.

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
  // No mmap_size: mapping the file made gathering search candidates faster,
  // but every page the process touched (the FTS index on each create) then
  // counted in its resident memory: 575 MB under the bench's create at
  // 1,000,000 contacts, against 164 MB without it (0007).
  return withStatementCache(sqlite);
}

const STATEMENT_CACHE_SIZE = 256;

/**
 * Kysely prepares every query anew; preparing costs about as much as running
 * a small indexed query. The app sends a few dozen distinct SQL texts, so the
 * prepared statements are kept by text (least recently used out first). One
 * connection runs one query at a time (Kysely's lock), so a cached statement
 * is never busy when it is used again.
 */
function withStatementCache(sqlite: SQLite.Database): SQLite.Database {
  const cache = new Map<string, SQLite.Statement>();
  const prepare = sqlite.prepare.bind(sqlite);
  sqlite.prepare = ((source: string) => {
    let statement = cache.get(source);
    if (statement) {
      cache.delete(source); // re-inserted below: most recently used last
    } else {
      statement = prepare(source);
      if (cache.size >= STATEMENT_CACHE_SIZE) cache.delete(cache.keys().next().value!);
    }
    cache.set(source, statement);
    return statement;
  }) as typeof sqlite.prepare;
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

/** Node and Postgres errors that mean "the database cannot be reached right now". */
export function isUnavailable(error: unknown): boolean {
  if (typeof error !== "object" || error === null) return false;
  const { code, message } = error as { code?: unknown; message?: unknown };
  if (typeof code === "string") {
    if (["ECONNREFUSED", "ECONNRESET", "ETIMEDOUT", "EPIPE", "ENOTFOUND", "EAI_AGAIN", "EHOSTUNREACH"].includes(code)) return true;
    // 08xxx connection exception, 57P01-03 shutdown/cannot connect, 53300 too many connections, 57014 statement timeout
    if (/^08/.test(code) || ["57P01", "57P02", "57P03", "53300", "57014"].includes(code)) return true;
  }
  return (
    typeof message === "string" &&
    /Connection terminated|timeout exceeded when trying to connect|Query read timeout|not queryable/i.test(message)
  );
}

/**
 * What a query throws when the database cannot be reached right now (server
 * down, connection refused or cut, statement timeout). The original error is
 * its `cause`. The app turns it into a 503 page (app/db.server.ts).
 */
export class DatabaseUnavailableError extends Error {
  override readonly name = "DatabaseUnavailableError";
  constructor(cause: unknown) {
    super(`database unavailable: ${cause instanceof Error ? cause.message : String(cause)}`, { cause });
  }
}

export interface DatabaseOptions {
  /**
   * Called with every DatabaseUnavailableError before it is thrown; what it
   * returns is thrown in its place (the app's 503 answer). By default the
   * error itself is thrown.
   */
  onUnavailable?: (error: DatabaseUnavailableError) => unknown;
}

/**
 * Turns "database unreachable" failures (isUnavailable) into
 * DatabaseUnavailableError, or what onUnavailable makes of it.
 */
class AvailabilityAwarePostgresDialect extends PostgresDialect {
  constructor(
    config: ConstructorParameters<typeof PostgresDialect>[0],
    private readonly onUnavailable: (error: DatabaseUnavailableError) => unknown,
  ) {
    super(config);
  }

  override createDriver(): Driver {
    const driver = super.createDriver();
    const acquire = driver.acquireConnection.bind(driver);
    const guard = <T>(operation: () => Promise<T>) => guarded(operation, this.onUnavailable);
    // Kysely hands out the same connection object for a pooled client every
    // time: wrap each once, or every acquire would add a layer and queries
    // would slow down (and finally overflow the stack) as the process ages.
    const wrapped = new WeakSet<DatabaseConnection>();
    driver.acquireConnection = async () => {
      const connection = await guard(() => acquire());
      if (!wrapped.has(connection)) {
        const execute = connection.executeQuery.bind(connection);
        connection.executeQuery = (query) => guard(() => execute(query));
        wrapped.add(connection);
      }
      return connection;
    };
    return driver;
  }
}

async function guarded<T>(operation: () => Promise<T>, onUnavailable: (error: DatabaseUnavailableError) => unknown): Promise<T> {
  try {
    return await operation();
  } catch (error) {
    if (!isUnavailable(error)) throw error;
    throw onUnavailable(new DatabaseUnavailableError(error));
  }
}

export function createDatabase(url: string, { onUnavailable = (error) => error }: DatabaseOptions = {}): Kysely<Database> {
  if (dialectOf(url) === "postgres") {
    const pool = new pg.Pool({
      connectionString: url,
      max: 10,
      types: pgTypes,
      // Fail fast when the server is down, so pages answer 503 within 2 s.
      connectionTimeoutMillis: 1_000,
      // No startup parameters (no statement_timeout here): PgBouncer in
      // transaction mode refuses them. The database itself stops a statement
      // after 5 s (migration 2026-12-05T0000_statement_timeout); this client-side
      // limit is the backstop for a server that does not answer at all.
      query_timeout: 6_000,
      idleTimeoutMillis: 30_000,
    });
    // An idle connection that dies (server restart) must not crash the
    // process; the pool drops it and opens a new one on the next query.
    pool.on("error", (error) => console.error(`database connection lost: ${error.message}`));
    // The pool listens only while a connection is idle. One that dies while a
    // request holds it (taken from the pool just as its socket closed) would
    // emit an unhandled 'error' and end the process. Its query fails anyway,
    // which guarded() turns into a DatabaseUnavailableError, and the pool drops it on
    // release; so this listener only has to exist.
    pool.on("connect", (client) => client.on("error", () => {}));
    return new Kysely<Database>({ dialect: new AvailabilityAwarePostgresDialect({ pool }, onUnavailable) });
  }
  const path = url.replace(/^file:/, "");
  // Opened on first use, like the pg pool: importing this module touches no file.
  return new Kysely<Database>({
    dialect: new ImmediateSqliteDialect({ database: async () => openSqlite(path) }),
  });
}

/**
 * Runs `write` in a transaction (BEGIN IMMEDIATE on SQLite), or inside the
 * caller's when `executor` already is one: a domain write and the record of
 * its submission key then commit or roll back together.
 */
export function inTransaction<T>(executor: Kysely<Database>, write: (trx: Transaction<Database>) => Promise<T>): Promise<T> {
  return executor.isTransaction ? write(executor as Transaction<Database>) : executor.transaction().execute(write);
}
