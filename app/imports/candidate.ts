import { CONTACT_FIELD_NAMES, type ContactFieldName } from "#app/contacts/contact-fields";
import type { ColumnMapping, MappingTarget, SourceRecord } from "./source";

// A record and its mapping → the values the contact form's schema checks, as
// a form would post them (strings; blank for nothing). The rules real
// address books need (docs/decisions/0029):
// - several columns may map to one target (Google's "E-mail 1 - Value" and
//   "E-mail 2 - Value", Outlook's phones): the first non-empty value wins;
// - Google joins several values in one cell with " ::: " (emails, phones,
//   labels; never names or notes): the first is taken;
// - an email column may hold something else first (Outlook's Exchange
//   contacts carry an X.500 path in "E-mail Address" and the address in
//   "E-mail 2 Address"): the first value that looks like an address wins,
//   else the first value (which the schema then rejects with its reason);
// - the name is the name column, else the name parts joined (prefix, first,
//   middle, last, suffix), else the company, else the email, else the phone:
//   as address books display a contact without a name.

export interface Candidate {
  /** every field, as a form posts it */
  fields: Record<ContactFieldName, string>;
  /** the labels named by columns mapped to labels (for the labels issue) */
  labels: string[];
}

const NAME_PARTS = ["name:prefix", "name:first", "name:middle", "name:last", "name:suffix"] as const;
const MULTI_VALUE = " ::: ";

/** The first of Google's " ::: "-joined values, trimmed. */
/** Where Google joins several values with " ::: ". */
const MULTI_VALUED: ReadonlySet<MappingTarget> = new Set(["email", "phone"]);

/** The cell's value for `target`: for emails and phones the first of Google's " ::: " values, trimmed. */
function valueFor(target: MappingTarget, raw: string): string {
  const at = MULTI_VALUED.has(target) ? raw.indexOf(MULTI_VALUE) : -1;
  return (at === -1 ? raw : raw.slice(0, at)).trim();
}

export function candidateOf(record: SourceRecord, mapping: ColumnMapping): Candidate {
  const first = new Map<MappingTarget, string>();
  const labels: string[] = [];
  for (let column = 0; column < mapping.length; column++) {
    const target = mapping[column];
    const raw = record.values[column];
    if (!target || raw === undefined) continue;
    if (target === "labels") {
      // Google's Labels and vCard CATEGORIES (as vcard.ts gives them) join with " ::: ", Outlook's Categories with ";".
      for (const label of raw.split(MULTI_VALUE).flatMap((part) => part.split(";"))) if (label.trim()) labels.push(label.trim());
      continue;
    }
    const value = valueFor(target, raw);
    if (!value) continue;
    const kept = first.get(target);
    if (kept === undefined || (target === "email" && !kept.includes("@") && value.includes("@"))) first.set(target, value);
  }
  const fields = Object.fromEntries(CONTACT_FIELD_NAMES.map((name) => [name, first.get(name) ?? ""])) as Record<ContactFieldName, string>;
  if (!fields.name) {
    fields.name =
      NAME_PARTS.map((part) => first.get(part))
        .filter(Boolean)
        .join(" ") ||
      fields.company ||
      fields.email ||
      fields.phone;
  }
  return { fields, labels };
}
