import type { SubmissionResult } from "@conform-to/react";
import { parseWithZod } from "@conform-to/zod/v4";
import { data } from "@remix-run/node";
import type { Transaction } from "kysely";
import type { z } from "zod";
import type { Database } from "#db/schema";
import { readForm } from "#app/http/form.server";
import { consumeRateLimit, retryAfterHeaders, tooManyRequests, type RateLimit } from "#app/rate-limits/rate-limits.server";
import { firstAnswer, isRedirect, once, submissionKeyOf } from "#app/submissions/submission-keys.server";

// The one way a form that writes is answered (docs/decisions/0025). A write
// route's action is its guard and one call of writeAction:
//
//   const user = await requireUser(request);
//   return writeAction(request, { userId: user.id, schema, form: "contact:create", rateLimit }, async (value, { trx, reject }) => …);
//
// and writeAction does the rest, in this order, for every write:
//   1. read the body (a broken one is a 400, never a 500)            readForm
//   2. parse it with the form's one zod schema, hidden fields too    400 with the errors
//   3. replay the first answer if this submission key has one        a retry after a lost reply gets it
//   4. count the write against its rate limit                        429 with the form and every typed value
//   4½. run the slow checks that must not hold the write lock         prepare (a password's scrypt)
//   5. run the write in a transaction that also claims the key,
//      and record its answer with the key if it is a redirect       exactly once
// Parsing is pure (the same body parses the same way), so it comes before
// the replay: the key's form name may depend on the parsed values.

/** A refusal from the write: the form comes back with these errors (and every typed value), nothing is written. */
export type Rejection<Extra extends object = object> = ReturnType<typeof data<SubmissionResult<string[]> & Extra>>;

/** What a write may say about the form: errors next to fields, or above the form (""). */
export interface FormErrors {
  fieldErrors?: Record<string, string[]>;
  formErrors?: string[];
}

export interface WriteContext {
  /** the transaction the write's statements run in; it also holds the submission key's claim */
  trx: Transaction<Database>;
  /** refuse the write: `status` (409 for a rule such as a taken email), the errors, and anything else the page needs */
  reject<Extra extends object = object>(status: number, errors?: FormErrors, extra?: Extra): Rejection<Extra>;
  /**
   * Runs `fn` once the write has committed (not if it was rejected or
   * failed), and before the answer is sent (awaited, in order): what must
   * see the write, such as waking this process's job runner for a job the
   * write enqueued (wakeJobRunners), or the further batches of a bulk
   * action, each in a transaction of its own.
   */
  afterCommit(fn: () => void | Promise<void>): void;
  /** the form's submission key (null without one): a write that asks for something by email records it, so a repeat asks for nothing more */
  submissionKey: string | null;
}

export interface WriteOptions<Schema extends z.ZodType, Refused> {
  /** whose write this is: submission keys and the rate limit are per user */
  userId: string;
  /** the form's one schema (app/<domain>/*-schema.ts), hidden fields included */
  schema: Schema;
  /** the form's name for its submission key ("contact:update:<id>"): a key answers for one form only */
  form: string | ((value: z.output<Schema>) => string);
  /** the limit this write counts against */
  rateLimit: RateLimit;
  /** fields never sent back with the form (passwords) */
  hideFields?: string[];
  /**
   * Runs before an invalid form is answered with 400, with the errors by
   * field, and may throw another answer instead (a 404): a form for
   * something that is not the user's must look missing, not invalid.
   */
  beforeInvalid?: (errors: Record<string, string[] | null>) => unknown;
  /** The answer to a rate-limited write, when it is not the form (say, a redirect with a message). */
  rateLimited?: (refusal: { message: string; init: ResponseInit; value: z.output<Schema> }) => Refused;
  /**
   * Slow checks that must not hold the write lock (a password's scrypt,
   * hashing a new one), run after the replay and the rate limit and before
   * the transaction: return `reject(…)` to answer without writing (the key
   * stays unused), or nothing to go on with the write.
   */
  prepare?: (value: z.output<Schema>, reject: WriteContext["reject"]) => Promise<Rejection<object> | void>;
  /**
   * Reads the body instead of readForm: an upload streams its file to
   * storage as it arrives (app/imports/upload.server.ts) and gives the form
   * with the file's id in its place.
   */
  readBody?: (request: Request) => Promise<FormData>;
  /**
   * Runs when the write did not happen (invalid, a repeat, rate limited,
   * refused, failed), with the form as read: what readBody stored for this
   * request is removed.
   */
  discard?: (form: FormData) => Promise<void>;
}

/**
 * Answers a write form: see the steps above. `write` returns a redirect
 * (recorded and replayed for repeats of the key) or `reject(…)` (rolled
 * back; the key stays unused so the corrected form can be sent again). It
 * may throw a 404 (notFound), which rolls back too.
 */
export async function writeAction<Schema extends z.ZodType, Answer extends Response | Rejection<object>, Refused = never>(
  request: Request,
  options: WriteOptions<Schema, Refused>,
  write: (value: z.output<Schema>, context: WriteContext) => Promise<Answer>,
): Promise<Answer | Response | Rejection | Refused> {
  const form = await (options.readBody ?? readForm)(request);
  if (!options.discard) return answer(form, options, write);
  let written: unknown;
  let result: Awaited<ReturnType<typeof answer<Schema, Answer, Refused>>> | undefined;
  try {
    result = await answer(form, options, async (value, context) => (written = await write(value, context)));
    return result;
  } finally {
    // Written, committed and answered: anything else was no write at all.
    const succeeded =
      result !== undefined && result === written && result instanceof Response && result.status >= 300 && result.status < 400;
    if (!succeeded) await options.discard(form);
  }
}

async function answer<Schema extends z.ZodType, Answer extends Response | Rejection<object>, Refused>(
  form: FormData,
  options: WriteOptions<Schema, Refused>,
  write: (value: z.output<Schema>, context: WriteContext) => Promise<Answer>,
): Promise<Answer | Response | Rejection | Refused> {
  const submission = parseWithZod(form, { schema: options.schema });
  if (submission.status !== "success") {
    await options.beforeInvalid?.(submission.error ?? {});
    return data(submission.reply({ hideFields: options.hideFields }), { status: 400 });
  }
  const value = submission.value as z.output<Schema>;
  const formName = typeof options.form === "string" ? options.form : options.form(value);
  const key = submissionKeyOf(form);

  const first = await firstAnswer(options.userId, key, formName);
  if (first) return first;

  const limit = await consumeRateLimit(options.rateLimit, options.userId);
  if (limit.limited) {
    const init = tooManyRequests(limit);
    if (options.rateLimited) return options.rateLimited({ message: limit.message, init, value });
    return data(submission.reply({ formErrors: [limit.message], hideFields: options.hideFields }), init);
  }

  const reject = <Extra extends object = object>(status: number, errors?: FormErrors, extra?: Extra) =>
    data({ ...submission.reply({ ...errors, hideFields: options.hideFields }), ...(extra as Extra) }, { status });
  const refusal = await options.prepare?.(value, reject);
  if (refusal) return refusal;
  const committed: (() => void | Promise<void>)[] = [];
  let wrote: unknown;
  const result = await once(options.userId, key, formName, async (trx) => {
    wrote = await write(value, { trx, reject, afterCommit: (fn) => void committed.push(fn), submissionKey: key });
    return wrote as Answer;
  });
  // once() commits a redirect only, and answers with it; anything else was rolled back.
  if (result === wrote && isRedirect(result)) for (const fn of committed) await fn();
  return result;
}

/**
 * The `headers` export of every write route: without it Remix passes on
 * only an action's Set-Cookie, and a 429's Retry-After would be lost.
 */
export const writeHeaders = retryAfterHeaders;
