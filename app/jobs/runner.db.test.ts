import { setTimeout as sleep } from "node:timers/promises";
import { afterEach, beforeEach, describe, expect, it, vi, type MockInstance } from "vitest";
import { db } from "#app/db.server";
import { createDatabase } from "#db/database.server";
import { newId } from "#app/shared/ids";
import { claimJob, enqueueJob, getJob, type Job } from "./jobs.server";
import { JobInterrupted, startJobRunner, wakeJobRunners, type JobContext, type JobRunner, type JobRunnerOptions } from "./runner.server";

// Runners poll every few milliseconds here. Each test has a job kind of its
// own, and its runners claim only that kind, so test files running beside
// this one (and other tests) never see these jobs.
const newKind = () => `test:${newId()}`;
const LEASE = 60_000;

let runners: JobRunner[] = [];
let errors: MockInstance<typeof console.error>;

beforeEach(() => {
  // Failing handlers are expected here; their log lines are checked, not shown.
  errors = vi.spyOn(console, "error").mockImplementation(() => {});
});

afterEach(async () => {
  await Promise.all(runners.map((runner) => runner.stop()));
  runners = [];
  errors.mockRestore();
});

function start(options: JobRunnerOptions): JobRunner {
  const runner = startJobRunner({ pollMs: 5, leaseMs: LEASE, ...options });
  runners.push(runner);
  return runner;
}

/** Reads until `ok` holds (or fails the test after a while). */
async function eventually<T>(read: () => Promise<T>, ok: (value: T) => boolean, timeoutMs = 15_000): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (ok(value)) return value;
    if (Date.now() > end) throw new Error(`still not there after ${timeoutMs} ms: ${JSON.stringify(value)}`);
    await sleep(5);
  }
}

const whenJob = (id: string | null, ok: (job: Job) => boolean) =>
  eventually(
    () => getJob(id!),
    (job) => job !== null && ok(job),
  ).then((job) => job!);
const never = () => new Promise<void>(() => {});

describe(`job runner (${process.env.TEST_DIALECT})`, () => {
  it("runs due jobs with their payloads, records a handler's failure for a retry, and carries on", async () => {
    const [ok, bad] = [newKind(), newKind()];
    const seen: unknown[] = [];
    const first = await enqueueJob(ok, { n: 1 });
    const failing = await enqueueJob(bad, { n: 2 });
    const second = await enqueueJob(ok, { n: 3 });
    start({
      handlers: {
        [ok]: async (payload) => void seen.push(payload),
        [bad]: async () => {
          throw new Error("the mail server said no");
        },
      },
    });

    await whenJob(first, (job) => job.state === "done");
    await whenJob(second, (job) => job.state === "done");
    const failed = await whenJob(failing, (job) => job.attempts === 1 && job.lockedBy === null);
    expect(seen).toEqual([{ n: 1 }, { n: 3 }]);
    expect(failed.state).toBe("pending"); // to be retried after its backoff
    expect(failed.runAt).toBeGreaterThan(Date.now());
    expect(failed.lastError).toContain("the mail server said no");
    expect(errors.mock.calls.flat().join("\n")).toMatch(/failed \(attempt 1 of 5\).*the mail server said no/s);
  });

  it("polls at once when woken (a job enqueued in this process), not at its next poll", async () => {
    const kind = newKind();
    const seen: unknown[] = [];
    start({ handlers: { [kind]: async (payload) => void seen.push(payload) }, pollMs: 60_000 });
    await sleep(200); // its first poll found nothing: it waits a minute for the next
    const id = await enqueueJob(kind, { n: 1 });
    await sleep(200);
    expect((await getJob(id!))!.state).toBe("pending"); // not seen without a wake
    wakeJobRunners();
    await whenJob(id, (job) => job.state === "done");
    expect(seen).toEqual([{ n: 1 }]);
  });

  it("stops claiming on stop() and waits for the job it is running", async () => {
    const kind = newKind();
    let finished = false;
    const id = await enqueueJob(kind, null);
    const runner = start({
      handlers: {
        [kind]: async () => {
          await sleep(150);
          finished = true;
        },
      },
    });
    await whenJob(id, (job) => job.lockedBy === runner.workerId);
    await runner.stop();
    expect(finished).toBe(true);
    expect((await getJob(id!))!.state).toBe("done");

    const later = await enqueueJob(kind, null);
    await sleep(100);
    expect(await getJob(later!)).toMatchObject({ state: "pending", attempts: 0, lockedBy: null });
  });

  it("hands a long job back when its process shuts down: due at once, its attempt not counted, and another runner finishes it", async () => {
    const kind = newKind();
    const steps: string[] = [];
    const id = await enqueueJob(kind, null);
    const step = async (name: string, context: JobContext) => {
      // A long job: steps until it is done, or until the process shuts down.
      for (let i = 0; i < 1000; i++) {
        if (context.stopping.aborted) {
          steps.push(`${name} stopped`);
          throw new JobInterrupted();
        }
        await sleep(5);
      }
      steps.push(`${name} finished`);
    };
    const a = start({ handlers: { [kind]: (_payload, context) => step("a", context) } });
    await whenJob(id, (job) => job.lockedBy === a.workerId);
    const stopAt = performance.now();
    await a.stop();
    expect(performance.now() - stopAt).toBeLessThan(1_000);
    expect(await getJob(id!)).toMatchObject({ state: "pending", attempts: 0, lockedBy: null, lockedUntil: null, lastError: null });
    expect((await getJob(id!))!.runAt).toBeLessThanOrEqual(Date.now());

    start({ handlers: { [kind]: async () => void steps.push("b finished") } });
    const done = await whenJob(id, (job) => job.state === "done");
    expect(done.attempts).toBe(1);
    expect(steps).toEqual(["a stopped", "b finished"]);
  });

  it("takes over the job of a runner that died mid-job once its lease has ended", async () => {
    const kind = newKind();
    const t0 = Date.now();
    const ranBy: string[] = [];
    const id = await enqueueJob(kind, { contact: "c1" }, { runAt: t0 });

    // Runner A claims the job, and its handler never returns: A is as good as dead.
    const a = start({ handlers: { [kind]: never }, now: () => t0, stopTimeoutMs: 50 });
    await whenJob(id, (job) => job.lockedBy === a.workerId);

    // Runner B (another process, its clock past A's lease) takes it over.
    const b = start({
      handlers: {
        [kind]: async (payload, { job }) => {
          expect(payload).toEqual({ contact: "c1" });
          ranBy.push(job.lockedBy!);
        },
      },
      now: () => t0 + LEASE,
    });
    const done = await whenJob(id, (job) => job.state === "done");
    expect(ranBy).toEqual([b.workerId]);
    expect(done.attempts).toBe(2);

    // A's stop() does not wait forever for the handler that hangs.
    const stopAt = performance.now();
    await a.stop();
    expect(performance.now() - stopAt).toBeLessThan(1_000);
  });

  it("runs the job of a process that is gone once its lease has ended", async () => {
    const kind = newKind();
    const t0 = Date.now();
    const id = await enqueueJob(kind, null, { runAt: t0 });
    // A process claimed it and was killed: nothing of it is left but the row.
    await claimJob({ workerId: "killed-process", kinds: [kind], leaseMs: LEASE, now: t0 });
    let runs = 0;
    const handlers = { [kind]: async () => void runs++ };
    start({ handlers, now: () => t0 + LEASE - 1 });
    await sleep(100);
    expect(runs).toBe(0); // the lease still holds
    start({ handlers, now: () => t0 + LEASE });
    await whenJob(id, (job) => job.state === "done");
    expect(runs).toBe(1);
  });

  it("records nothing for a job whose lease was lost, and tells its handler so", async () => {
    const kind = newKind();
    const t0 = Date.now();
    const id = await enqueueJob(kind, null, { runAt: t0 });
    let proceed!: () => void;
    const gate = new Promise<void>((resolve) => (proceed = resolve));
    let seen: { kept: boolean; aborted: boolean } | undefined;
    const a = start({
      handlers: {
        [kind]: async (_payload, context: JobContext) => {
          await gate;
          seen = { kept: await context.heartbeat(), aborted: context.signal.aborted };
        },
      },
      now: () => t0,
    });
    await whenJob(id, (job) => job.lockedBy === a.workerId);
    // Meanwhile (A's process stalled past its lease), worker B took the job.
    const b = await claimJob({ workerId: "worker-b", kinds: [kind], leaseMs: LEASE, now: t0 + LEASE });
    expect(b?.attempts).toBe(2);
    proceed();
    await eventually(
      async () => seen,
      (value) => value !== undefined,
    );
    await sleep(50);
    expect(seen).toEqual({ kept: false, aborted: true });
    expect(await getJob(id!)).toMatchObject({ state: "pending", attempts: 2, lockedBy: "worker-b", lockedUntil: t0 + 2 * LEASE });
  });

  it("keeps a long job that heartbeats, and gives up a hung one when its lease runs out", async () => {
    const [long, hung, next] = [newKind(), newKind(), newKind()];
    let t = Date.now();
    const beats: boolean[] = [];
    const longJob = await enqueueJob(long, null, { runAt: t - 2 });
    const hungJob = await enqueueJob(hung, null, { runAt: t - 1, maxAttempts: 1 });
    const nextJob = await enqueueJob(next, null, { runAt: t });
    const runner = start({
      handlers: {
        // Three steps of 0.6 leases each: longer than one lease in all.
        [long]: async (_payload, context) => {
          for (let step = 0; step < 3; step++) {
            t += 0.6 * LEASE;
            await sleep(20); // a few watchdog checks at each clock reading
            beats.push(await context.heartbeat());
          }
        },
        [hung]: never,
        [next]: async () => {},
      },
      now: () => t,
    });
    expect(await whenJob(longJob, (job) => job.state === "done")).toMatchObject({ attempts: 1, lastError: null });
    expect(beats).toEqual([true, true, true]);

    // The hung handler: once the clock passes its lease, the runner stops
    // waiting for it; its one allowed attempt is used, so it is failed, and
    // the runner goes on to the next job.
    await whenJob(hungJob, (job) => job.lockedBy === runner.workerId);
    t += LEASE;
    const failed = await whenJob(hungJob, (job) => job.state === "failed");
    expect(failed.lastError).toBe(`gave up after 1 attempt: the lease of ${runner.workerId} ended before it finished`);
    await whenJob(nextJob, (job) => job.state === "done");
    expect(errors.mock.calls.flat().join("\n")).toContain("its lease ran out");
  });

  it("runs each of 200 jobs exactly once with two runners on separate connections racing for them", async () => {
    const kind = newKind();
    // The second runner's own database instance: its own SQLite connection or
    // Postgres pool, as another process would have.
    const other = createDatabase(process.env.DATABASE_URL!);
    try {
      const runAt = Date.now();
      const ids = await db.transaction().execute(async (trx) => {
        const created: string[] = [];
        for (let i = 0; i < 200; i++) created.push((await enqueueJob(kind, { i }, { runAt }, trx))!);
        return created;
      });
      const runs = new Map<string, number>();
      const byRunner = { a: 0, b: 0 };
      const handler =
        (name: "a" | "b") =>
        async (_payload: unknown, { job }: JobContext) => {
          runs.set(job.id, (runs.get(job.id) ?? 0) + 1);
          byRunner[name] += 1;
          await sleep(Math.random() * 3);
        };
      start({ handlers: { [kind]: handler("a") }, concurrency: 2 });
      start({ handlers: { [kind]: handler("b") }, concurrency: 2, executor: other });

      // Until every job has started, or one has started twice; then the
      // runners finish what they are running.
      await eventually(
        async () => runs,
        () => runs.size === 200 || [...runs.values()].some((count) => count > 1),
      );
      await Promise.all(runners.map((runner) => runner.stop()));
      runners = [];
      expect([...runs.values()].filter((count) => count !== 1)).toEqual([]);
      expect([...runs.keys()].sort()).toEqual([...ids].sort());
      // No claim ever waited out busy_timeout or otherwise failed.
      expect(errors).not.toHaveBeenCalled();
      expect(byRunner.a + byRunner.b).toBe(200);
      // Both really took part (otherwise this would prove nothing about a race).
      expect(byRunner.a).toBeGreaterThan(0);
      expect(byRunner.b).toBeGreaterThan(0);
      const rows = await db.selectFrom("jobs").select(["state", "attempts"]).where("kind", "=", kind).execute();
      expect(rows.filter((row) => row.state !== "done" || row.attempts !== 1)).toEqual([]);
    } finally {
      await Promise.all(runners.map((runner) => runner.stop()));
      runners = [];
      await other.destroy();
    }
  });
});
