import type { Kysely, Transaction } from "kysely";
import { z } from "zod";
import { db } from "#app/db.server";
import type { Database } from "#db/schema";
import { enqueueJob } from "#app/jobs/jobs.server";
import type { JobHandler } from "#app/jobs/runner.server";
import { newId } from "#app/shared/ids";
import { configuredSender, type SendMail } from "./transport.server";
import type { MessageBody } from "./compose";

// The outbox (docs/decisions/0038): a message is a row written in the
// transaction of the change that causes it, with a "mail" job that sends it.
// Both exist exactly when the change does; a request never waits for the
// mail server, and a crash or an outage loses nothing (the job is retried
// with backoff). Only this module knows the outbox table.

export const MAIL_JOB = "mail";
/** 10 attempts: retries over about 85 minutes (10 s doubling, app/jobs/backoff.ts) before the job is kept as failed. */
export const MAIL_ATTEMPTS = 10;

export interface QueuedMessage extends MessageBody {
  /** whose account the message is about: deleting the account deletes its unsent mail */
  userId: string;
  to: string;
  subject: string;
}

/** Queues `message` in `trx`: it is sent if and only if that transaction commits. Returns its id. */
export async function queueMail(trx: Transaction<Database>, message: QueuedMessage, now = Date.now()): Promise<string> {
  const id = newId();
  await trx
    .insertInto("outbox")
    .values({
      id,
      user_id: message.userId,
      to_address: message.to,
      subject: message.subject,
      text_body: message.text,
      html_body: message.html,
      created_at: now,
    })
    .execute();
  await enqueueJob(MAIL_JOB, { messageId: id }, { uniqueKey: mailJobKey(id), maxAttempts: MAIL_ATTEMPTS }, trx);
  return id;
}

/** The unique key of the job that sends message `id`. */
export function mailJobKey(id: string): string {
  return `mail:${id}`;
}

/** The keys of the jobs of `userId`'s unsent messages (an account's deletion removes them too). */
export async function mailJobKeysOf(userId: string, executor: Kysely<Database> = db): Promise<string[]> {
  const rows = await executor.selectFrom("outbox").select("id").where("user_id", "=", userId).execute();
  return rows.map((row) => mailJobKey(row.id));
}

const MailPayload = z.object({ messageId: z.string() });

/**
 * The "mail" job's handler: sends the message and removes it from the
 * outbox (its body may hold a live link; sent, it is kept nowhere). A
 * message that is not there any more was sent by an earlier run, or its
 * account is gone: nothing to do. A crash between the server's acceptance
 * and the delete sends it again, with the same Message-ID.
 */
export function mailJob(send?: SendMail): JobHandler {
  return async (payload) => {
    const { messageId } = MailPayload.parse(payload);
    const row = await db.selectFrom("outbox").selectAll().where("id", "=", messageId).executeTakeFirst();
    if (!row) return;
    await (send ?? configuredSender())({ id: row.id, to: row.to_address, subject: row.subject, text: row.text_body, html: row.html_body });
    await db.transaction().execute((trx) => trx.deleteFrom("outbox").where("id", "=", messageId).execute());
  };
}
