import { CONTACT_FIELD_NAMES } from "#app/contacts/contact-fields";
import { z } from "#app/zod";
import type { MappingTarget } from "./source";

// The import pages' forms (docs/decisions/0029), one schema each.

/** The largest file an import takes: the server refuses a bigger one (upload.server.ts, and server/policy.js before reading it). */
export const MAX_IMPORT_BYTES = 20 * 1024 * 1024;
export const FILE_TOO_BIG = "Files to import are limited to 20 MB.";

/** The upload: one file. (readUploadForm puts the stored upload's id in its place.) */
export const ImportUploadSchema = z.object({
  file: z.string({ error: "Choose the CSV or vCard file your address book exported." }),
});

export const MAPPING_TARGETS: readonly MappingTarget[] = [
  ...CONTACT_FIELD_NAMES,
  "name:prefix",
  "name:first",
  "name:middle",
  "name:last",
  "name:suffix",
  "labels",
];

/** What a mapping <select> offers, in order, with its label; "" is "Don't import". */
export const MAPPING_LABELS: Record<MappingTarget, string> = {
  name: "Name",
  email: "Email",
  company: "Company",
  phone: "Phone",
  notes: "Notes",
  "name:prefix": "Name prefix",
  "name:first": "First name",
  "name:middle": "Middle name",
  "name:last": "Last name",
  "name:suffix": "Name suffix",
  labels: "Labels",
};

/**
 * The review: a target for each column (`mapping[0]`, `mapping[1]`, …; a
 * blank choice ignores the column), what to do with an email the account
 * already has, and whether to start or only to show the preview again.
 */
export const ImportReviewSchema = z.object({
  intent: z.enum(["preview", "start"], { error: "Choose Preview or Start import." }),
  onDuplicate: z.enum(["skip", "update"], { error: "Choose what to do with contacts you already have." }),
  mapping: z
    .array(
      z
        .enum(MAPPING_TARGETS as [MappingTarget, ...MappingTarget[]], { error: "Choose a field for each column, or Don't import." })
        .optional()
        .transform((target) => target ?? null),
    )
    .default([]),
});
