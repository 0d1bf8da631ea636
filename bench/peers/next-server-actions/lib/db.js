// The seed's lib/prisma.js, without Prisma: `prisma generate` fetches its
// schema engine from binaries.prisma.sh, which this machine cannot reach (only
// the npm registry is), so the peer talks to the same drivers Cardfile uses,
// better-sqlite3 and pg, chosen by DATABASE_URL like Cardfile's.
// One client per process, kept on globalThis like the seed's singleton.
import Database from "better-sqlite3";
import pg from "pg";

function openPostgres(url) {
  // bigint columns (epoch-millisecond timestamps) as numbers.
  pg.types.setTypeParser(20, Number);
  const pool = new pg.Pool({ connectionString: url, max: 10 });
  // `?` placeholders, as written below, become $1, $2, … for pg.
  const numbered = new Map();
  const toPg = (sql) => {
    let text = numbered.get(sql);
    if (text === undefined) {
      let n = 0;
      text = sql.replace(/\?/g, () => `$${++n}`);
      numbered.set(sql, text);
    }
    return text;
  };
  return {
    dialect: "postgres",
    async all(sql, params = []) {
      return (await pool.query(toPg(sql), params)).rows;
    },
    async run(sql, params = []) {
      await pool.query(toPg(sql), params);
    },
  };
}

function openSqlite(path) {
  const sqlite = new Database(path);
  sqlite.pragma("journal_mode = WAL");
  sqlite.pragma("foreign_keys = ON");
  sqlite.pragma("busy_timeout = 5000");
  sqlite.pragma("synchronous = NORMAL");
  const statements = new Map();
  const prepare = (sql) => {
    let statement = statements.get(sql);
    if (!statement) statements.set(sql, (statement = sqlite.prepare(sql)));
    return statement;
  };
  return {
    dialect: "sqlite",
    async all(sql, params = []) {
      return prepare(sql).all(params);
    },
    async run(sql, params = []) {
      prepare(sql).run(params);
    },
  };
}

function open() {
  const url = process.env.DATABASE_URL;
  if (!url) throw new Error("DATABASE_URL is not set");
  return /^postgres(ql)?:\/\//.test(url) ? openPostgres(url) : openSqlite(url.replace(/^file:/, ""));
}

const globalForDb = globalThis;

/** The database client, opened on first use (next build never opens it). */
export function db() {
  return (globalForDb.cardfileBenchDb ??= open());
}
