import { hostname } from "node:os";
import { setTimeout as sleep } from "node:timers/promises";
import type { Kysely } from "kysely";
import { db } from "#app/db.server";
import type { Database } from "#db/schema";
import { newId } from "#app/shared/ids";
import { claimJob, completeJob, describeError, extendLease, failJob, releaseJob, type Job } from "./jobs.server";

// The worker loop: polls the jobs table for due jobs of the kinds it has
// handlers for, runs them, records what happened. One per server process
// (app/jobs/start.server.ts); tests start several, with their own clocks and
// database instances (docs/decisions/0026-job-mechanism.md).

export interface JobContext {
  readonly job: Job;
  /**
   * Aborted when this worker has lost the job: its lease ran out (no
   * heartbeat in time) or another worker took it over. Stop at the next safe
   * point; whatever the handler does from then on is not recorded.
   */
  readonly signal: AbortSignal;
  /**
   * Aborted when this process shuts down. A long job stops at its next safe
   * point and throws JobInterrupted: the job is handed back (releaseJob), not
   * failed, and goes on at once on another worker or after the restart. A
   * short job may ignore it and finish.
   */
  readonly stopping: AbortSignal;
  /** Extends the lease by the runner's leaseMs from now. False once the job is lost. Long jobs call it between steps. */
  heartbeat(): Promise<boolean>;
}

/** What a handler throws when it stopped because its process shuts down (context.stopping): the job is handed back, not failed. */
export class JobInterrupted extends Error {
  override readonly name = "JobInterrupted";
  constructor() {
    super("stopped because its process shuts down; handed back to run again");
  }
}

/**
 * Runs one job. `payload` is the enqueued value after a JSON round trip, as
 * stored (perhaps by an older version of the app): check it before use.
 * Resolve for success, throw for a failed attempt. A job runs at least once,
 * so a handler must be idempotent.
 */
export type JobHandler = (payload: unknown, context: JobContext) => Promise<void>;
export type JobHandlers = Readonly<Record<string, JobHandler>>;

export interface JobRunnerOptions {
  /** by kind; the runner claims only these kinds */
  handlers: JobHandlers;
  /** unique per runner; default host:pid:random */
  workerId?: string;
  /** how long to wait when nothing is due; default 1 s */
  pollMs?: number;
  /** how long a claimed job is this runner's without a heartbeat; default 5 minutes */
  leaseMs?: number;
  /** jobs run at the same time by this runner; default 1 */
  concurrency?: number;
  /** how long stop() waits for running jobs; default 10 s */
  stopTimeoutMs?: number;
  /** the clock for claims, leases and backoff (not for the poll's sleep); default Date.now */
  now?: () => number;
  /** default: the app's db */
  executor?: Kysely<Database>;
}

export interface JobRunner {
  readonly workerId: string;
  /** Claims nothing more and waits (up to stopTimeoutMs) for the jobs running now. Never rejects. */
  stop(): Promise<void>;
}

const SECOND = 1000;
const MINUTE = 60 * SECOND;
// After the database failed a poll, the next waits longer, up to this.
const MAX_WAIT_AFTER_ERROR_MS = 30 * SECOND;

interface Work {
  handlers: JobHandlers;
  /** aborted when the runner stops */
  stopping: AbortSignal;
  workerId: string;
  leaseMs: number;
  /** how often a running job's lease is checked against the clock */
  pollMs: number;
  now: () => number;
  executor: Kysely<Database>;
}

function label(job: Job): string {
  return `${job.kind} job ${job.id}`;
}

/** Claims one due job and runs it to its recorded outcome. False when none was due. */
async function runNextJob(work: Work): Promise<boolean> {
  const job = await claimJob(
    { workerId: work.workerId, kinds: Object.keys(work.handlers), leaseMs: work.leaseMs, now: work.now() },
    work.executor,
  );
  if (!job) return false;
  await runJob(job, work);
  return true;
}

type Outcome = { ok: true } | { ok: false; error: unknown } | "lost";

async function runJob(job: Job, { handlers, stopping, leaseMs, pollMs, now, executor }: Work): Promise<void> {
  const lost = new AbortController();
  let leaseEnds = job.lockedUntil ?? 0;
  const loseLease = (why: string) => lost.abort(new Error(`${label(job)}: ${why}`));
  const context: JobContext = {
    job,
    signal: lost.signal,
    stopping,
    async heartbeat() {
      if (lost.signal.aborted) return false;
      const at = now();
      if (await extendLease(job, { leaseMs, now: at }, executor)) {
        leaseEnds = at + leaseMs;
        return true;
      }
      loseLease("another worker took it over");
      return false;
    },
  };
  // A handler that neither finishes nor heartbeats within its lease has lost
  // the job (another worker may be running it already): stop waiting for it,
  // so that one hung handler does not stop this runner for good.
  const watchdog = setInterval(() => now() >= leaseEnds && loseLease("its lease ran out"), pollMs);
  watchdog.unref();
  const abandoned = new Promise<"lost">((resolve) => lost.signal.addEventListener("abort", () => resolve("lost"), { once: true }));
  let outcome: Outcome;
  try {
    const handler = handlers[job.kind];
    const attempt = (async () => {
      if (!handler) throw new Error(`no handler for jobs of kind "${job.kind}"`);
      await handler(JSON.parse(job.payload), context);
    })();
    outcome = await Promise.race([
      attempt.then(
        (): Outcome => ({ ok: true }),
        (error: unknown): Outcome => ({ ok: false, error }),
      ),
      abandoned,
    ]);
  } finally {
    clearInterval(watchdog);
  }

  if (outcome === "lost") {
    console.error(`jobs: ${(lost.signal.reason as Error).message}; not waiting for it any longer, its next owner runs it again`);
    return;
  }
  if (!outcome.ok && outcome.error instanceof JobInterrupted) {
    const released = await releaseJob(job, { now: now() }, executor);
    console.log(
      `jobs: ${label(job)} ${released ? "handed back: it goes on at once elsewhere or after the restart" : "stopped after its lease was lost"}`,
    );
    return;
  }
  if (outcome.ok) {
    if (!(await completeJob(job, { now: now() }, executor))) {
      console.error(`jobs: ${label(job)} finished after its lease was lost; its success was not recorded`);
    }
    return;
  }
  console.error(`jobs: ${label(job)} failed (attempt ${job.attempts} of ${job.maxAttempts}): ${describeError(outcome.error)}`);
  const recorded = await failJob(job, outcome.error, { now: now() }, executor);
  if (recorded === "failed") console.error(`jobs: ${label(job)} is out of attempts and kept as failed`);
  if (recorded === "lost") console.error(`jobs: ${label(job)} failed after its lease was lost; its failure was not recorded`);
}

// This process's runners, to wake when a job was just enqueued here.
const sleepers = new Set<() => void>();

/**
 * Tells this process's runners that a job is due now: one that is waiting for
 * its next poll polls at once. Call it after the commit that enqueued the
 * job (the runner must be able to see it). Other processes' runners find the
 * job at their next poll, as always; a wake is only a shortcut.
 */
export function wakeJobRunners(): void {
  for (const wake of sleepers) wake();
}

/**
 * Starts polling for jobs. A handler's error is logged and recorded as a
 * failed attempt; a database error is logged and the poll tried again later.
 * Neither ever reaches the process.
 */
export function startJobRunner(options: JobRunnerOptions): JobRunner {
  const {
    handlers,
    workerId = `${hostname()}:${process.pid}:${newId().slice(0, 8)}`,
    pollMs = SECOND,
    leaseMs = 5 * MINUTE,
    concurrency = 1,
    stopTimeoutMs = 10 * SECOND,
    now = Date.now,
    executor = db,
  } = options;
  let stopping = false;
  const stopped = new AbortController();
  const work: Work = { handlers, stopping: stopped.signal, workerId, leaseMs, pollMs, now, executor };
  // Timers that do not keep the process alive, cut short by stop().
  const pause = (ms: number) => sleep(ms, undefined, { signal: stopped.signal, ref: false }).catch(() => {});
  // The wait for the next poll, cut short by stop() and by wakeJobRunners()
  // too (a wake while a job runs makes the next wait end at once).
  let woken = new AbortController();
  const wake = () => woken.abort();
  sleepers.add(wake);
  const idle = async (ms: number) => {
    await sleep(ms, undefined, { signal: AbortSignal.any([stopped.signal, woken.signal]), ref: false }).catch(() => {});
    if (woken.signal.aborted) woken = new AbortController();
  };

  async function slot(): Promise<void> {
    let failures = 0;
    while (!stopping) {
      try {
        const ran = await runNextJob(work);
        failures = 0;
        if (!ran) await idle(pollMs);
      } catch (error) {
        failures += 1;
        console.error(`jobs: worker ${workerId} could not claim or record a job: ${describeError(error)}`);
        await pause(Math.min(MAX_WAIT_AFTER_ERROR_MS, pollMs * 2 ** failures));
      }
    }
  }
  const slots = Promise.all(Array.from({ length: Math.max(1, concurrency) }, slot));

  return {
    workerId,
    async stop() {
      stopping = true;
      sleepers.delete(wake);
      stopped.abort();
      const timeout = new AbortController();
      const finished = await Promise.race([
        slots.then(() => true),
        sleep(stopTimeoutMs, false, { signal: timeout.signal, ref: false }).catch(() => false),
      ]);
      timeout.abort();
      if (!finished)
        console.error(`jobs: worker ${workerId} stopped with a job still running; it goes to another worker when its lease ends`);
    },
  };
}
