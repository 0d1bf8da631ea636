import { CONTACT_FIELD_NAMES, type ContactFieldName } from "#app/contacts/contact-fields";
import type { ColumnMapping, MappingTarget, SourceRecord } from "./source";

// A record and its mapping → the values the contact form's schema checks, as
// a form would post them (strings; blank for nothing). The rules real
// address books need (docs/decisions/0029):
// - several columns may map to one target (Google's "E-mail 1 - Value" and
//   "E-mail 2 - Value", Outlook's phones): the first non-empty value wins;
// - Google joins several values in one cell with " ::: ": the first is taken;
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
function firstValue(value: string): string {
  const at = value.indexOf(MULTI_VALUE);
  return (at === -1 ? value : value.slice(0, at)).trim();
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
    const value = firstValue(raw);
    if (value && !first.has(target)) first.set(target, value);
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
