import { setImmediate as nextTurn } from "node:timers/promises";
import { db } from "#app/db.server";
import { ContactFormSchema, type ContactInput } from "#app/contacts/contact-schema";
import { insertContacts, updateContact } from "#app/contacts/contacts.server";
import { findMatches, matchKeyOf } from "#app/contacts/matching.server";
import { JobInterrupted, type JobContext } from "#app/jobs/runner.server";
import { attachLabels, labelsNamed } from "#app/labels/contact-labels.server";
import { labelName } from "#app/labels/label-schema";
import { fold } from "#app/shared/text";
import { candidateOf } from "./candidate";
import { recordsOf } from "./detect";
import { fileOf, finishImport, importForRun, markRunning, recordBatch, type BatchOutcome, type OnDuplicate } from "./imports.server";
import type { ColumnMapping, SourceRecord } from "./source";

// The import itself, as a background job (docs/decisions/0029): it reads the
// stored file from the start, skips the records a previous run already took,
// and takes the rest in batches, each in one transaction with its progress.
// A run that stops (the process shuts down, crashes, loses its lease) is
// resumed by the next: no record is imported twice, none is lost.

/**
 * Records per batch: one transaction, two lookups and one multi-row insert
 * each. Measured on SQLite (100,000 rows into a database of 100,000): 1,000
 * a batch took 8.2k rows/s, 2,000 11.1k, 5,000 11.4-12.1k, 10,000 12-14k
 * (FTS5 writes its segments once per commit). But a batch holds the one
 * SQLite connection, and the event loop, for its whole transaction: 2,000
 * is about 170 ms of other requests waiting, 10,000 close to a second.
 */
export const IMPORT_BATCH = 2000;
/** Records read between two turns of the event loop (see runImport): a few milliseconds of work. */
const RECORDS_PER_TURN = 100;

/** A row to write: the form's values, whether the file starred it (Google's "* starred" label), and its labels' names. */
export type ValidRow = { record: SourceRecord; input: ContactInput; starred: boolean; labels: string[] };
export type CheckedRecord = ValidRow | { record: SourceRecord; reason: string };

/** A record through the mapping and the contact form's schema: a contact to write, or why not. */
export function checkRecord(record: SourceRecord, mapping: ColumnMapping): CheckedRecord {
  if (record.problem) return { record, reason: record.problem };
  const { fields, labels } = candidateOf(record, mapping);
  if (!fields.name) return { record, reason: "The row has no name, company, email or phone." };
  const parsed = ContactFormSchema.safeParse(fields);
  if (!parsed.success) return { record, reason: [...new Set(parsed.error.issues.map((issue) => issue.message))].join("; ") };
  const names: string[] = [];
  for (const label of labels.filter((label) => !isSystemLabel(label))) {
    const name = labelName.safeParse(label);
    if (!name.success) return { record, reason: `The label “${label.slice(0, 60)}”: ${name.error.issues[0]!.message}.` };
    names.push(name.data);
  }
  return { record, input: parsed.data, starred: labels.some((label) => GOOGLE_STARRED.test(label)), labels: names };
}

/**
 * Google Contacts' system labels: "* starred" (the star) and "* myContacts"
 * in its CSV, "starred" and "myContacts" in its vCards' CATEGORIES, and
 * whatever else starts with "* " (the legacy "* My Contacts"). They are not
 * the user's labels: the star is kept, the rest mean nothing here.
 */
function isSystemLabel(label: string): boolean {
  return label.startsWith("* ") || /^(mycontacts|starred)$/i.test(label);
}

const GOOGLE_STARRED = /^(\* )?starred$/i;

/** The job's handler: `{ importId }`. */
export async function runImportJob(payload: unknown, context: JobContext): Promise<void> {
  const importId = (payload as { importId?: unknown } | null)?.importId;
  if (typeof importId !== "string") throw new Error(`an import job needs an importId, not ${JSON.stringify(payload)}`);
  try {
    await runImport(importId, context);
  } catch (error) {
    if (error instanceof JobInterrupted || context.signal.aborted) throw error;
    // The last attempt: the import ends as failed, its counts exact for what it took.
    if (context.job.attempts >= context.job.maxAttempts) {
      await finishImport(importId, {
        ok: false,
        error: "The import stopped because of an error on the server. The contacts counted here were imported.",
      });
    }
    throw error;
  }
}

/** One run of an import (the job's body; tests call it with a context of their own and smaller batches). */
export async function runImport(
  importId: string,
  context: JobContext,
  { batchSize = IMPORT_BATCH }: { batchSize?: number } = {},
): Promise<void> {
  const run = await importForRun(importId);
  if (!run || !["queued", "running"].includes(run.state) || !run.format || !run.encoding) return;
  await markRunning(importId);

  let bytesRead = 0;
  const file = (async function* () {
    for await (const chunk of fileOf(importId)) {
      bytesRead += chunk.length;
      yield chunk;
    }
  })();
  let done = run.recordsDone;
  let seen = 0;
  let batch: SourceRecord[] = [];
  const flush = async () => {
    if (batch.length === 0) return;
    const outcome = await writeBatch(run.ownerId, importId, done, batch, run.mapping, run.onDuplicate, bytesRead);
    done = outcome;
    batch = [];
    if (!(await context.heartbeat())) throw new Error("the import's job was taken over by another worker");
    if (context.stopping.aborted) throw new JobInterrupted();
  };
  for await (const record of recordsOf(file, { format: run.format, encoding: run.encoding, delimiter: run.delimiter })) {
    seen++;
    // Underneath its promises every step is synchronous (better-sqlite3, the
    // parsers): without a turn of the event loop now and then, an import would
    // hold up the process's requests, timers and signals (SIGTERM) to its end.
    if (seen % RECORDS_PER_TURN === 0) {
      await nextTurn();
      if (context.stopping.aborted) throw new JobInterrupted();
    }
    if (seen <= run.recordsDone) continue; // taken by an earlier run
    batch.push(record);
    if (batch.length >= batchSize) await flush();
  }
  await flush();
  await finishImport(importId, { ok: true });
}

/**
 * One batch, in one transaction: the new contacts, the updates, the rejects
 * and the progress. Returns the records done after it. If another run
 * recorded this batch first, nothing of it is kept (recordBatch refuses).
 */
async function writeBatch(
  ownerId: string,
  importId: string,
  from: number,
  records: SourceRecord[],
  mapping: ColumnMapping,
  onDuplicate: OnDuplicate,
  bytesDone: number,
): Promise<number> {
  const checked = records.map((record) => checkRecord(record, mapping));
  const valid = checked.filter((row): row is ValidRow => "input" in row);
  const outcome: BatchOutcome = {
    recordsDone: from + records.length,
    bytesDone,
    created: 0,
    updated: 0,
    skipped: 0,
    rejects: checked.flatMap((row) =>
      "reason" in row ? [{ record: row.record.number, reason: row.reason, values: row.record.values }] : [],
    ),
  };
  await db
    .transaction()
    .execute(async (trx) => {
      const existing = await findMatches(
        ownerId,
        valid.map((row) => row.input),
        trx,
      );
      // In file order: the first row of a contact creates it, a later one with
      // the same email (or name and phone) is the same contact.
      const inserts = new Map<string, { input: ContactInput; starred: boolean; labels: string[] }>();
      const updates = new Map<string, { id: string; version: number; input: ContactInput; labels: string[] }>();
      // Every row counts once: created, updated, skipped (the contact was there, or came earlier in the file) or rejected.
      for (const { input, starred, labels } of valid) {
        const key = matchKeyOf(input);
        const match = existing.get(key);
        if (match && onDuplicate === "update") {
          const earlier = updates.get(match.id);
          if (earlier) outcome.skipped++; // an earlier row of the file for it: the later one's values, both rows' labels
          updates.set(match.id, { ...match, input, labels: [...(earlier?.labels ?? []), ...labels] });
        } else if (match) {
          outcome.skipped++;
        } else if (inserts.has(key)) {
          const earlier = inserts.get(key)!;
          // The later row's values; either row's star and labels.
          if (onDuplicate === "update")
            inserts.set(key, { input, starred: starred || earlier.starred, labels: [...earlier.labels, ...labels] });
          outcome.skipped++;
        } else {
          inserts.set(key, { input, starred, labels });
        }
      }
      const now = Date.now();
      const created = [...inserts.values()];
      const ids = await insertContacts(
        ownerId,
        created.map(({ input, starred }, i) => ({ ...input, createdAt: now + i, starredAt: starred ? now : null })),
        { executor: trx },
      );
      outcome.created = ids.length;
      const labelled: { contactId: string; labels: string[] }[] = created.map(({ labels }, i) => ({ contactId: ids[i]!, labels }));
      for (const { id, version, input, labels } of updates.values()) {
        const result = await updateContact(ownerId, id, input, version, trx);
        if (result.ok) outcome.updated++;
        else outcome.skipped++;
        // An update adds the file's labels to the contact's own.
        if (result.ok) labelled.push({ contactId: id, labels });
      }
      const labelIds = await labelsNamed(
        ownerId,
        labelled.flatMap(({ labels }) => labels),
        trx,
      );
      await attachLabels(
        labelled.flatMap(({ contactId, labels }) => labels.map((name) => ({ contactId, labelId: labelIds.get(fold(name))! }))),
        trx,
      );
      if (!(await recordBatch(trx, importId, from, outcome))) throw new BatchTakenOver();
    })
    .catch((error: unknown) => {
      if (!(error instanceof BatchTakenOver)) throw error;
    });
  return outcome.recordsDone;
}

class BatchTakenOver extends Error {
  constructor() {
    super("another run recorded this batch first");
  }
}
