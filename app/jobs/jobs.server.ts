import { sql, type ExpressionBuilder, type Kysely, type Transaction, type Updateable } from "kysely";
import { db, dialect } from "#app/db.server";
import type { Database, JobRow } from "#db/schema";
import { newId } from "#app/shared/ids";
import { retryDelayMs } from "./backoff";

// Background jobs in the database (docs/decisions/0026-job-mechanism.md).
// The only code that knows the jobs table. A worker claims a due job with a
// lease, runs it, and records the outcome; a worker that dies loses the job
// when its lease ends, and another takes it over. So a job runs at least
// once, and its handler must be idempotent.
//
// Every function takes the executor last: the app's `db` by default, a
// transaction so that a feature enqueues in the same commit as its own write
// (an outbox), or another instance (a test's second "process").
//
// Each write here is one statement, atomic on its own, so it runs without an
// explicit transaction: on SQLite it then holds the write lock only while
// the statement runs, never across the await between BEGIN and COMMIT, and
// a claim costs one round trip instead of three.

const DAY = 24 * 60 * 60 * 1000;

export const DEFAULT_MAX_ATTEMPTS = 5;
/** Done jobs are kept this long (to look at), then purged. */
export const DONE_KEPT_MS = 7 * DAY;
/** Failed jobs are kept longer: someone has to notice them. */
export const FAILED_KEPT_MS = 30 * DAY;
const PURGE_BATCH = 1000;
const ERROR_MAX_LENGTH = 2000;
// How many times a claim looks again when another worker took the job it saw.
const CLAIM_TRIES = 5;

export type JobState = JobRow["state"];

export interface Job {
  id: string;
  kind: string;
  /** JSON text, as enqueued */
  payload: string;
  uniqueKey: string | null;
  state: JobState;
  runAt: number;
  /** claims in this cycle, this one included; with lockedBy, what proves a worker still owns the job */
  attempts: number;
  maxAttempts: number;
  repeatEveryMs: number | null;
  lockedBy: string | null;
  lockedUntil: number | null;
  lastError: string | null;
  createdAt: number;
  updatedAt: number;
  finishedAt: number | null;
}

function toJob(row: JobRow): Job {
  return {
    id: row.id,
    kind: row.kind,
    payload: row.payload,
    uniqueKey: row.unique_key,
    state: row.state,
    runAt: row.run_at,
    attempts: row.attempts,
    maxAttempts: row.max_attempts,
    repeatEveryMs: row.repeat_every_ms,
    lockedBy: row.locked_by,
    lockedUntil: row.locked_until,
    lastError: row.last_error,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    finishedAt: row.finished_at,
  };
}

export interface EnqueueOptions {
  /** not run before this time (epoch ms); default now */
  runAt?: number;
  /** at most one pending job per key: while one is waiting or running, enqueueing another does nothing */
  uniqueKey?: string | null;
  /** attempts before it is kept as failed; default 5 */
  maxAttempts?: number;
  /** repeat this long after each run finishes, forever */
  repeatEveryMs?: number | null;
}

/**
 * Adds a job for the handler registered as `kind` (app/jobs/handlers.server.ts),
 * with `payload` stored as JSON. Returns its id, or null when `uniqueKey`
 * already has a pending job (which is left as it is). Pass the caller's
 * transaction as `executor` and the job exists only if that transaction commits.
 */
export async function enqueueJob(
  kind: string,
  payload: unknown,
  options: EnqueueOptions = {},
  executor: Kysely<Database> = db,
): Promise<string | null> {
  const now = Date.now();
  const { runAt = now, uniqueKey = null, maxAttempts = DEFAULT_MAX_ATTEMPTS, repeatEveryMs = null } = options;
  if (!kind) throw new Error("enqueueJob: a job needs a kind");
  if (!Number.isInteger(maxAttempts) || maxAttempts < 1)
    throw new Error(`enqueueJob: maxAttempts must be a positive integer, not ${maxAttempts}`);
  if (repeatEveryMs !== null && !(Number.isInteger(repeatEveryMs) && repeatEveryMs > 0)) {
    throw new Error(`enqueueJob: repeatEveryMs must be a positive integer, not ${repeatEveryMs}`);
  }
  const row = await executor
    .insertInto("jobs")
    .values({
      id: newId(),
      kind,
      payload: JSON.stringify(payload ?? null),
      unique_key: uniqueKey,
      state: "pending",
      run_at: runAt,
      attempts: 0,
      max_attempts: maxAttempts,
      repeat_every_ms: repeatEveryMs,
      locked_by: null,
      locked_until: null,
      last_error: null,
      created_at: now,
      updated_at: now,
      finished_at: null,
    })
    // The unique index is partial (pending jobs only), so the conflict
    // target repeats its predicate (as a literal, the index's very text)
    // for both databases to find the index.
    .onConflict((oc) => oc.column("unique_key").where("state", "=", sql.lit("pending")).doNothing())
    .returning("id")
    .executeTakeFirst();
  return row?.id ?? null;
}

/** The job with this id, in whatever state, or null (purged, or never there). */
export async function getJob(id: string, executor: Kysely<Database> = db): Promise<Job | null> {
  const row = await executor.selectFrom("jobs").selectAll().where("id", "=", id).executeTakeFirst();
  return row ? toJob(row) : null;
}

/** Due, and nobody holds its lease: the condition of every claim. */
function claimable(eb: ExpressionBuilder<Database, "jobs">, now: number) {
  return eb.and([
    eb("state", "=", "pending"),
    eb("run_at", "<=", now),
    eb.or([eb("locked_until", "is", null), eb("locked_until", "<=", now)]),
  ]);
}

/** The claimable job of these kinds that has been due longest (served by jobs_due_idx). */
export function dueJobQuery(kinds: readonly string[], now: number, executor: Kysely<Database> = db) {
  return executor
    .selectFrom("jobs")
    .select("id")
    .where((eb) => claimable(eb, now))
    .where("kind", "in", kinds)
    .orderBy("run_at")
    .limit(1);
}

export interface ClaimOptions {
  /** who claims: written to locked_by, and checked by every later write of the job */
  workerId: string;
  /** the kinds this worker has handlers for; other jobs wait for a worker that knows them */
  kinds: readonly string[];
  /** how long the job is this worker's without a heartbeat */
  leaseMs: number;
  now?: number;
}

/**
 * Takes the due job of one of `kinds` that has waited longest, for `leaseMs`,
 * and counts an attempt. Null when none is due. Safe with any number of
 * workers and processes: the claim is one UPDATE whose condition is that the
 * job is still due and unleased. On SQLite a writing statement takes the
 * write lock before it reads (as BEGIN IMMEDIATE does), so claims happen one
 * at a time; on Postgres the candidate row is locked with FOR UPDATE SKIP
 * LOCKED, so simultaneous claims take different jobs instead of queueing on
 * the same one, and the condition is checked again on the row's newest version.
 *
 * A job whose last allowed attempt lost its worker (the lease ran out) is not
 * run again: it is failed here (or, if it repeats, put back on its schedule).
 */
export async function claimJob(
  { workerId, kinds, leaseMs, now = Date.now() }: ClaimOptions,
  executor: Kysely<Database> = db,
): Promise<Job | null> {
  if (kinds.length === 0) return null;
  for (let tries = 0; tries < CLAIM_TRIES; tries++) {
    // A read first, so that an idle poll takes no write lock (SQLite) and locks no row.
    if (!(await dueJobQuery(kinds, now, executor).executeTakeFirst())) return null;
    const candidate = dueJobQuery(kinds, now, executor).$if(dialect === "postgres", (qb) => qb.forUpdate().skipLocked());
    const row = await executor
      .updateTable("jobs")
      .set((eb) => ({
        locked_by: workerId,
        locked_until: now + leaseMs,
        attempts: eb("attempts", "+", 1),
        updated_at: now,
        // Still locked by someone: that worker stopped (or hung) before it finished.
        last_error: sql<string | null>`case when locked_by is null then last_error
          else 'the lease of ' || locked_by || ' ended before it finished' end`,
      }))
      .where("id", "=", candidate)
      .where((eb) => claimable(eb, now))
      .returningAll()
      .executeTakeFirst();
    if (!row) continue; // another worker took it between the read and the claim
    const job = toJob(row);
    if (job.attempts <= job.maxAttempts) return job;
    const attempts = `${job.maxAttempts} attempt${job.maxAttempts === 1 ? "" : "s"}`;
    await failJob(job, `gave up after ${attempts}: ${job.lastError ?? "its worker stopped"}`, { now }, executor);
  }
  return null;
}

// Every write after the claim goes through here: it changes the job only if
// this claim still owns it. `locked_by` alone would not do: the same worker
// may claim the job again after its own lease ran out, and the late outcome
// of the first attempt must not touch the second; `attempts` tells them apart.
async function updateOwned(job: Job, values: Updateable<Database["jobs"]>, executor: Kysely<Database>): Promise<boolean> {
  const result = await executor
    .updateTable("jobs")
    .set(values)
    .where("id", "=", job.id)
    .where("state", "=", "pending")
    .where("locked_by", "=", job.lockedBy)
    .where("attempts", "=", job.attempts)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

const UNLOCKED = { locked_by: null, locked_until: null } as const;

/**
 * The lease of a running job, extended to `now + leaseMs` (a heartbeat).
 * False when this worker no longer owns the job: it should stop.
 */
export function extendLease(
  job: Job,
  { leaseMs, now = Date.now() }: { leaseMs: number; now?: number },
  executor: Kysely<Database> = db,
): Promise<boolean> {
  return updateOwned(job, { locked_until: now + leaseMs, updated_at: now }, executor);
}

/**
 * Records a success: a one-off job is done (kept until the purge), a
 * repeating one is due again `repeatEveryMs` from now with a fresh count of
 * attempts. False, and nothing changed, when the lease was lost meanwhile.
 */
export function completeJob(job: Job, { now = Date.now() }: { now?: number } = {}, executor: Kysely<Database> = db): Promise<boolean> {
  const outcome: Updateable<Database["jobs"]> =
    job.repeatEveryMs === null ? { state: "done", finished_at: now } : { run_at: now + job.repeatEveryMs, attempts: 0, last_error: null };
  return updateOwned(job, { ...outcome, ...UNLOCKED, updated_at: now }, executor);
}

/**
 * Hands a running job back, as if it had not been claimed: due at once, its
 * attempt not counted. For a process that shuts down in the middle of a long
 * job (an import): another worker, or this one after its restart, goes on
 * with it at once instead of after the lease. False when the lease was lost.
 */
export function releaseJob(job: Job, { now = Date.now() }: { now?: number } = {}, executor: Kysely<Database> = db): Promise<boolean> {
  return updateOwned(job, { ...UNLOCKED, attempts: job.attempts - 1, run_at: now, updated_at: now }, executor);
}

/** What became of a failed attempt. */
export type FailOutcome =
  /** due again after a backoff */
  | "retry"
  /** out of attempts: kept as failed with its last error */
  | "failed"
  /** a repeating job out of attempts: back on its schedule, attempts counted afresh */
  | "rescheduled"
  /** the lease had been lost: nothing recorded, the job's new owner decides */
  | "lost";

/**
 * Records a failed attempt and its error: another attempt after an
 * exponential, jittered backoff (app/jobs/backoff.ts) while attempts are
 * left; then a one-off job is kept as failed, and a repeating one waits for
 * its next regular run (a job such as the maintenance must not stop for
 * good because the database was away for a few minutes).
 */
export async function failJob(
  job: Job,
  error: unknown,
  { now = Date.now(), random = Math.random }: { now?: number; random?: () => number } = {},
  executor: Kysely<Database> = db,
): Promise<FailOutcome> {
  const last_error = describeError(error);
  let outcome: Exclude<FailOutcome, "lost">;
  let values: Updateable<Database["jobs"]>;
  if (job.attempts < job.maxAttempts) {
    outcome = "retry";
    values = { run_at: now + retryDelayMs(job.attempts, random) };
  } else if (job.repeatEveryMs !== null) {
    outcome = "rescheduled";
    values = { run_at: now + job.repeatEveryMs, attempts: 0 };
  } else {
    outcome = "failed";
    values = { state: "failed", finished_at: now };
  }
  const kept = await updateOwned(job, { ...values, last_error, ...UNLOCKED, updated_at: now }, executor);
  return kept ? outcome : "lost";
}

/** An error as one bounded text for last_error and the log: the stack when there is one. */
export function describeError(error: unknown): string {
  let text: string;
  if (error instanceof Error) text = error.stack ?? `${error.name}: ${error.message}`;
  else if (typeof error === "string") text = error;
  else {
    try {
      text = JSON.stringify(error) ?? String(error);
    } catch {
      text = String(error);
    }
  }
  return text.length > ERROR_MAX_LENGTH ? `${text.slice(0, ERROR_MAX_LENGTH - 1)}…` : text;
}

/**
 * Deletes jobs done more than DONE_KEPT_MS ago and failed more than
 * FAILED_KEPT_MS ago, up to `limit` of them (call it until it returns less).
 * Pending jobs are never purged.
 */
export async function purgeJobs(
  now = Date.now(),
  { limit = PURGE_BATCH }: { limit?: number } = {},
  executor: Kysely<Database> = db,
): Promise<number> {
  const result = await executor
    .deleteFrom("jobs")
    // DELETE … LIMIT is not portable; a LIMITed subquery is. Served by jobs_finished_at_idx.
    .where("id", "in", (eb) =>
      eb
        .selectFrom("jobs")
        .select("id")
        .where("finished_at", "<=", now - Math.min(DONE_KEPT_MS, FAILED_KEPT_MS))
        .where((eb) =>
          eb.or([
            eb.and([eb("state", "=", "done"), eb("finished_at", "<=", now - DONE_KEPT_MS)]),
            eb.and([eb("state", "=", "failed"), eb("finished_at", "<=", now - FAILED_KEPT_MS)]),
          ]),
        )
        .orderBy("finished_at")
        .limit(limit),
    )
    .executeTakeFirst();
  return Number(result.numDeletedRows);
}

/**
 * Deletes the jobs with these unique keys, whatever their state (an
 * account's deletion takes its imports' and messages' jobs with it); a
 * worker running one finds its lease gone and records nothing.
 */
export async function deleteJobsByKey(keys: readonly string[], trx: Transaction<Database>): Promise<number> {
  if (!keys.length) return 0;
  const result = await trx.deleteFrom("jobs").where("unique_key", "in", keys).executeTakeFirst();
  return Number(result.numDeletedRows);
}
