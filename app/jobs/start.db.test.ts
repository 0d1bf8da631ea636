import { describe, expect, it } from "vitest";
import { db } from "#app/db.server";
import { newId } from "#app/shared/ids";
import { MAINTENANCE_JOB } from "#app/maintenance.server";
import { JOB_HANDLERS, REPEATING_JOBS } from "./handlers.server";
import { claimJob, completeJob } from "./jobs.server";
import { ensureRepeatingJobs } from "./start.server";

const HOUR = 60 * 60 * 1000;

describe(`start-up of the jobs (${process.env.TEST_DIALECT})`, () => {
  it("schedules the hourly maintenance, with a handler for it", () => {
    expect(REPEATING_JOBS).toContainEqual({ kind: "maintenance", uniqueKey: "maintenance", repeatEveryMs: HOUR });
    expect(JOB_HANDLERS[MAINTENANCE_JOB.kind]).toEqual(expect.any(Function));
    for (const { kind } of REPEATING_JOBS) expect(JOB_HANDLERS[kind]).toEqual(expect.any(Function));
  });

  it("creates a repeating job due now once, however many processes start, and leaves its schedule alone", async () => {
    const schedule = { kind: `test:${newId()}`, uniqueKey: `test:${newId()}`, repeatEveryMs: HOUR };
    const before = Date.now();
    await Promise.all([ensureRepeatingJobs([schedule]), ensureRepeatingJobs([schedule]), ensureRepeatingJobs([schedule])]);
    const rows = () =>
      db.selectFrom("jobs").select(["id", "run_at", "repeat_every_ms", "state"]).where("kind", "=", schedule.kind).execute();
    const [created, ...others] = await rows();
    expect(others).toEqual([]);
    expect(created).toMatchObject({ repeat_every_ms: HOUR, state: "pending" });
    expect(created!.run_at).toBeGreaterThanOrEqual(before);
    expect(created!.run_at).toBeLessThanOrEqual(Date.now());

    // It ran; the next start-up keeps its next run where it is.
    const job = await claimJob({ workerId: "w", kinds: [schedule.kind], leaseMs: 60_000 });
    await completeJob(job!);
    const [next] = await rows();
    await ensureRepeatingJobs([schedule]);
    expect(await rows()).toEqual([next]);
    expect(next!.run_at).toBeGreaterThan(Date.now() + HOUR - 60_000);
  });
});
