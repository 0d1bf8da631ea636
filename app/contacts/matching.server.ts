import { db } from "#app/db.server";
import { emailKey, fold } from "#app/shared/text";
import type { ContactInput } from "./contact-schema";

// The contacts table, part 4: which of the account's contacts an incoming
// one (an imported row) is already. A contact with an email is the one with
// that email (ignoring case); one without is the one without an email that
// has the same name and phone, as re-importing the same file must create
// nothing new (docs/decisions/0029). The only code that reads contacts for that.

/** What makes two contacts the same one for an import. */
export function matchKeyOf(input: Pick<ContactInput, "name" | "email" | "phone">): string {
  if (input.email !== null) return `email:${emailKey(input.email)}`;
  return `name:${fold(input.name)}\nphone:${(input.phone ?? "").replace(/\D/g, "")}`;
}

/** An existing contact that an incoming one matches: what an update needs. */
export interface Match {
  id: string;
  version: number;
}

/** The owner's live contacts that `inputs` match, by match key (matchKeyOf). Two indexed queries, whatever the number of inputs. */
export async function findMatches(ownerId: string, inputs: readonly ContactInput[], executor = db): Promise<Map<string, Match>> {
  const matches = new Map<string, Match>();
  const emailKeys = [...new Set(inputs.flatMap((input) => (input.email === null ? [] : [emailKey(input.email)])))];
  const names = [...new Set(inputs.flatMap((input) => (input.email === null ? [input.name] : [])))];
  if (emailKeys.length) {
    const rows = await executor
      .selectFrom("contacts")
      .select(["id", "version", "email_key"])
      .where("owner_id", "=", ownerId)
      .where("deleted_at", "is", null)
      .where("email_key", "in", emailKeys)
      .execute();
    for (const row of rows) matches.set(`email:${row.email_key}`, { id: row.id, version: row.version });
  }
  if (names.length) {
    // Served by contacts_owner_no_email_name_idx (the stored name is the form's: trimmed, NFC).
    const rows = await executor
      .selectFrom("contacts")
      .select(["id", "version", "name", "phone"])
      .where("owner_id", "=", ownerId)
      .where("email_key", "is", null)
      .where("deleted_at", "is", null)
      .where("name", "in", names)
      .execute();
    for (const row of rows) {
      const key = matchKeyOf({ name: row.name, email: null, phone: row.phone });
      if (!matches.has(key)) matches.set(key, { id: row.id, version: row.version });
    }
  }
  return matches;
}
