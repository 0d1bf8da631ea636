import type { Kysely } from "kysely";
import { config } from "#app/config.server";
import { db } from "#app/db.server";
import type { Database } from "#db/schema";
import { JOB_HANDLERS, REPEATING_JOBS, type RepeatingJob } from "./handlers.server";
import { describeError, enqueueJob } from "./jobs.server";
import { startJobRunner } from "./runner.server";

// What server.js starts (through entry.server.tsx) and stops on shutdown.

// When the repeating jobs could not be ensured (database away at start-up), try again this often.
const ENSURE_RETRY_MS = 60_000;

/**
 * Makes sure each repeating job exists: an insert that does nothing while its
 * key has a pending job. A new one is due at once; an existing one keeps its
 * schedule, so a restart (or ten processes starting) adds no extra run.
 */
export async function ensureRepeatingJobs(jobs: readonly RepeatingJob[] = REPEATING_JOBS, executor: Kysely<Database> = db): Promise<void> {
  for (const { kind, uniqueKey, repeatEveryMs } of jobs) {
    await enqueueJob(kind, null, { uniqueKey, repeatEveryMs }, executor);
  }
}

/**
 * Ensures the repeating jobs (the hourly maintenance) and starts this
 * process's runner with every registered handler. Returns the function that
 * stops it: it claims nothing more and waits, bounded, for a running job.
 */
export function startJobs(): () => Promise<void> {
  let retry: ReturnType<typeof setTimeout> | undefined;
  const ensure = () =>
    ensureRepeatingJobs().catch((error: unknown) => {
      console.error(`jobs: could not schedule the repeating jobs, trying again in a minute: ${describeError(error)}`);
      retry = setTimeout(ensure, ENSURE_RETRY_MS);
      retry.unref();
    });
  void ensure();
  const runner = startJobRunner({ handlers: JOB_HANDLERS, leaseMs: config.JOB_LEASE_MS });
  return async () => {
    clearTimeout(retry);
    await runner.stop();
  };
}
