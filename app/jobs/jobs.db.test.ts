import { sql, type Compilable } from "kysely";
import { describe, expect, it } from "vitest";
import { db, dialect } from "#app/db.server";
import { newId } from "#app/shared/ids";
import { maxRetryDelayMs } from "./backoff";
import {
  claimJob,
  completeJob,
  DONE_KEPT_MS,
  dueJobQuery,
  enqueueJob,
  extendLease,
  FAILED_KEPT_MS,
  failJob,
  getJob,
  type Job,
  purgeJobs,
} from "./jobs.server";

// Test files share one database and run side by side: every test enqueues
// jobs of a kind of its own, and claims only that kind.
const newKind = () => `test:${newId()}`;
const LEASE = 60_000;
const HOUR = 60 * 60 * 1000;

const claim = (kind: string, workerId: string, now: number) => claimJob({ workerId, kinds: [kind], leaseMs: LEASE, now });

async function claimed(kind: string, workerId: string, now: number): Promise<Job> {
  const job = await claim(kind, workerId, now);
  if (!job) throw new Error(`expected ${workerId} to claim a ${kind} job at ${now}`);
  return job;
}

describe(`jobs (${process.env.TEST_DIALECT})`, () => {
  it("enqueues a job, claims it with a lease, and completes it once", async () => {
    const kind = newKind();
    const t = Date.now();
    const id = await enqueueJob(kind, { importId: "abc", rows: [1, 2] }, { runAt: t });
    expect(id).toEqual(expect.any(String));

    const job = await claimed(kind, "worker-a", t);
    expect(job).toMatchObject({ id, kind, state: "pending", attempts: 1, lockedBy: "worker-a", lockedUntil: t + LEASE });
    expect(JSON.parse(job.payload)).toEqual({ importId: "abc", rows: [1, 2] });
    // Leased: nobody else gets it.
    expect(await claim(kind, "worker-b", t + 1)).toBeNull();

    expect(await completeJob(job, { now: t + 2 })).toBe(true);
    expect(await getJob(id!)).toMatchObject({ state: "done", finishedAt: t + 2, lockedBy: null, lockedUntil: null });
    expect(await claim(kind, "worker-b", t + 10 * LEASE)).toBeNull();
    expect(await completeJob(job, { now: t + 3 })).toBe(false); // a repeated completion changes nothing
  });

  it("claims only due jobs of the worker's kinds, the longest due first", async () => {
    const [kind, other] = [newKind(), newKind()];
    const t = Date.now();
    const later = await enqueueJob(kind, "later", { runAt: t + 1_000 });
    const first = await enqueueJob(kind, "first", { runAt: t - 5 });
    const second = await enqueueJob(kind, "second", { runAt: t });
    const others = await enqueueJob(other, "other", { runAt: t - 10 });

    expect((await claimed(kind, "w", t)).id).toBe(first);
    expect((await claimed(kind, "w", t)).id).toBe(second);
    expect(await claim(kind, "w", t + 999)).toBeNull(); // `later` is not due yet; `other` is not this kind
    expect((await claimed(kind, "w", t + 1_000)).id).toBe(later);
    expect((await claimed(other, "w", t)).id).toBe(others);
    expect(await claimJob({ workerId: "w", kinds: [], leaseMs: LEASE, now: t })).toBeNull();
  });

  it("keeps at most one pending job per unique key, also when enqueued at the same moment", async () => {
    const kind = newKind();
    const key = `test:${newId()}`;
    const ids = await Promise.all(Array.from({ length: 8 }, (_, i) => enqueueJob(kind, i, { uniqueKey: key })));
    const created = ids.filter((id) => id !== null);
    expect(created).toHaveLength(1);
    expect(await db.selectFrom("jobs").select("id").where("unique_key", "=", key).execute()).toEqual([{ id: created[0] }]);

    // A running job is still pending: enqueueing again does nothing.
    const job = await claimed(kind, "w", Date.now());
    expect(await enqueueJob(kind, "again", { uniqueKey: key })).toBeNull();
    // Once it is done, the key is free for the next one.
    await completeJob(job);
    const next = await enqueueJob(kind, "next", { uniqueKey: key });
    expect(next).not.toBeNull();
    expect(next).not.toBe(job.id);
    // Jobs without a key never conflict.
    expect((await Promise.all([enqueueJob(kind, 1), enqueueJob(kind, 2)])).every((id) => id !== null)).toBe(true);
  });

  it("enqueues in the caller's transaction: the job exists only if that transaction commits", async () => {
    const kind = newKind();
    const committed = await db.transaction().execute((trx) => enqueueJob(kind, "kept", {}, trx));
    let rolledBack: string | null = null;
    await expect(
      db.transaction().execute(async (trx) => {
        rolledBack = await enqueueJob(kind, "lost", {}, trx);
        throw new Error("the feature's own write failed");
      }),
    ).rejects.toThrow("the feature's own write failed");
    expect(await getJob(committed!)).not.toBeNull();
    expect(rolledBack).not.toBeNull();
    expect(await getJob(rolledBack!)).toBeNull();
  });

  it("retries a failed job after a doubling, jittered backoff, then keeps it as failed with its last error", async () => {
    const kind = newKind();
    const id = await enqueueJob(kind, null, { maxAttempts: 4, runAt: Date.now() });
    let t = Date.now();
    for (let attempt = 1; attempt <= 3; attempt++) {
      const job = await claimed(kind, "w", t);
      expect(job.attempts).toBe(attempt);
      expect(await failJob(job, new Error(`boom ${attempt}`), { now: t })).toBe("retry");
      const row = (await getJob(id!))!;
      expect(row).toMatchObject({ state: "pending", lockedBy: null, lockedUntil: null });
      expect(row.lastError).toContain(`boom ${attempt}`);
      const delay = row.runAt - t;
      expect(delay).toBeGreaterThanOrEqual(maxRetryDelayMs(attempt) / 2);
      expect(delay).toBeLessThanOrEqual(maxRetryDelayMs(attempt));
      expect(await claim(kind, "w", row.runAt - 1)).toBeNull(); // not before its backoff is over
      t = row.runAt;
    }
    const last = await claimed(kind, "w", t);
    expect(last.attempts).toBe(4);
    expect(await failJob(last, new Error("boom 4"), { now: t })).toBe("failed");
    const row = (await getJob(id!))!;
    expect(row).toMatchObject({ state: "failed", finishedAt: t, attempts: 4, lockedBy: null });
    expect(row.lastError).toMatch(/^Error: boom 4\n/); // with its stack
    expect(await claim(kind, "w", t + 100 * HOUR)).toBeNull();
  });

  it("doubles the backoff with every attempt (jitter fixed)", async () => {
    const kind = newKind();
    const id = await enqueueJob(kind, null, { maxAttempts: 10 });
    let t = Date.now();
    const delays: number[] = [];
    for (let attempt = 1; attempt <= 4; attempt++) {
      await failJob(await claimed(kind, "w", t), "boom", { now: t, random: () => 0 });
      const { runAt } = (await getJob(id!))!;
      delays.push(runAt - t);
      t = runAt;
    }
    expect(delays).toEqual([5_000, 10_000, 20_000, 40_000]);
  });

  it("puts a repeating job back on its schedule after a run, and after it runs out of attempts", async () => {
    const kind = newKind();
    const t = Date.now();
    const id = await enqueueJob(kind, null, { repeatEveryMs: HOUR, maxAttempts: 2, runAt: t, uniqueKey: `test:${newId()}` });

    expect(await completeJob(await claimed(kind, "w", t), { now: t + 5 })).toBe(true);
    expect(await getJob(id!)).toMatchObject({ state: "pending", runAt: t + 5 + HOUR, attempts: 0, lockedBy: null, finishedAt: null });
    expect(await claim(kind, "w", t + HOUR)).toBeNull();

    // Out of attempts, it is not failed for good: it waits for its next run.
    const next = t + 5 + HOUR;
    expect(await failJob(await claimed(kind, "w", next), new Error("database away"), { now: next })).toBe("retry");
    const retryAt = (await getJob(id!))!.runAt;
    expect(await failJob(await claimed(kind, "w", retryAt), new Error("still away"), { now: retryAt })).toBe("rescheduled");
    const row = (await getJob(id!))!;
    expect(row).toMatchObject({ state: "pending", runAt: retryAt + HOUR, attempts: 0, lockedBy: null });
    expect(row.lastError).toContain("still away");
  });

  it("lets another worker take a job over once its lease has ended, and ignores the first worker's late outcome", async () => {
    const kind = newKind();
    const t = Date.now();
    const id = await enqueueJob(kind, null, { runAt: t });
    const first = await claimed(kind, "worker-a", t);
    expect(await claim(kind, "worker-b", t + LEASE - 1)).toBeNull();

    // worker-a stopped (its process died, or its handler hangs): its lease ends.
    const second = await claimed(kind, "worker-b", t + LEASE);
    expect(second).toMatchObject({ id, attempts: 2, lockedBy: "worker-b", lockedUntil: t + 2 * LEASE });
    expect(second.lastError).toContain("the lease of worker-a ended before it finished");

    // worker-a comes back late: none of its writes land.
    expect(await completeJob(first, { now: t + LEASE + 1 })).toBe(false);
    expect(await failJob(first, new Error("late"), { now: t + LEASE + 2 })).toBe("lost");
    expect(await extendLease(first, { leaseMs: LEASE, now: t + LEASE + 3 })).toBe(false);
    expect(await getJob(id!)).toMatchObject({
      state: "pending",
      attempts: 2,
      lockedBy: "worker-b",
      lockedUntil: t + 2 * LEASE,
      updatedAt: t + LEASE,
    });

    expect(await completeJob(second, { now: t + LEASE + 4 })).toBe(true);
    expect(await getJob(id!)).toMatchObject({ state: "done", finishedAt: t + LEASE + 4 });
  });

  it("tells two claims by the same worker apart: the first's late outcome does not touch the second", async () => {
    const kind = newKind();
    const t = Date.now();
    const id = await enqueueJob(kind, null, { runAt: t });
    const first = await claimed(kind, "worker-a", t);
    const again = await claimed(kind, "worker-a", t + LEASE);
    expect(await failJob(first, new Error("late"), { now: t + LEASE + 1 })).toBe("lost");
    expect(await getJob(id!)).toMatchObject({
      state: "pending",
      attempts: 2,
      lockedBy: "worker-a",
      lastError: expect.stringContaining("lease"),
    });
    expect(await completeJob(again, { now: t + LEASE + 2 })).toBe(true);
  });

  it("keeps a job with the worker whose heartbeat extends its lease", async () => {
    const kind = newKind();
    const t = Date.now();
    await enqueueJob(kind, null, { runAt: t });
    const job = await claimed(kind, "worker-a", t);
    expect(await extendLease(job, { leaseMs: LEASE, now: t + LEASE - 1 })).toBe(true);
    expect(await claim(kind, "worker-b", t + LEASE)).toBeNull();
    expect(await claim(kind, "worker-b", t + 2 * LEASE - 2)).toBeNull();
    expect((await claimed(kind, "worker-b", t + 2 * LEASE - 1)).attempts).toBe(2);
  });

  it("fails a job whose last allowed attempt lost its worker, instead of running it again", async () => {
    const kind = newKind();
    const t = Date.now();
    const id = await enqueueJob(kind, null, { runAt: t, maxAttempts: 2 });
    await claimed(kind, "worker-a", t);
    await claimed(kind, "worker-b", t + LEASE);
    expect(await claim(kind, "worker-c", t + 2 * LEASE)).toBeNull();
    const row = (await getJob(id!))!;
    expect(row).toMatchObject({ state: "failed", finishedAt: t + 2 * LEASE, lockedBy: null });
    expect(row.lastError).toBe("gave up after 2 attempts: the lease of worker-b ended before it finished");
  });

  it("purges done jobs after 7 days and failed ones after 30, and never pending ones", async () => {
    const kind = newKind();
    const now = Date.now();
    const finishedAt = async (at: number, outcome: "done" | "failed") => {
      const id = await enqueueJob(kind, null, { runAt: at, maxAttempts: 1 });
      const job = await claimed(kind, "w", at);
      if (outcome === "done") await completeJob(job, { now: at });
      else await failJob(job, "boom", { now: at });
      return id!;
    };
    const oldDone = await finishedAt(now - DONE_KEPT_MS - 1, "done");
    const recentDone = await finishedAt(now - DONE_KEPT_MS + 60_000, "done");
    const oldFailed = await finishedAt(now - FAILED_KEPT_MS - 1, "failed");
    const recentFailed = await finishedAt(now - DONE_KEPT_MS - 1, "failed");
    const pending = await enqueueJob(kind, null, { runAt: now - FAILED_KEPT_MS - 1 });

    while ((await purgeJobs(now, { limit: 1 })) === 1);
    const left = await db.selectFrom("jobs").select("id").where("kind", "=", kind).execute();
    expect(left.map((row) => row.id).sort()).toEqual([recentDone, recentFailed, pending].sort());
    expect([oldDone, oldFailed].every((id) => !left.some((row) => row.id === id))).toBe(true);
  });

  it("finds due jobs through jobs_due_idx and the purge's through jobs_finished_at_idx", async () => {
    expect(await explain(dueJobQuery(["maintenance", "import"], Date.now()))).toContain("jobs_due_idx");
    const purge = db.selectFrom("jobs").select("id").where("finished_at", "<=", Date.now()).orderBy("finished_at").limit(1000);
    expect(await explain(purge)).toContain("jobs_finished_at_idx");
  });
});

// As in app/indexes.db.test.ts: Postgres would scan the tiny test table, so
// seqscan is switched off; the question is whether the index can serve.
async function explain(query: Compilable): Promise<string> {
  const compiled = query.compile();
  const prefix = dialect === "sqlite" ? "explain query plan " : "explain ";
  return db.transaction().execute(async (trx) => {
    if (dialect === "postgres") await sql`set local enable_seqscan = off`.execute(trx);
    const result = await trx.executeQuery<Record<string, string>>({ ...compiled, sql: prefix + compiled.sql });
    return result.rows.map((row) => row.detail ?? row["QUERY PLAN"]).join("\n");
  });
}
