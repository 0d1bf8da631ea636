import { inTransaction } from "#db/database.server";
import { isUniqueViolation } from "#db/errors";
import type { ContactRow, NewContactRow } from "#db/schema";
import { sql, type SqlBool } from "kysely";
import { db, dialect } from "#app/db.server";
import { newId, newIds } from "#app/shared/ids";
import { emailKey, sortKey } from "#app/shared/text";
import { CONTACT_FIELD_NAMES, LISTED_FIELD_NAMES, type ContactFieldName, type ContactFields, type ListedFieldName } from "./contact-fields";
import type { ContactInput } from "./contact-schema";
import { emailDedupeKey, phoneKey } from "./duplicate-keys";
import { searchText } from "./search";

// The contacts table, part 1 of 3: reading and writing one contact, and how
// rows become the app's Contact (the mapping the other two parts share).
// Listing and search are contact-list.server.ts; delete, undo and purge are
// trash.server.ts. Only these three modules know the table. Every function
// takes the owner's id and puts it in every `where`: a route that forgot a
// check still could not reach another account's contacts.

/** A contact as the app sees it: its fields, and dates as ISO strings, safe to send to the browser. */
export type Contact = ContactFields & {
  id: string;
  version: number;
  /** the owner starred it (star.server.ts); not a form field, and not part of the edit's version */
  starred: boolean;
  createdAt: string;
  updatedAt: string;
};

/** What a list row shows: the fields marked `listed`, the star, and when it was added. */
export type ContactSummary = Pick<Contact, "id" | "createdAt" | "starred" | ListedFieldName>;

const LISTED = LISTED_FIELD_NAMES;

/** The columns of a list row. */
export const SUMMARY_COLUMNS = ["id", ...LISTED, "starred_at", "created_at"] as const;
/** The columns of a whole contact. */
export const ALL_COLUMNS = ["id", ...CONTACT_FIELD_NAMES, "version", "starred_at", "created_at", "updated_at"] as const;

export type SummaryRow = Pick<ContactRow, (typeof SUMMARY_COLUMNS)[number]>;

export function toSummary(row: SummaryRow): ContactSummary {
  const summary = { id: row.id, createdAt: new Date(row.created_at).toISOString(), starred: row.starred_at !== null } as ContactSummary;
  for (const name of LISTED) (summary as Record<string, unknown>)[name] = row[name];
  return summary;
}

export function toContact(row: Pick<ContactRow, (typeof ALL_COLUMNS)[number]>): Contact {
  const contact = {
    id: row.id,
    version: row.version,
    starred: row.starred_at !== null,
    createdAt: new Date(row.created_at).toISOString(),
    updatedAt: new Date(row.updated_at).toISOString(),
  } as Contact;
  for (const name of CONTACT_FIELD_NAMES) (contact as Record<string, unknown>)[name] = row[name];
  return contact;
}

/** After every company in company_sort, so that contacts without one come last (U+10FFFF, the last code point). */
const NO_COMPANY = "\u{10FFFF}";
/** Between the company and the name in company_sort: below every character a key holds, so "Acme" sorts before "Acme Corp". */
const THEN = "\u0001";

/** The columns a create or an update writes: each field's, and the folded copies that indexes compare. */
function columnsFor(input: ContactInput) {
  const columns = {
    email_key: input.email === null ? null : emailKey(input.email),
    search: searchText(input),
    name_sort: sortKey(input.name),
    company_sort: `${input.company === null ? NO_COMPANY : sortKey(input.company)}${THEN}${sortKey(input.name)}`,
    phone_key: phoneKey(input.phone),
    email_dedupe_key: emailDedupeKey(input.email),
  } as Pick<NewContactRow, ContactFieldName | "email_key" | "search" | "name_sort" | "company_sort" | "phone_key" | "email_dedupe_key">;
  for (const name of CONTACT_FIELD_NAMES) (columns as Record<string, unknown>)[name] = input[name];
  return columns;
}

/** The owner's contact with this id, or null (also for another account's). */
export async function getContact(ownerId: string, id: string, executor = db): Promise<Contact | null> {
  const row = await executor
    .selectFrom("contacts")
    .select(ALL_COLUMNS)
    .where("owner_id", "=", ownerId)
    .where("id", "=", id)
    .where("deleted_at", "is", null)
    .executeTakeFirst();
  return row ? toContact(row) : null;
}

/** The owner's live contacts among `ids` (a merge's group), in no particular order; missing ones (another account's too) are absent. */
export async function getContacts(ownerId: string, ids: readonly string[], executor = db): Promise<Contact[]> {
  if (ids.length === 0) return [];
  const rows = await executor
    .selectFrom("contacts")
    .select(ALL_COLUMNS)
    .where(ownerIsByIds(ownerId))
    .where("id", "in", [...ids])
    .where("deleted_at", "is", null)
    .execute();
  return rows.map(toContact);
}

export type WriteResult = { ok: true; contact: Contact } | { ok: false; reason: "duplicate-email" | "not-found" };

export type UpdateResult = WriteResult | { ok: false; reason: "conflict"; current: Contact };

export async function createContact(ownerId: string, input: ContactInput, executor = db): Promise<WriteResult> {
  const now = Date.now();
  try {
    const row = await inTransaction(executor, (trx) =>
      trx
        .insertInto("contacts")
        .values({ id: newId(), owner_id: ownerId, ...columnsFor(input), created_at: now, updated_at: now })
        .returning(ALL_COLUMNS)
        .executeTakeFirstOrThrow(),
    );
    return { ok: true, contact: toContact(row) };
  } catch (error) {
    if (isUniqueViolation(error)) return { ok: false, reason: "duplicate-email" };
    throw error;
  }
}

/** Bind parameters one statement may carry: SQLite's SQLITE_MAX_VARIABLE_NUMBER (32,766) and Postgres's wire protocol (65,535). */
const MAX_PARAMETERS = 32_766;

/**
 * Adds many contacts to the owner's in `executor` (a transaction, for a
 * batch that commits or fails whole), as multi-row INSERTs, each with its
 * creation date; the seeder's and imports' bulk path. Valid input only
 * (parsed by ContactFormSchema or made to pass it): a duplicate email fails
 * the whole call. The new contacts' ids, in the order given.
 */
export async function insertContacts(
  ownerId: string,
  contacts: readonly (ContactInput & { createdAt: number; starredAt?: number | null })[],
  { executor = db, rowsPerStatement = Infinity }: { executor?: typeof db; /** tests make it small */ rowsPerStatement?: number } = {},
): Promise<string[]> {
  if (contacts.length === 0) return [];
  const ids = newIds(contacts.length);
  const rows: NewContactRow[] = contacts.map(({ createdAt, starredAt = null, ...input }, i) => ({
    id: ids[i]!,
    owner_id: ownerId,
    ...columnsFor(input),
    starred_at: starredAt,
    created_at: createdAt,
    updated_at: createdAt,
  }));
  const perStatement = Math.min(rowsPerStatement, Math.floor(MAX_PARAMETERS / Object.keys(rows[0]!).length));
  await inTransaction(executor, async (trx) => {
    for (let start = 0; start < rows.length; start += perStatement) {
      await trx
        .insertInto("contacts")
        .values(rows.slice(start, start + perStatement))
        .execute();
    }
  });
  return ids;
}

/**
 * Saves `input` over the owner's contact if it is still at `expectedVersion`
 * (the version the edit form was opened at), and bumps the version. The check
 * is in the UPDATE's WHERE, so two concurrent saves of one version cannot both
 * win. A stale version gets the contact as it is now, to show the user.
 */
export async function updateContact(
  ownerId: string,
  id: string,
  input: ContactInput,
  expectedVersion: number,
  executor = db,
): Promise<UpdateResult> {
  try {
    return await inTransaction(executor, async (trx) => {
      const row = await trx
        .updateTable("contacts")
        .set((eb) => ({ ...columnsFor(input), version: eb("version", "+", 1), updated_at: Date.now() }))
        .where("owner_id", "=", ownerId)
        .where("id", "=", id)
        .where("deleted_at", "is", null)
        .where("version", "=", expectedVersion)
        .returning(ALL_COLUMNS)
        .executeTakeFirst();
      if (row) return { ok: true, contact: toContact(row) };
      const current = await getContact(ownerId, id, trx);
      return current ? { ok: false, reason: "conflict", current } : { ok: false, reason: "not-found" };
    });
  } catch (error) {
    if (isUniqueViolation(error)) return { ok: false, reason: "duplicate-email" };
    throw error;
  }
}

/**
 * The condition "the contact is the owner's", for a query that names its
 * contacts by id (a bulk action's batch of a thousand). SQLite without
 * statistics would read them through an owner_id index, that is every
 * contact of the owner, 0.3 s a batch at 1,000,000; its unary + keeps the
 * index out, so the primary key finds the ids (decision 0036). Postgres
 * knows better from its statistics.
 */
export function ownerIsByIds(ownerId: string) {
  return dialect === "sqlite" ? sql<SqlBool>`+contacts.owner_id = ${ownerId}` : sql<SqlBool>`contacts.owner_id = ${ownerId}`;
}

/** The email keys of every contact the owner has with an address, live or deleted (the seeder numbers its addresses after them). */
export async function contactEmailKeys(ownerId: string, executor = db): Promise<string[]> {
  const rows = await executor
    .selectFrom("contacts")
    .select("email_key")
    .where("owner_id", "=", ownerId)
    .where("email_key", "is not", null)
    .execute();
  return rows.flatMap((row) => (row.email_key === null ? [] : [row.email_key]));
}
