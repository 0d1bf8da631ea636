import SQLite from "better-sqlite3";
import { randomBytes } from "node:crypto";
import { closeSync, fsyncSync, linkSync, openSync, renameSync, rmSync, statSync, unlinkSync } from "node:fs";
import { basename, dirname, join } from "node:path";

// An online backup of a SQLite database (docs/decisions/0043-backups.md):
// SQLite's backup API copies the pages while other connections go on
// writing, into a temporary file next to the destination; the copy is
// checked, then renamed into place. A failure leaves no file at the
// destination. `npm run db:backup` (scripts/backup.ts) is the command line.

export interface SqliteBackupOptions {
  /** Replace a file already at the destination (by default one there fails the backup). */
  overwrite?: boolean;
  /** Pages copied per step at first (better-sqlite3's default, 100); the step doubles after every restart. */
  pagesPerStep?: number;
  /** After every step but the last. */
  onProgress?: (progress: { copiedPages: number; totalPages: number; restarts: number }) => void;
  /** Stops the copy between two steps (and removes the temporary file). */
  signal?: AbortSignal;
}

export interface SqliteBackupResult {
  /** the copy's size in bytes */
  bytes: number;
  /** its pages */
  pages: number;
  /** how often a write by another connection made SQLite start the copy over */
  restarts: number;
  /** rows in the copy's contacts table (null: it has none, an unmigrated database) */
  contacts: number | null;
}

/** What a copy that fails its check throws; nothing is left at the destination. */
export class BackupCheckError extends Error {
  override readonly name = "BackupCheckError";
}

/**
 * Copies the database at `source` (which must exist) to the new file
 * `destination`, consistently while other connections and processes write
 * to it: the copy is the database as of one moment, with every transaction
 * committed by then and none after.
 *
 * SQLite restarts an online backup from the first page whenever another
 * connection writes between two of its steps, so with steady writes a copy
 * made a few pages at a time may never finish. Each restart doubles the
 * pages per step; at worst a step copies the whole file inside one read
 * transaction, which in WAL mode holds up no writer.
 *
 * The copy goes to a temporary file next to `destination` and is put in
 * rollback-journal mode (one self-contained file: the app turns WAL back on
 * when it opens it), checked with `PRAGMA integrity_check`, then renamed to
 * `destination`.
 */
export async function backupSqlite(source: string, destination: string, options: SqliteBackupOptions = {}): Promise<SqliteBackupResult> {
  const { overwrite = false, pagesPerStep = 100, onProgress, signal } = options;
  const temporary = join(dirname(destination), `.${basename(destination)}.${process.pid}-${randomBytes(4).toString("hex")}.partial`);
  try {
    signal?.throwIfAborted();
    const { restarts } = await copyPages(source, temporary, pagesPerStep, onProgress, signal);
    const { pages, contacts } = checkCopy(temporary);
    signal?.throwIfAborted();
    moveIntoPlace(temporary, destination, overwrite);
    return { bytes: statSync(destination).size, pages, restarts, contacts };
  } finally {
    for (const suffix of ["", "-journal", "-wal", "-shm"]) rmSync(temporary + suffix, { force: true });
  }
}

async function copyPages(
  source: string,
  temporary: string,
  pagesPerStep: number,
  onProgress: SqliteBackupOptions["onProgress"],
  signal: AbortSignal | undefined,
): Promise<{ restarts: number }> {
  // Not openSqlite: a backup creates no folder or database and changes no setting of the source.
  const database = new SQLite(source, { fileMustExist: true });
  try {
    database.pragma("busy_timeout = 5000");
    let restarts = 0;
    let rate = 0; // the pages the step just done was asked for (the first, better-sqlite3's own, copies none)
    let copiedBefore = 0;
    await database.backup(temporary, {
      progress({ totalPages, remainingPages }) {
        signal?.throwIfAborted();
        const copiedPages = totalPages - remainingPages;
        // Without a restart a step adds exactly `rate` pages (it is not the last: that one reports no progress).
        if (copiedPages < copiedBefore + rate) {
          restarts += 1;
          rate = Math.min(rate * 2, 0x7fffffff);
        } else if (rate === 0) {
          rate = pagesPerStep;
        }
        copiedBefore = copiedPages;
        onProgress?.({ copiedPages, totalPages, restarts });
        return rate;
      },
    });
    return { restarts };
  } finally {
    database.close();
  }
}

function checkCopy(temporary: string): { pages: number; contacts: number | null } {
  const copy = new SQLite(temporary, { fileMustExist: true });
  try {
    // The pages carry the source's WAL flag; a backup is better as one file.
    copy.pragma("journal_mode = DELETE");
    const problems = (copy.pragma("integrity_check") as { integrity_check: string }[]).map((row) => row.integrity_check);
    if (problems.length !== 1 || problems[0] !== "ok") {
      throw new BackupCheckError(`the copy failed PRAGMA integrity_check: ${problems.slice(0, 5).join("; ")}`);
    }
    const pages = copy.pragma("page_count", { simple: true }) as number;
    const hasContacts = copy.prepare("select 1 from sqlite_schema where type = 'table' and name = 'contacts'").get() !== undefined;
    const contacts = hasContacts ? (copy.prepare("select count(*) from contacts").pluck().get() as number) : null;
    return { pages, contacts };
  } finally {
    copy.close();
  }
}

/** Renames the checked copy to `destination`: atomically, and without replacing a file there unless `overwrite`. */
function moveIntoPlace(temporary: string, destination: string, overwrite: boolean) {
  if (overwrite) {
    renameSync(temporary, destination);
  } else {
    // A hard link fails if the name is taken (EEXIST), where a rename would replace the file.
    linkSync(temporary, destination);
    unlinkSync(temporary);
  }
  // The rename itself is durable only once the folder is synced (not possible everywhere: then it is the OS's).
  try {
    const folder = openSync(dirname(destination), "r");
    try {
      fsyncSync(folder);
    } finally {
      closeSync(folder);
    }
  } catch {
    // Windows cannot open a folder; nothing more to do there.
  }
}
