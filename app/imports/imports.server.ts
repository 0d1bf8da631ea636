import type { Kysely, Transaction } from "kysely";
import { inTransaction } from "#db/database.server";
import type { Database } from "#db/schema";
import { db } from "#app/db.server";
import { enqueueJob } from "#app/jobs/jobs.server";
import { newId } from "#app/shared/ids";
import type { ColumnMapping, DetectedSource, SourceEncoding, SourceFormat } from "./source";

// The imports tables: imports, their files (import_chunks) and the records
// they rejected (import_rejects). The only code that knows them. Every
// function that a route reaches takes the owner's id and puts it in every
// `where`: another account's import looks missing.

export type ImportState = Database["imports"]["state"];
export type OnDuplicate = "skip" | "update";

/** An import as pages show it. */
export interface Import {
  id: string;
  state: ImportState;
  fileName: string;
  size: number;
  format: SourceFormat | null;
  encoding: SourceEncoding | null;
  delimiter: "," | ";" | "\t" | null;
  columns: string[];
  mapping: ColumnMapping;
  onDuplicate: OnDuplicate;
  recordsDone: number;
  bytesDone: number;
  counts: { created: number; updated: number; skipped: number; rejected: number };
  error: string | null;
  createdAt: string;
  finishedAt: string | null;
}

type ImportRow = Awaited<ReturnType<typeof importRow>>;

function importRow(executor: Kysely<Database>, ownerId: string, id: string) {
  return executor.selectFrom("imports").selectAll().where("owner_id", "=", ownerId).where("id", "=", id).executeTakeFirst();
}

function toImport(row: NonNullable<ImportRow>): Import {
  return {
    id: row.id,
    state: row.state,
    fileName: row.file_name,
    size: Number(row.size),
    format: row.format as SourceFormat | null,
    encoding: row.encoding as SourceEncoding | null,
    delimiter: row.delimiter as Import["delimiter"],
    columns: JSON.parse(row.columns) as string[],
    mapping: JSON.parse(row.mapping) as ColumnMapping,
    onDuplicate: row.on_duplicate,
    recordsDone: Number(row.records_done),
    bytesDone: Number(row.bytes_done),
    counts: {
      created: Number(row.created_count),
      updated: Number(row.updated_count),
      skipped: Number(row.skipped_count),
      rejected: Number(row.rejected_count),
    },
    error: row.error,
    createdAt: new Date(Number(row.created_at)).toISOString(),
    finishedAt: row.finished_at === null ? null : new Date(Number(row.finished_at)).toISOString(),
  };
}

/** The owner's import, or null (also for another account's, and for an upload still arriving). */
export async function getImport(ownerId: string, id: string, executor: Kysely<Database> = db): Promise<Import | null> {
  const row = await importRow(executor, ownerId, id);
  return row && row.state !== "uploading" ? toImport(row) : null;
}

/** The owner's latest imports, newest first (the upload page lists them). */
export async function listImports(ownerId: string, limit = 10, executor: Kysely<Database> = db): Promise<Import[]> {
  const rows = await executor
    .selectFrom("imports")
    .selectAll()
    .where("owner_id", "=", ownerId)
    .where("state", "!=", "uploading")
    .orderBy("created_at", "desc")
    .orderBy("id", "desc")
    .limit(limit)
    .execute();
  return rows.map(toImport);
}

// ---- the upload

/** Starts an upload: an import row that collects the file's chunks (appendChunk) until finishUpload. */
export async function createUpload(ownerId: string, fileName: string, now = Date.now()): Promise<string> {
  const id = newId();
  await db
    .insertInto("imports")
    .values({ id, owner_id: ownerId, state: "uploading", file_name: fileName, size: 0, created_at: now, updated_at: now })
    .execute();
  return id;
}

/**
 * Stores one chunk of an upload. Each chunk is its own short write: an upload
 * on a slow network must not hold the database's write lock for its
 * duration. Only the upload's own request calls it.
 */
export async function appendChunk(importId: string, seq: number, data: Uint8Array): Promise<void> {
  await db.transaction().execute(async (trx) => {
    await trx.insertInto("import_chunks").values({ import_id: importId, seq, data }).execute();
    await trx
      .updateTable("imports")
      .set((eb) => ({ size: eb("size", "+", data.length), updated_at: Date.now() }))
      .where("id", "=", importId)
      .execute();
  });
}

/** The upload, complete and detected: ready for review. False if it is not (or no longer) an upload of this owner. */
export async function finishUpload(
  ownerId: string,
  id: string,
  detected: DetectedSource,
  executor: Kysely<Database> = db,
): Promise<boolean> {
  const result = await inTransaction(executor, (trx) =>
    trx
      .updateTable("imports")
      .set({
        state: "review",
        format: detected.format,
        encoding: detected.encoding,
        delimiter: detected.delimiter,
        columns: JSON.stringify(detected.columns),
        mapping: JSON.stringify(detected.mapping),
        updated_at: Date.now(),
      })
      .where("owner_id", "=", ownerId)
      .where("id", "=", id)
      .where("state", "=", "uploading")
      .executeTakeFirst(),
  );
  return Number(result.numUpdatedRows) === 1;
}

/** Removes an import and its file and rejects (an upload that was refused, or one that is no longer wanted). */
export async function discardImport(ownerId: string, id: string): Promise<void> {
  await db.transaction().execute(async (trx) => {
    await trx
      .deleteFrom("import_chunks")
      .where("import_id", "=", id)
      .where("import_id", "in", ownedIds(trx, ownerId, id))
      .execute();
    await trx
      .deleteFrom("import_rejects")
      .where("import_id", "=", id)
      .where("import_id", "in", ownedIds(trx, ownerId, id))
      .execute();
    await trx.deleteFrom("imports").where("owner_id", "=", ownerId).where("id", "=", id).execute();
  });
}

function ownedIds(trx: Transaction<Database>, ownerId: string, id: string) {
  return trx.selectFrom("imports").select("id").where("owner_id", "=", ownerId).where("id", "=", id);
}

/** The import's file, chunk by chunk, in order from chunk `fromSeq`: one query a chunk, so memory stays at one chunk. */
export async function* fileOf(
  importId: string,
  { fromSeq = 0 }: { fromSeq?: number } = {},
  executor: Kysely<Database> = db,
): AsyncGenerator<Uint8Array> {
  for (let seq = fromSeq; ; seq++) {
    const row = await executor
      .selectFrom("import_chunks")
      .select("data")
      .where("import_id", "=", importId)
      .where("seq", "=", seq)
      .executeTakeFirst();
    if (!row) return;
    yield row.data;
  }
}

// ---- review and start

export type StartResult = { ok: true; started: boolean } | { ok: false; reason: "not-found" };

/**
 * Saves the review's choices (the column mapping, what to do with emails the
 * account already has), and with `start` queues the import: its job is
 * enqueued in the same transaction, once. Starting an import that has been
 * started already changes nothing and says so (`started: false`): a double
 * tap, a resubmit or a second tab run it once.
 */
export async function reviewImport(
  ownerId: string,
  id: string,
  { mapping, onDuplicate, start }: { mapping: ColumnMapping; onDuplicate: OnDuplicate; start: boolean },
  executor: Kysely<Database> = db,
): Promise<StartResult> {
  return inTransaction(executor, async (trx) => {
    const now = Date.now();
    const result = await trx
      .updateTable("imports")
      .set({ mapping: JSON.stringify(mapping), on_duplicate: onDuplicate, state: start ? "queued" : "review", updated_at: now })
      .where("owner_id", "=", ownerId)
      .where("id", "=", id)
      .where("state", "=", "review")
      .executeTakeFirst();
    if (Number(result.numUpdatedRows) === 1) {
      if (start) await enqueueJob(IMPORT_JOB, { importId: id }, { uniqueKey: importJobKey(id), maxAttempts: 10 }, trx);
      return { ok: true, started: start };
    }
    const row = await importRow(trx, ownerId, id);
    return row && row.state !== "uploading" ? { ok: true, started: false } : { ok: false, reason: "not-found" };
  });
}

/** The job kind that runs imports (app/imports/import-job.server.ts). */
export const IMPORT_JOB = "import";

/** The unique key of the job that runs import `id`. */
export function importJobKey(id: string): string {
  return `import:${id}`;
}

/** The keys of the jobs of `ownerId`'s imports (an account's deletion removes them too). */
export async function importJobKeysOf(ownerId: string, executor: Kysely<Database> = db): Promise<string[]> {
  const rows = await executor.selectFrom("imports").select("id").where("owner_id", "=", ownerId).execute();
  return rows.map((row) => importJobKey(row.id));
}

// ---- the run (the job's side: any owner, by id)

/** The import as its job needs it: every column, for the run. */
export async function importForRun(id: string, executor: Kysely<Database> = db) {
  const row = await executor.selectFrom("imports").selectAll().where("id", "=", id).executeTakeFirst();
  return row ? { ownerId: row.owner_id, ...toImport(row) } : null;
}

/** Marks a queued import running (its first run, or a resumed one). */
export async function markRunning(id: string, executor: Kysely<Database> = db): Promise<void> {
  await executor
    .updateTable("imports")
    .set({ state: "running", updated_at: Date.now() })
    .where("id", "=", id)
    .where("state", "in", ["queued", "running"])
    .execute();
}

export interface BatchOutcome {
  /** records read, this batch included */
  recordsDone: number;
  bytesDone: number;
  created: number;
  updated: number;
  skipped: number;
  rejects: { record: number; reason: string; values: string[] }[];
}

/**
 * Records one batch's progress in `trx`, the batch's own transaction (with
 * its contacts): the counts, how far the run got, and its rejects. Guarded by
 * where the batch began, so a batch run twice (a worker that lost its lease
 * and another that took over) counts once: false means another run got there
 * first, and the caller's transaction must roll back.
 */
export async function recordBatch(trx: Transaction<Database>, id: string, from: number, batch: BatchOutcome): Promise<boolean> {
  const result = await trx
    .updateTable("imports")
    .set((eb) => ({
      records_done: batch.recordsDone,
      bytes_done: batch.bytesDone,
      created_count: eb("created_count", "+", batch.created),
      updated_count: eb("updated_count", "+", batch.updated),
      skipped_count: eb("skipped_count", "+", batch.skipped),
      rejected_count: eb("rejected_count", "+", batch.rejects.length),
      updated_at: Date.now(),
    }))
    .where("id", "=", id)
    .where("state", "=", "running")
    .where("records_done", "=", from)
    .executeTakeFirst();
  if (Number(result.numUpdatedRows) !== 1) return false;
  if (batch.rejects.length) {
    await trx
      .insertInto("import_rejects")
      .values(
        batch.rejects.map((reject) => ({
          import_id: id,
          record: reject.record,
          reason: reject.reason,
          values: JSON.stringify(reject.values),
        })),
      )
      .execute();
  }
  return true;
}

/** The end of a run: done, or failed with the reason (its counts stay, exact, for what was imported). */
export async function finishImport(
  id: string,
  outcome: { ok: true } | { ok: false; error: string },
  executor: Kysely<Database> = db,
): Promise<void> {
  const now = Date.now();
  await executor
    .updateTable("imports")
    .set(
      outcome.ok
        ? { state: "done", finished_at: now, updated_at: now }
        : { state: "failed", error: outcome.error, finished_at: now, updated_at: now },
    )
    .where("id", "=", id)
    .where("state", "in", ["queued", "running"])
    .execute();
}

/** The rejected records of the owner's import, in file order, a page at a time (the download streams them). */
export async function* rejectsOf(ownerId: string, id: string, executor: Kysely<Database> = db) {
  let after = 0;
  for (;;) {
    const rows = await executor
      .selectFrom("import_rejects")
      .innerJoin("imports", "imports.id", "import_rejects.import_id")
      .select(["import_rejects.record", "import_rejects.reason", "import_rejects.values"])
      .where("imports.owner_id", "=", ownerId)
      .where("import_rejects.import_id", "=", id)
      .where("import_rejects.record", ">", after)
      .orderBy("import_rejects.record")
      .limit(500)
      .execute();
    for (const row of rows) yield { record: Number(row.record), reason: row.reason, values: JSON.parse(row.values) as string[] };
    if (rows.length < 500) return;
    after = Number(rows[rows.length - 1]!.record);
  }
}

// ---- the purge

const HOUR = 60 * 60 * 1000;
/** A finished or abandoned import is kept this long after its last change, then purged with its file. */
export const IMPORT_KEPT_MS = 7 * 24 * HOUR;
/** An upload that never finished (its request died) is purged after this. */
export const UPLOAD_ABANDONED_MS = HOUR;

/** Removes up to `limit` old imports with their files and rejects; returns how many. */
export async function purgeImports(now = Date.now(), { limit = 100 }: { limit?: number } = {}): Promise<number> {
  return db.transaction().execute(async (trx) => {
    const old = await trx
      .selectFrom("imports")
      .select("id")
      .where((eb) =>
        eb.or([
          eb.and([eb("state", "in", ["done", "failed", "review"]), eb("updated_at", "<=", now - IMPORT_KEPT_MS)]),
          eb.and([eb("state", "=", "uploading"), eb("updated_at", "<=", now - UPLOAD_ABANDONED_MS)]),
        ]),
      )
      .orderBy("updated_at")
      .limit(limit)
      .execute();
    if (old.length === 0) return 0;
    const ids = old.map((row) => row.id);
    await trx.deleteFrom("import_chunks").where("import_id", "in", ids).execute();
    await trx.deleteFrom("import_rejects").where("import_id", "in", ids).execute();
    await trx.deleteFrom("imports").where("id", "in", ids).execute();
    return ids.length;
  });
}
