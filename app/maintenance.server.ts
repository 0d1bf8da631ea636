import { purgeExpiredSessions } from "#app/auth/session.server";
import { purgeDeletedContacts } from "#app/contacts/trash.server";
import { purgeRateLimits } from "#app/rate-limits/rate-limits.server";
import { purgeSubmissions } from "#app/submissions/submission-keys.server";
import { purgeJobs } from "#app/jobs/jobs.server";
import { purgeImports } from "#app/imports/imports.server";
import { purgeMerges } from "#app/merges/merges.server";
import { purgeTokens } from "#app/accounts/account-tokens.server";

const HOUR = 60 * 60 * 1000;
const BATCH = 1000;

/** Deletes what has expired, in small batches so no transaction holds the database for long. */
export async function runMaintenance(now = Date.now()): Promise<{
  sessions: number;
  rateLimits: number;
  submissions: number;
  contacts: number;
  jobs: number;
  imports: number;
  merges: number;
  tokens: number;
}> {
  let sessions = 0;
  for (let deleted = BATCH; deleted === BATCH; sessions += deleted) {
    deleted = await purgeExpiredSessions({ now, limit: BATCH });
  }
  const rateLimits = await purgeRateLimits(now);
  const submissions = await purgeSubmissions(now);
  // Contacts deleted more than 30 days ago, for good.
  let contacts = 0;
  for (let deleted = BATCH; deleted === BATCH; contacts += deleted) {
    deleted = await purgeDeletedContacts(now, { limit: BATCH });
  }
  // Finished background jobs, after they have been kept for a while.
  let jobs = 0;
  for (let deleted = BATCH; deleted === BATCH; jobs += deleted) {
    deleted = await purgeJobs(now, { limit: BATCH });
  }
  // Imports a week after they finished (with their files), uploads that never finished after an hour.
  const IMPORT_BATCH = 100;
  let imports = 0;
  for (let deleted = IMPORT_BATCH; deleted === IMPORT_BATCH; imports += deleted) {
    deleted = await purgeImports(now, { limit: IMPORT_BATCH });
  }
  // Merges whose Undo has expired (a few per account at most: one statement).
  const merges = await purgeMerges(now);
  // Emailed links a day past their expiry (a few per account at most).
  const tokens = await purgeTokens(now);
  return { sessions, rateLimits, submissions, contacts, jobs, imports, merges, tokens };
}

/**
 * The clean-up as a repeating background job (app/jobs/handlers.server.ts):
 * one pending job for every process on the database, due at the first
 * start-up and then an hour after each run. It is idempotent, as every job
 * must be: a run taken over after a crash purges again, which is harmless.
 */
export const MAINTENANCE_JOB = { kind: "maintenance", uniqueKey: "maintenance", repeatEveryMs: HOUR } as const;

/** One run of the job: purges, logs what it removed. A failure throws, and the job is retried with backoff. */
export async function maintenanceJob(): Promise<void> {
  const { sessions, rateLimits, submissions, contacts, jobs, imports, merges, tokens } = await runMaintenance();
  if (sessions || rateLimits || submissions || contacts || jobs || imports || merges || tokens) {
    console.log(
      `maintenance: purged ${sessions} expired sessions, ${rateLimits} rate-limit rows, ${submissions} submission keys, ${contacts} deleted contacts, ${jobs} finished jobs, ${imports} old imports, ${merges} merges past their Undo, ${tokens} expired links`,
    );
  }
}
