import { randomBytes } from "node:crypto";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { db } from "#app/db.server";
import { getJob } from "#app/jobs/jobs.server";
import { startJobRunner, type JobRunner } from "#app/jobs/runner.server";
import { createTestUser } from "#tests/factories";
import { startSmtpSink, type SmtpSink } from "#tests/smtp-sink";
import { runResetRequests } from "#tests/reset-requests";
import { requestPasswordReset } from "#app/accounts/password-reset.server";
import { composeMessage } from "./compose";
import { MAIL_ATTEMPTS, MAIL_JOB, mailJob, mailJobKey, queueMail } from "./outbox.server";
import { logSender, messageIdOf, smtpSender } from "./transport.server";

// The outbox through a real SMTP server (smtp-server in this process, with
// AUTH, mailparser reading what arrived): no mocked transport.

let sink: SmtpSink;
let runners: JobRunner[] = [];

beforeAll(async () => {
  sink = await startSmtpSink();
});
afterAll(async () => {
  await sink.stop();
});
afterEach(async () => {
  await Promise.all(runners.map((runner) => runner.stop()));
  runners = [];
  vi.restoreAllMocks();
});

const body = composeMessage({
  greeting: "Hello,",
  lead: ["A <test> & more."],
  action: { label: "Open", url: "http://localhost:3000/x?token=abc" },
});

async function queued(to: string, subject = "Test message") {
  const user = await createTestUser();
  const id = await db.transaction().execute((trx) => queueMail(trx, { userId: user.id, to, subject, ...body }));
  return { id, user };
}

/** Moves message `id`'s job to a kind of this test's own, so only this test's runners claim it (the database is shared by every test file). */
async function ownKind(ids: string[], kind: string) {
  await db.updateTable("jobs").set({ kind }).where("unique_key", "in", ids.map(mailJobKey)).execute();
}

async function outboxHas(id: string): Promise<boolean> {
  return (await db.selectFrom("outbox").select("id").where("id", "=", id).executeTakeFirst()) !== undefined;
}

async function eventually(ok: () => boolean | Promise<boolean>, timeoutMs = 15_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!(await ok())) {
    if (Date.now() > end) throw new Error(`not there after ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

const address = () => `to-${randomBytes(6).toString("hex")}@example.test`;

describe(`outbox (${process.env.TEST_DIALECT})`, () => {
  it("queues a message and its job only if the transaction commits", async () => {
    const user = await createTestUser();
    const to = address();
    await expect(
      db.transaction().execute(async (trx) => {
        await queueMail(trx, { userId: user.id, to, subject: "Never", ...body });
        throw new Error("the change failed");
      }),
    ).rejects.toThrow("the change failed");
    expect(await db.selectFrom("outbox").select("id").where("to_address", "=", to).execute()).toEqual([]);

    const { id } = await queued(to);
    const job = await db.selectFrom("jobs").selectAll().where("unique_key", "=", mailJobKey(id)).executeTakeFirstOrThrow();
    expect(job).toMatchObject({
      kind: MAIL_JOB,
      state: "pending",
      max_attempts: MAIL_ATTEMPTS,
      payload: JSON.stringify({ messageId: id }),
    });
  });

  it("sends through SMTP with AUTH: both bodies, a stable Message-ID, and the message leaves the outbox", async () => {
    const to = address();
    const { id } = await queued(to, "Hello there");
    await mailJob(smtpSender(sink.url, "Cardfile <no-reply@cardfile.test>"))({ messageId: id }, {} as never);
    const [message] = await sink.waitFor(to);
    expect(message!.subject).toBe("Hello there");
    expect(message!.from?.text).toBe('"Cardfile" <no-reply@cardfile.test>');
    expect(message!.messageId).toBe(messageIdOf(id));
    expect(message!.text).toContain("A <test> & more.");
    expect(message!.text).toContain("http://localhost:3000/x?token=abc");
    expect(message!.html).toContain("A &lt;test&gt; &amp; more.");
    expect(message!.html).toContain('href="http://localhost:3000/x?token=abc"');
    expect(message!.html).not.toMatch(/<img|https?:\/\/(?!localhost:3000\/x)/); // nothing to load: readable with images off
    expect(await outboxHas(id)).toBe(false);

    // A second run (a job taken over after a crash) finds it gone and sends nothing.
    await mailJob(smtpSender(sink.url))({ messageId: id }, {} as never);
    expect(sink.to(to)).toHaveLength(1);
  });

  it("refuses wrong SMTP credentials: the attempt fails and the message stays", async () => {
    const to = address();
    const { id } = await queued(to);
    const wrong = sink.url.replace(/:[^:@]+@/, ":wrong@");
    await expect(mailJob(smtpSender(wrong))({ messageId: id }, {} as never)).rejects.toThrow(/Invalid username or password|auth/i);
    expect(await outboxHas(id)).toBe(true);
  });

  it("with the mail server down, the message waits and goes out once when it is back", async () => {
    const kind = `mail-outage-${randomBytes(4).toString("hex")}`;
    vi.spyOn(console, "error").mockImplementation(() => {});
    let now = Date.now();
    await sink.stop();
    // A change that sends mail succeeds while the mail server is down.
    const user = await createTestUser(address());
    const to = user.email;
    expect((await requestPasswordReset({ email: to, clientIp: "192.0.2.1", submissionKey: null })).limited).toBe(false);
    await runResetRequests(to);
    const { id } = await db.selectFrom("outbox").select("id").where("user_id", "=", user.id).executeTakeFirstOrThrow();
    await ownKind([id], kind);
    now = Date.now();
    try {
      runners.push(startJobRunner({ handlers: { [kind]: mailJob(smtpSender(sink.url)) }, pollMs: 5, now: () => now }));
      const job = await db.selectFrom("jobs").select("id").where("unique_key", "=", mailJobKey(id)).executeTakeFirstOrThrow();
      await eventually(async () => (await getJob(job.id))!.attempts === 1 && (await getJob(job.id))!.lockedBy === null);
      const failed = (await getJob(job.id))!;
      expect(failed.state).toBe("pending");
      expect(failed.lastError).toMatch(/ECONNREFUSED|connect/);
      expect(failed.runAt).toBeGreaterThan(now); // backoff: not again at once
      expect(await outboxHas(id)).toBe(true);
    } finally {
      await sink.start();
    }
    now += 60 * 60 * 1000; // past any backoff
    await eventually(() => sink.to(to).length === 1);
    await eventually(async () => !(await outboxHas(id)));
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(sink.to(to)).toHaveLength(1);
  });

  it("two processes' runners send each of 20 messages exactly once", async () => {
    const kind = `mail-race-${randomBytes(4).toString("hex")}`;
    const to = address();
    const ids: string[] = [];
    for (let i = 0; i < 20; i++) ids.push((await queued(to, `Message ${i}`)).id);
    await ownKind(ids, kind);
    for (const workerId of ["process-a", "process-b"]) {
      runners.push(startJobRunner({ handlers: { [kind]: mailJob(smtpSender(sink.url)) }, workerId, pollMs: 5 }));
    }
    await sink.waitFor(to, { count: 20 });
    await eventually(async () => (await db.selectFrom("outbox").select("id").where("id", "in", ids).execute()).length === 0);
    await new Promise((resolve) => setTimeout(resolve, 200));
    const received = sink.to(to).map((m) => m.messageId);
    expect(received).toHaveLength(20);
    expect(new Set(received).size).toBe(20);
  });

  it("a message whose account is gone is not sent", async () => {
    const to = address();
    const { id, user } = await queued(to);
    await db.deleteFrom("users").where("id", "=", user.id).execute();
    await mailJob(smtpSender(sink.url))({ messageId: id }, {} as never);
    expect(sink.to(to)).toEqual([]);
  });

  it("without SMTP_URL writes the message to the log instead", async () => {
    const lines: string[] = [];
    await logSender((line) => lines.push(line))({ id: "abc", to: "ada@example.test", subject: "Hi", ...body });
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain("to ada@example.test: Hi");
    expect(lines[0]).toContain("http://localhost:3000/x?token=abc");
  });
});
