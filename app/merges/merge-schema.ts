import { CONTACT_FIELD_NAMES, type ContactFieldName } from "#app/contacts/contact-fields";
import { STALE_FORM_MESSAGE } from "#app/contacts/contact-schema";
import { ID_PATTERN } from "#app/shared/ids";
import { z } from "#app/zod";
import { MAX_MERGE } from "./merge-plan";

// The merge form (decision 0037): the group's contacts as hidden
// `contacts` values "<id>:<version>" (the versions the page showed: a merge
// applies only while every one is still at it), a radio per field whose
// value is the contact to take it from (or "combined" for notes), and the
// page to go back to.

const member = z
  .string()
  .refine((value) => {
    const [id, version] = value.split(":");
    return ID_PATTERN.test(id ?? "") && /^[1-9]\d{0,9}$/.test(version ?? "");
  }, STALE_FORM_MESSAGE)
  .transform((value) => {
    const [id, version] = value.split(":");
    return { id: id!, version: Number(version) };
  });

const choice = z.string().max(40, STALE_FORM_MESSAGE).optional();

export const MergeFormSchema = z
  .object({
    contacts: z
      .array(member)
      .min(2, STALE_FORM_MESSAGE)
      .max(MAX_MERGE, STALE_FORM_MESSAGE)
      .refine((members) => new Set(members.map((m) => m.id)).size === members.length, STALE_FORM_MESSAGE),
    returnTo: z.string().optional(),
  })
  .extend(Object.fromEntries(CONTACT_FIELD_NAMES.map((name) => [name, choice])) as Record<ContactFieldName, typeof choice>);

export type MergeForm = z.output<typeof MergeFormSchema>;
