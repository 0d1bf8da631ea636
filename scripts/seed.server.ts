import { sql } from "kysely";
import { SignupSchema } from "#app/auth/auth-schema";
import { newPasswordProblem } from "#app/auth/password-rules.server";
import { createUser, userExists, verifyLogin, type User } from "#app/auth/users.server";
import { blankContact } from "#app/contacts/contact-fields";
import { contactEmailKeys, insertContacts } from "#app/contacts/contacts.server";
import { bulkLoad } from "#app/contacts/search-index.server";
import { db, dialect } from "#app/db.server";
import { attachLabels, labelsNamed } from "#app/labels/contact-labels.server";
import { fold } from "#app/shared/text";
import { DEFAULT_SEED, MAX_SEED_INDEX, nextSeedIndex, SEED_LABELS, seedContact, seedCreatedAt, seedExtras, seedNumber } from "./seed-data";

/** From this many contacts on, the search index is rebuilt once after the load instead of kept live. */
export const BULK_LOAD_FROM = 50_000;

// `npm run db:seed` (scripts/seed.ts) is a thin command line around these two
// functions, so tests call them directly.

/** Why `email` and `password` cannot seed an account (the signup rules), or null. */
export function seedInputProblem(email: string, password: string): string | null {
  const parsed = SignupSchema.safeParse({ email, password });
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    return `--${String(issue.path[0])}: ${issue.message}`;
  }
  // Also when reusing an account: a seeded account is one that signup could have made.
  const problem = newPasswordProblem(parsed.data.email, password);
  return problem ? `--password: ${problem}` : null;
}

export type SeedAccountResult = { ok: true; user: User; created: boolean } | { ok: false; message: string };

/**
 * The account `email`, created like a signup (same hashing, SCRYPT_LOG_N) or,
 * if it exists, reused only when `password` is its password. A refusal writes
 * nothing.
 */
export async function seedAccount(email: string, password: string): Promise<SeedAccountResult> {
  const problem = seedInputProblem(email, password);
  if (problem) return { ok: false, message: problem };
  const { email: address } = SignupSchema.parse({ email, password });
  const user = await verifyLogin(address, password);
  if (user) return { ok: true, user, created: false };
  if (await userExists(address))
    return { ok: false, message: `${address} already has an account and that is not its password; nothing was written.` };
  const created = await createUser(address, password);
  if (!created.ok) return { ok: false, message: `${address} was signed up meanwhile; run again to reuse it.` };
  return { ok: true, user: created.user, created: true };
}

/** How far back creation dates go: three years before `now`. */
export const SPREAD_MS = 3 * 365.25 * 24 * 60 * 60 * 1000;
export const DEFAULT_BATCH = 10_000;

export interface SeedContactsOptions {
  count: number;
  seed?: string;
  /** rows per transaction */
  batchSize?: number;
  /** the newest creation date; the others spread over SPREAD_MS before it */
  now?: number;
  /** rows per INSERT statement (at most what the bind-parameter limit allows); tests make it small */
  rowsPerStatement?: number;
  /** after each committed batch */
  onProgress?: (done: number, total: number) => void;
  /** after the last batch, before the search index is brought up to date */
  onLoaded?: () => void;
}

export interface SeedContactsResult {
  /** live and deleted contacts the account had before */
  existing: number;
  /** the number in the first new contact's address; later ones count up from it */
  firstNumber: number;
  added: number;
}

/**
 * Adds `count` generated contacts to `ownerId`, oldest first, in batched
 * transactions of multi-row INSERTs. Their addresses continue the numbering
 * after any the account already holds, so a second run never collides with
 * the first (nor with hand-made contacts). A failure keeps the batches
 * already committed.
 */
export async function seedContacts(
  ownerId: string,
  { count, seed = DEFAULT_SEED, batchSize = DEFAULT_BATCH, now = Date.now(), rowsPerStatement, onProgress, onLoaded }: SeedContactsOptions,
): Promise<SeedContactsResult> {
  const held = await contactEmailKeys(ownerId);
  const firstNumber = nextSeedIndex(held);
  if (firstNumber + count - 1 > MAX_SEED_INDEX) {
    throw new Error(`the account's addresses already use numbers up to ${firstNumber - 1}; ${count} more would pass ${MAX_SEED_INDEX}`);
  }
  const result: SeedContactsResult = { existing: held.length, firstNumber, added: 0 };
  if (count === 0) return result;

  const seedNo = seedNumber(seed);
  const from = now - SPREAD_MS;
  // The account's 20 labels (found or made); each contact's, and its star, from its number.
  const labelIds = await labelsNamed(ownerId, SEED_LABELS);
  const seedLabelIds = SEED_LABELS.map((name) => labelIds.get(fold(name))!);
  let previous = -Infinity;
  const batch = (size: number) =>
    Array.from({ length: size }, (_, k) => {
      const position = result.added + k;
      // Strictly increasing, so the list's keyset pages see a clean order.
      const createdAt = Math.max(seedCreatedAt(seedNo, position, count, from, now), previous + 1);
      previous = createdAt;
      const { labels, starred } = seedExtras(seedNo, firstNumber + position);
      // Fields the generator makes no value for (a new one, say) stay blank.
      return {
        contact: { ...blankContact(), ...seedContact(seedNo, firstNumber + position), createdAt, starredAt: starred ? createdAt : null },
        labels,
      };
    });

  // Bulk mode for big loads: the search index is built once at the end, not
  // row by row. Small loads keep it live: while the triggers are off, a
  // running app (or another test file on the same database) would not index
  // its own writes until the rebuild, and rebuilding a big table costs more
  // than indexing a few thousand rows as they go.
  const load = count >= BULK_LOAD_FROM ? bulkLoad : <T>(fn: () => Promise<T>) => fn();
  await withLoadCache(() =>
    load(async () => {
      while (result.added < count) {
        // One transaction a batch: a failure keeps the batches already committed.
        const made = batch(Math.min(batchSize, count - result.added));
        await db.transaction().execute(async (trx) => {
          const ids = await insertContacts(
            ownerId,
            made.map((m) => m.contact),
            { rowsPerStatement, executor: trx },
          );
          await attachLabels(
            made.flatMap((m, i) => m.labels.map((k) => ({ contactId: ids[i]!, labelId: seedLabelIds[k]! }))),
            trx,
          );
        });
        result.added += made.length;
        onProgress?.(result.added, count);
      }
      onLoaded?.();
    }),
  );
  return result;
}

/** SQLite's page cache during a load, in KiB (its default is 2 MB). */
const SQLITE_LOAD_CACHE_KIB = 256 * 1024;

/**
 * Runs `load` with a large SQLite page cache: the id and email indexes take
 * inserts in random order, and with the default cache most of those become
 * reads and writes of the file. The connection's cache is set back after.
 */
async function withLoadCache<T>(load: () => Promise<T>): Promise<T> {
  if (dialect !== "sqlite") return load();
  const { rows } = await sql<{ cache_size: number }>`pragma cache_size`.execute(db);
  await sql.raw(`pragma cache_size = -${SQLITE_LOAD_CACHE_KIB}`).execute(db);
  try {
    return await load();
  } finally {
    await sql.raw(`pragma cache_size = ${Number(rows[0]?.cache_size ?? -2000)}`).execute(db);
  }
}
