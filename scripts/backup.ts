import { existsSync, realpathSync, statSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";

// `npm run db:backup -- FILE`: the command line around db/backup.server.ts.
// Only Node's own modules are imported up here, so `--help` and bad
// arguments answer before the configuration is read or a file touched.

export const USAGE = `Usage: npm run db:backup -- FILE [--force]

Copies the SQLite database in DATABASE_URL to FILE, consistently, while the
server goes on serving and writing (SQLite's online backup API). The copy is
made next to FILE, checked with PRAGMA integrity_check, then renamed to FILE:
a failed backup leaves nothing at FILE. For PostgreSQL use pg_dump (see
"Backups" in README.md).

  --force   replace FILE if it exists
  --help    this text

Exit status: 0 done, 2 bad arguments or refused (nothing written), 1 failed.`;

export type ParsedBackupArgs = { kind: "run"; file: string; force: boolean } | { kind: "help" } | { kind: "error"; message: string };

export function parseBackupArgs(argv: string[]): ParsedBackupArgs {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      strict: true,
      allowPositionals: true,
      options: { force: { type: "boolean", short: "f" }, help: { type: "boolean", short: "h" } },
    });
  } catch (error) {
    // parseArgs explains itself; its first sentence is the useful part.
    return { kind: "error", message: (error as Error).message.split(/\.\s|\n/)[0]!.replace(/\.$/, "") };
  }
  const { values, positionals } = parsed;
  if (values.help) return { kind: "help" };
  if (positionals.length === 0 || positionals[0] === "")
    return { kind: "error", message: "which file? Usage: npm run db:backup -- FILE [--force]" };
  if (positionals.length > 1) return { kind: "error", message: `one file only, not ${positionals.length} (${positionals.join(", ")})` };
  return { kind: "run", file: positionals[0]!, force: values.force ?? false };
}

/** The path of a file: URL's database, as createDatabase opens it (relative to the working directory). */
export function sqlitePathOf(databaseUrl: string): string {
  return databaseUrl.replace(/^file:/, "");
}

/** The file's own path with symlinks resolved, also for a file not there yet (its folder's real path, then its name). */
function realPath(file: string): string {
  return existsSync(file) ? realpathSync(file) : path.join(realpathSync(path.dirname(path.resolve(file))), path.basename(file));
}

/**
 * Why a backup of `databaseUrl` to `file` is refused, before anything is
 * opened or written; null when it may go ahead.
 */
export function backupProblem({ databaseUrl, file, force }: { databaseUrl: string; file: string; force: boolean }): string | null {
  if (/^postgres(ql)?:\/\//.test(databaseUrl)) {
    return 'DATABASE_URL is PostgreSQL: back it up with pg_dump instead (see "Backups" in README.md)';
  }
  const database = sqlitePathOf(databaseUrl);
  if (database === ":memory:") return "DATABASE_URL is an in-memory database: there is nothing to back up";
  if (!existsSync(database)) return `there is no database at ${database} (DATABASE_URL=${databaseUrl})`;
  const folder = path.dirname(path.resolve(file));
  if (!existsSync(folder) || !statSync(folder).isDirectory()) return `the folder ${path.dirname(file)} does not exist`;
  const target = realPath(file);
  const source = realpathSync(database);
  if (["", "-wal", "-shm", "-journal"].some((suffix) => target === source + suffix)) {
    return `${file} is the database itself (${database}): name another file`;
  }
  if (existsSync(file)) {
    if (statSync(file).isDirectory()) return `${file} is a folder: name the backup file, e.g. ${path.join(file, "cardfile.sqlite")}`;
    if (!force) return `${file} already exists: name another file, or add --force to replace it`;
    // A journal next to the file would be applied to the new copy when it is opened.
    const journal = ["-journal", "-wal"].find((suffix) => existsSync(file + suffix));
    if (journal) return `${file}${journal} exists next to ${file} (is it open?): remove it or name another file`;
  }
  return null;
}

function megabytes(bytes: number): string {
  return `${(bytes / 1_000_000).toLocaleString("en-US", { maximumFractionDigits: 1, minimumFractionDigits: 1 })} MB`;
}

/** The one line printed at the end. */
export function summary(file: string, result: { bytes: number; contacts: number | null; restarts: number }, ms: number): string {
  const contacts = result.contacts === null ? "no contacts table" : `${result.contacts.toLocaleString("en-US")} contacts`;
  const restarts = result.restarts > 0 ? ` (restarted ${result.restarts} times by writes during the copy)` : "";
  return `${file}: ${megabytes(result.bytes)}, ${contacts}, ${(ms / 1000).toFixed(1)} s${restarts}, integrity ok`;
}

async function main(argv: string[]): Promise<number> {
  const parsed = parseBackupArgs(argv);
  if (parsed.kind === "help") {
    console.log(USAGE);
    return 0;
  }
  if (parsed.kind === "error") {
    console.error(`db:backup: ${parsed.message}`);
    return 2;
  }
  let config;
  try {
    ({ config } = await import("#app/config.server"));
  } catch (error) {
    // An invalid DATABASE_URL stops config.server.ts on import.
    console.error(`db:backup: ${(error as Error).message.replace(/\n\s*/g, " ")}`);
    return 2;
  }
  const problem = backupProblem({ databaseUrl: config.DATABASE_URL, file: parsed.file, force: parsed.force });
  if (problem) {
    console.error(`db:backup: ${problem}; nothing was written`);
    return 2;
  }

  const { backupSqlite } = await import("#db/backup.server");
  const stop = new AbortController();
  const onSignal = () => stop.abort(new Error("interrupted"));
  process.once("SIGINT", onSignal);
  process.once("SIGTERM", onSignal);
  const started = performance.now();
  try {
    const result = await backupSqlite(sqlitePathOf(config.DATABASE_URL), parsed.file, { overwrite: parsed.force, signal: stop.signal });
    console.log(summary(parsed.file, result, performance.now() - started));
    return 0;
  } catch (error) {
    console.error(`db:backup failed, nothing was written to ${parsed.file}: ${(error as Error).message ?? error}`);
    return 1;
  } finally {
    process.off("SIGINT", onSignal);
    process.off("SIGTERM", onSignal);
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === path.resolve(process.argv[1])) {
  process.exitCode = await main(process.argv.slice(2));
}
