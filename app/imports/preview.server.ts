import type { ContactInput } from "#app/contacts/contact-schema";
import { findMatches, matchKeyOf } from "#app/contacts/matching.server";
import { recordsOf } from "./detect";
import { checkRecord } from "./import-job.server";
import { fileOf, type Import } from "./imports.server";

// The review page's look at a file before it is imported: its first records
// through the mapping as chosen, each with what would become of it.

export const PREVIEW_RECORDS = 10;

export interface PreviewRow {
  /** the record's number in the file */
  record: number;
  /** the contact it would be, or null if rejected */
  contact: ContactInput | null;
  /** why it would be rejected */
  problem: string | null;
  /** the account has this contact already (same email; without one, same name and phone) */
  existing: boolean;
}

export interface Preview {
  rows: PreviewRow[];
  /** each column's first non-empty value among the records read, for the mapping's choices */
  samples: string[];
}

/** The first records of the owner's import in review, read from its stored file. */
export async function previewImport(ownerId: string, imported: Import): Promise<Preview> {
  const samples = imported.columns.map(() => "");
  const checked = [];
  const { format, encoding, delimiter } = imported;
  if (format && encoding) {
    for await (const record of recordsOf(fileOf(imported.id), { format, encoding, delimiter })) {
      record.values.forEach((value, column) => {
        if (!samples[column] && value.trim()) samples[column] = [...value.trim()].slice(0, 60).join("");
      });
      checked.push(checkRecord(record, imported.mapping));
      if (checked.length >= PREVIEW_RECORDS) break;
    }
  }
  const inputs = checked.flatMap((row) => ("input" in row ? [row.input] : []));
  const matches = await findMatches(ownerId, inputs);
  return {
    samples,
    rows: checked.map((row) =>
      "input" in row
        ? { record: row.record.number, contact: row.input, problem: null, existing: matches.has(matchKeyOf(row.input)) }
        : { record: row.record.number, contact: null, problem: row.reason, existing: false },
    ),
  };
}
