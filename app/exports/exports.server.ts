import { setImmediate as nextTurn } from "node:timers/promises";
import { exportContacts } from "#app/contacts/contact-list.server";
import type { Contact } from "#app/contacts/contacts.server";
import { readListParams } from "#app/contacts/list-params";
import { labelsOfContacts } from "#app/labels/contact-labels.server";
import { getLabel } from "#app/labels/labels.server";
import { MAX_BULK_IDS } from "#app/contacts/bulk-schema";
import { isId } from "#app/shared/ids";
import { CSV_BOM, csvHeader, csvRows } from "#app/imports/csv";
import { writeVCard } from "#app/imports/vcard";

// Taking contacts out (docs/decisions/0029): every contact of the account,
// or those a search matches, as the files other address books read back.
// Streamed a batch at a time (exportContacts), in the formats the import
// reads: a round trip gives back the same contacts, field for field.

/**
 * Contacts written per turn of the event loop. A whole batch (1,000) written
 * at once kept the process busy for up to ~15 ms (vCard) at a time: on
 * Postgres, where a page waits on the database several times, the list's p95
 * went from ~6 ms to ~50 ms while an export ran (`npm run bench`, 100,000
 * contacts). In slices of 100, with a turn between them, it stayed ~10 ms.
 */
const WRITE_SLICE = 100;

async function* sliced<T>(batches: AsyncIterable<T[]>, write: (items: T[]) => string): AsyncGenerator<string> {
  for await (const batch of batches) {
    for (let at = 0; at < batch.length; at += WRITE_SLICE) {
      if (at > 0) await nextTurn();
      yield write(batch.slice(at, at + WRITE_SLICE));
    }
  }
}

/** Which contacts an export takes: those the list shows with these filters (none: every contact), or the checked ones. */
export interface ExportSelection {
  q?: string | null;
  starred?: boolean;
  /** a label of the owner's (exportSelection checks it) */
  labelId?: string | null;
  /** only these (the list's bulk form: the contacts checked on a page) */
  ids?: string[];
}

/**
 * The selection an export's URL asks for: the list's filters
 * (?q=&starred=1&label=), or, from the list's bulk form (export=selected),
 * the contacts checked (ids) or every one matching (scope=matching). A
 * problem to show instead: a label that is not the owner's ("not-found"), or
 * the bulk form with nothing checked ("nothing-selected").
 */
export async function exportSelection(
  ownerId: string,
  search: URLSearchParams,
): Promise<ExportSelection | "not-found" | "nothing-selected"> {
  const { q, starred, label } = readListParams(search);
  if (search.get("export") === "selected" && search.get("scope") !== "matching") {
    const ids = search.getAll("ids").filter(isId).slice(0, MAX_BULK_IDS);
    return ids.length ? { ids } : "nothing-selected";
  }
  if (label === null) return { q, starred };
  const found = await getLabel(ownerId, label);
  return found ? { q, starred, labelId: found.id } : "not-found";
}

/** The owner's contacts to export, a batch at a time, each with its labels' names. */
async function* withLabels(ownerId: string, selection: ExportSelection): AsyncGenerator<(Contact & { labels: string[] })[]> {
  for await (const batch of exportContacts(ownerId, selection)) {
    const labels = await labelsOfContacts(
      ownerId,
      batch.map((contact) => contact.id),
    );
    yield batch.map((contact) => ({ ...contact, labels: (labels.get(contact.id) ?? []).map((label) => label.name) }));
  }
}

/** A CSV that Google Contacts imports: UTF-8 with a BOM (so Excel reads it as UTF-8), CRLF, RFC 4180, formulas defused. */
export async function* contactsCsv(ownerId: string, selection: ExportSelection = {}): AsyncGenerator<string> {
  yield CSV_BOM + csvHeader();
  yield* sliced(withLabels(ownerId, selection), csvRows);
}

/** vCard 3.0, which iOS, macOS, Android and Google read. */
export async function* contactsVCard(ownerId: string, selection: ExportSelection = {}): AsyncGenerator<string> {
  yield* sliced(withLabels(ownerId, selection), (contacts) => contacts.map((contact) => writeVCard(contact)).join(""));
}
