import { sql } from "kysely";
import { db } from "#app/db.server";
import { toSummary, type ContactSummary } from "./contacts.server";
import type { DuplicateKind } from "./duplicate-keys";

// The contacts table, likely duplicates (decision 0037): groups of the
// owner's live contacts that share a folded name, a phone's digits, or an
// email as its provider reads it. Each kind is read from its own partial
// index in key order, grouped as it streams, a page of groups at a time
// (keyset on the key): the database stops once it has the page.

export { DUPLICATE_KINDS, type DuplicateKind } from "./duplicate-keys";

const KEY_COLUMN = { name: "name_sort", phone: "phone_key", email: "email_dedupe_key" } as const;

/** Groups a page of duplicates shows. */
export const GROUPS_PER_PAGE = 20;
/** Contacts a group shows (the most recently changed); the rest are counted. */
export const MEMBERS_SHOWN = 10;

export type DuplicateMember = ContactSummary & { phone: string | null; updatedAt: string };

export interface DuplicateGroup {
  /** the shared key, as the kind stores it (also the next page's cursor) */
  key: string;
  /** how many live contacts share it */
  size: number;
  /** the most recently changed MEMBERS_SHOWN of them */
  members: DuplicateMember[];
}

/**
 * The keys of a page of groups (one more says there are more), with their
 * sizes: the kind's index read in order from `after`, grouped as it
 * streams, stopped at the page. Exported for its index test.
 */
export function duplicateKeysQuery(ownerId: string, kind: DuplicateKind, after: string | null, executor = db) {
  const column = sql.ref(`contacts.${KEY_COLUMN[kind]}`);
  return executor
    .selectFrom("contacts")
    .select([sql<string>`${column}`.as("key"), (eb) => eb.fn.countAll<number>().as("size")])
    .where("contacts.owner_id", "=", ownerId)
    .where("contacts.deleted_at", "is", null)
    .where(sql<boolean>`${column} is not null`)
    .$if(after !== null, (qb) => qb.where(sql<boolean>`${column} > ${after}`))
    .groupBy(sql`${column}`)
    .having((eb) => eb.fn.countAll(), ">", 1)
    .orderBy(sql`${column}`)
    .limit(GROUPS_PER_PAGE + 1);
}

/**
 * A page of the owner's groups of one kind, in key order after `after` (the
 * previous page's last key): each group's size and its most recently
 * changed members, and the cursor of the next page (null on the last).
 */
export async function duplicateGroups(
  ownerId: string,
  kind: DuplicateKind,
  after: string | null = null,
  executor = db,
): Promise<{ groups: DuplicateGroup[]; next: string | null }> {
  const column = sql.ref(`contacts.${KEY_COLUMN[kind]}`);
  const keys = await duplicateKeysQuery(ownerId, kind, after, executor).execute();
  const page = keys.slice(0, GROUPS_PER_PAGE);
  if (page.length === 0) return { groups: [], next: null };

  // Each group's most recently changed members, one query for the page.
  const ranked = executor
    .selectFrom("contacts")
    .select([
      "contacts.id",
      "contacts.name",
      "contacts.email",
      "contacts.company",
      "contacts.phone",
      "contacts.starred_at",
      "contacts.created_at",
      "contacts.updated_at",
      sql<string>`${column}`.as("key"),
      sql<number>`row_number() over (partition by ${column} order by contacts.updated_at desc, contacts.id)`.as("rank"),
    ])
    .where("contacts.owner_id", "=", ownerId)
    .where("contacts.deleted_at", "is", null)
    .where(sql<boolean>`${column} in (${sql.join(page.map((group) => group.key))})`);
  const rows = await executor.selectFrom(ranked.as("ranked")).selectAll().where("rank", "<=", MEMBERS_SHOWN).orderBy("rank").execute();
  const byKey = new Map(page.map((group) => [group.key, { key: group.key, size: Number(group.size), members: [] as DuplicateMember[] }]));
  for (const row of rows) {
    byKey.get(row.key)?.members.push({ ...toSummary(row), phone: row.phone, updatedAt: new Date(row.updated_at).toISOString() });
  }
  return { groups: [...byKey.values()], next: keys.length > GROUPS_PER_PAGE ? page[page.length - 1]!.key : null };
}
