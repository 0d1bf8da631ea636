import { db } from "#app/db.server";
import { RESET_REQUEST_JOB, resetRequestKey, sendResetLink } from "#app/accounts/password-reset.server";

/**
 * Runs the pending "password-reset-request" jobs of `email` (what a job
 * runner would do a moment after /forgot-password), by their address's
 * key, so that test files sharing the database never run each other's.
 */
export async function runResetRequests(email: string, now?: number): Promise<void> {
  const jobs = await db
    .selectFrom("jobs")
    .select(["id", "payload"])
    .where("kind", "=", RESET_REQUEST_JOB)
    .where("unique_key", "=", resetRequestKey(email))
    .where("state", "=", "pending")
    .execute();
  for (const job of jobs) {
    await sendResetLink(JSON.parse(job.payload), now);
    await db.updateTable("jobs").set({ state: "done", finished_at: Date.now() }).where("id", "=", job.id).execute();
  }
}
