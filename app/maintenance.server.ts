import { purgeExpiredSessions } from "#app/auth/session.server";
import { purgeDeletedContacts } from "#app/contacts/trash.server";
import { purgeRateLimits } from "#app/rate-limits/rate-limits.server";
import { purgeSubmissions } from "#app/submissions/submission-keys.server";

const HOUR = 60 * 60 * 1000;
const BATCH = 1000;

/** Deletes what has expired, in small batches so no transaction holds the database for long. */
export async function runMaintenance(now = Date.now()): Promise<{ sessions: number; rateLimits: number; submissions: number; contacts: number }> {
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
  return { sessions, rateLimits, submissions, contacts };
}

/**
 * Runs the clean-up at start-up and then every hour until the returned
 * function is called (server.js calls it on shutdown). A failed run is logged
 * and retried at the next tick; it never takes the server down.
 */
export function startMaintenance(intervalMs = HOUR): () => void {
  const run = () =>
    runMaintenance().then(
      ({ sessions, rateLimits, submissions, contacts }) => {
        if (sessions || rateLimits || submissions || contacts) {
          console.log(
            `maintenance: purged ${sessions} expired sessions, ${rateLimits} rate-limit rows, ${submissions} submission keys, ${contacts} deleted contacts`,
          );
        }
      },
      (error: unknown) => console.error(`maintenance failed: ${error instanceof Error ? error.message : String(error)}`),
    );
  void run();
  const timer = setInterval(run, intervalMs);
  timer.unref();
  return () => clearInterval(timer);
}
