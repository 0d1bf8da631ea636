import { runImportJob } from "#app/imports/import-job.server";
import { IMPORT_JOB } from "#app/imports/imports.server";
import { RESET_REQUEST_JOB, sendResetLink } from "#app/accounts/password-reset.server";
import { MAIL_JOB, mailJob } from "#app/mail/outbox.server";
import { MAINTENANCE_JOB, maintenanceJob } from "#app/maintenance.server";
import type { JobHandlers } from "./runner.server";

// Every kind of background job, in one place. A feature that needs
// background work adds its handler here, under a kind of its own, and
// enqueues with enqueueJob(kind, payload) (app/jobs/jobs.server.ts), in the
// transaction of its own write when the job must exist exactly when that
// write does. The runner claims only the kinds listed here, so a job of a
// kind this version does not know waits for a process that does.

export const JOB_HANDLERS: JobHandlers = {
  [MAINTENANCE_JOB.kind]: maintenanceJob,
  [IMPORT_JOB]: runImportJob,
  [MAIL_JOB]: mailJob(),
  [RESET_REQUEST_JOB]: (payload) => sendResetLink(payload),
};

/** A job that repeats for as long as the app runs: ensured at every start-up (app/jobs/start.server.ts). */
export interface RepeatingJob {
  readonly kind: string;
  /** the one pending job of this schedule */
  readonly uniqueKey: string;
  readonly repeatEveryMs: number;
}

export const REPEATING_JOBS: readonly RepeatingJob[] = [MAINTENANCE_JOB];
