import type { Contact } from "#app/contacts/contacts.server";
import { contactFields, type ContactFieldDescriptor, type ContactFieldName, type ContactFields } from "#app/contacts/contact-fields";
import type { Label } from "#app/labels/labels.server";

// What a merge of duplicates offers and what a choice makes of it
// (decision 0037), the same in the page (merge-table.tsx) and on the server
// (merges.server.ts): for each field the group's values, one radio each,
// named by the contact it comes from; the default is the most recently
// changed contact's value where it has one; notes can be the group's notes
// combined, and are by default. Pure: no database, no request.

/** The most contacts one merge takes (the duplicates page shows a group's 10 most recent). */
export const MAX_MERGE = 10;

/** The merge page's URL for these contacts, and the page to go back to after. */
export function mergeHref(ids: readonly string[], returnTo?: string): string {
  const search = new URLSearchParams(ids.map((id) => ["ids", id]));
  if (returnTo) search.set("returnTo", returnTo);
  return `/contacts/merge?${search}`;
}

/** What the merge page says when it is not given 2 to MAX_MERGE contacts. */
export const MERGE_COUNT_MESSAGE = `Choose 2 to ${MAX_MERGE} contacts to merge.`;

/** The notes' choice that joins every contact's notes. */
export const COMBINED = "combined";

/** A contact of a merge's group, with its labels. */
export type MergeMember = Contact & { labels: Label[] };

/** The members in the order the page shows them and the defaults read them: most recently changed first (then by id, for a stable order). */
export function byMostRecent(a: Pick<Contact, "id" | "updatedAt">, b: Pick<Contact, "id" | "updatedAt">): number {
  return b.updatedAt.localeCompare(a.updatedAt) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
}

/** What the merge page shows (merge-form.tsx): the group, what each field offers, and what the kept contact gets besides. */
export interface MergeView {
  members: MergeMember[];
  plan: FieldPlan[];
  labels: Label[];
  starred: boolean;
}

/** One field of the merge: the members' values, and what is chosen if the form says nothing. */
export interface FieldPlan {
  name: ContactFieldName;
  label: string;
  input: ContactFieldDescriptor["input"];
  max: number;
  /** every member has the same value (or none has one): nothing to choose */
  same: boolean;
  /** the radio's value the page checks first: a member's id, or COMBINED */
  defaultChoice: string;
  /** notes only, when two or more members have different notes: them all, most recent first, and whether that fits the field */
  combined: { value: string; fits: boolean } | null;
}

/** What a merge of `members` (most recent first) offers, field by field. */
export function mergePlan(members: readonly MergeMember[]): FieldPlan[] {
  return contactFields.map((field) => {
    const values = members.map((member) => member[field.name]);
    const holder = members.find((member) => member[field.name] !== null) ?? members[0]!;
    const combined = field.name === "notes" ? combine(values, field.max) : null;
    return {
      name: field.name,
      label: field.label,
      input: field.input,
      max: field.max,
      same: values.every((value) => value === values[0]),
      defaultChoice: combined?.fits ? COMBINED : holder.id,
      combined,
    };
  });
}

/** The different non-empty notes, most recent first, a blank line between; null when there are not two to combine. */
function combine(values: readonly (string | null)[], max: number): FieldPlan["combined"] {
  const distinct = [...new Set(values.filter((value): value is string => value !== null))];
  if (distinct.length < 2) return null;
  const value = distinct.join("\n\n");
  return { value, fits: value.length <= max };
}

export type MergeChoices = Partial<Record<ContactFieldName, string>>;

export type Resolved = { ok: true; fields: ContactFields } | { ok: false; field: ContactFieldName; message: string };

/**
 * The kept contact's fields for these choices (a field's member id, or
 * COMBINED for notes; a field left out takes its default). A choice that
 * names no member, or combined notes too long for the field, is refused
 * with what to fix.
 */
export function resolveMerge(members: readonly MergeMember[], choices: MergeChoices): Resolved {
  const fields = {} as Record<ContactFieldName, string | null>;
  for (const plan of mergePlan(members)) {
    const choice = choices[plan.name] ?? plan.defaultChoice;
    if (choice === COMBINED && plan.combined) {
      if (!plan.combined.fits) {
        return {
          ok: false,
          field: plan.name,
          message: `The notes together are longer than ${plan.max} characters: choose one contact's notes`,
        };
      }
      fields[plan.name] = plan.combined.value;
      continue;
    }
    const member = members.find((m) => m.id === choice);
    if (!member) return { ok: false, field: plan.name, message: "This form is out of date. Reload the page and choose again." };
    fields[plan.name] = member[plan.name];
  }
  return { ok: true, fields: fields as ContactFields };
}
