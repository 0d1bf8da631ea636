import { createHash } from "node:crypto";
import { data } from "@remix-run/node";
import type { Transaction } from "kysely";
import { db } from "#app/db.server";
import { isUniqueViolation } from "#db/errors";
import type { Database } from "#db/schema";
import { isId, newId } from "#app/shared/ids";

// Exactly-once form submissions, without JavaScript. Every form that writes
// carries a hidden one-time key. The first submission of a key claims it, does
// its write and records its answer (a redirect) in one transaction; a repeat
// of the key (a double tap, a browser resubmit, a retry after a lost
// response) changes nothing and gets that first answer back.

export const SUBMISSION_KEY_FIELD = "submissionKey";
export const SUBMISSION_TTL_MS = 24 * 60 * 60 * 1000;

/** A fresh key for one rendering of one form: an id (app/shared/ids.ts). */
export const newSubmissionKey = newId;

/**
 * The key of a form whose page should stay the same bytes from one visit to
 * the next while nothing changed (the list's bulk form: its ETag and 304s):
 * the same until it is used, then another (usePageKey, in the write's
 * transaction). Before its first use, a key derived from the user and the
 * form, so that reading the page writes nothing.
 */
export async function pageKey(userId: string, form: string, executor = db): Promise<string> {
  const row = await executor
    .selectFrom("page_keys")
    .select("key")
    .where("user_id", "=", userId)
    .where("form", "=", form)
    .executeTakeFirst();
  return row?.key ?? firstPageKey(userId, form);
}

/** Retires the form's page key (it has just been used, in this transaction): the next rendering gets a fresh one. */
export async function usePageKey(userId: string, form: string, executor: Transaction<Database>): Promise<void> {
  await executor
    .insertInto("page_keys")
    .values({ user_id: userId, form, key: newId() })
    .onConflict((oc) => oc.columns(["user_id", "form"]).doUpdateSet({ key: newId() }))
    .execute();
}

function firstPageKey(userId: string, form: string): string {
  return createHash("sha256").update(`page-key\n${userId}\n${form}`).digest("base64url").slice(0, 22);
}

class NotRecorded<T> extends Error {
  constructor(readonly response: T) {
    super("not a success: the claim on the key is rolled back");
  }
}

/** A redirect: the one answer of a write that commits, and is recorded with its key. */
export function isRedirect(value: unknown): value is Response {
  return value instanceof Response && value.status >= 300 && value.status < 400;
}

function replay(row: { status: number; location: string; set_cookie: string | null }): Response {
  const headers = new Headers({ Location: row.location });
  for (const line of row.set_cookie?.split("\n") ?? []) if (line) headers.append("Set-Cookie", line);
  return new Response(null, { status: row.status, headers });
}

async function recorded(userId: string, key: string) {
  return db
    .selectFrom("submissions")
    .select(["form", "status", "location", "set_cookie"])
    .where("user_id", "=", userId)
    .where("key", "=", key)
    .executeTakeFirst();
}

/** The form's one-time key, if it carries a well-formed one. */
export function submissionKeyOf(form: FormData): string | null {
  const raw = form.get(SUBMISSION_KEY_FIELD);
  return isId(raw) ? raw : null;
}

/**
 * The first answer recorded for this key (a repeat: a double tap, a resubmit,
 * a retry after a lost answer), or null when the key is new. A key recorded
 * for another form is refused (a 400).
 */
export async function firstAnswer(userId: string, key: string | null, formName: string): Promise<Response | null> {
  if (!key) return null;
  const first = await recorded(userId, key);
  return first ? answerFor(first, formName) : null;
}

/**
 * Runs `write` once per (user, key, form). `write` gets the transaction to do
 * its writes in and returns the action's answer: a redirect is recorded with
 * the write and replayed for repeats (see firstAnswer); anything else (a 400,
 * a 409) rolls back and leaves the key unused, so the user can fix the form
 * and send it again.
 *
 * Concurrent repeats: the claim is the first statement of the transaction, so
 * a second request with the same key waits on the primary key (Postgres) or
 * on the write lock (SQLite, BEGIN IMMEDIATE) and then finds the answer.
 * A request without a key is not deduplicated (old pages, API clients), but
 * its write still commits only if it succeeds.
 */
export async function once<T>(
  userId: string,
  key: string | null,
  formName: string,
  write: (trx: Transaction<Database>) => Promise<T>,
): Promise<T | Response> {
  try {
    return await db.transaction().execute(async (trx) => {
      if (key) {
        await trx
          .insertInto("submissions")
          .values({ user_id: userId, key, form: formName, status: 0, location: "", set_cookie: null, created_at: Date.now() })
          .execute();
      }
      const response = await write(trx);
      // Only a success commits. A 400/409 rolls back (on Postgres a failed
      // statement, such as a duplicate email, has aborted the transaction anyway).
      if (!isRedirect(response)) throw new NotRecorded(response);
      if (key) {
        await trx
          .updateTable("submissions")
          .set({
            status: response.status,
            location: response.headers.get("Location") ?? "/",
            set_cookie: response.headers.getSetCookie().join("\n") || null,
          })
          .where("user_id", "=", userId)
          .where("key", "=", key)
          .execute();
      }
      return response;
    });
  } catch (error) {
    if (error instanceof NotRecorded) return error.response as T;
    if (key && isUniqueViolation(error)) {
      // Another request with this key committed first: answer as it did.
      const winner = await firstAnswer(userId, key, formName);
      if (winner) return winner;
    }
    throw error;
  }
}

function answerFor(row: { form: string; status: number; location: string; set_cookie: string | null }, formName: string) {
  if (row.form !== formName) {
    // A key belongs to one form; reusing it elsewhere is a forged or broken request.
    throw data("This form was already used for something else. Reload the page and try again.", { status: 400 });
  }
  return replay(row);
}

/** Deletes keys older than 24 hours. */
export async function purgeSubmissions(now = Date.now()): Promise<number> {
  const result = await db.transaction().execute((trx) =>
    trx
      .deleteFrom("submissions")
      .where("created_at", "<", now - SUBMISSION_TTL_MS)
      .executeTakeFirst(),
  );
  return Number(result.numDeletedRows);
}
