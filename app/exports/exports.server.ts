import { setImmediate as nextTurn } from "node:timers/promises";
import { exportContacts } from "#app/contacts/contact-list.server";
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

/** A CSV that Google Contacts imports: UTF-8 with a BOM (so Excel reads it as UTF-8), CRLF, RFC 4180, formulas defused. */
export async function* contactsCsv(ownerId: string, q: string | null): AsyncGenerator<string> {
  yield CSV_BOM + csvHeader();
  yield* sliced(exportContacts(ownerId, { q }), csvRows);
}

/** vCard 3.0, which iOS, macOS, Android and Google read. */
export async function* contactsVCard(ownerId: string, q: string | null): AsyncGenerator<string> {
  yield* sliced(exportContacts(ownerId, { q }), (contacts) => contacts.map((contact) => writeVCard(contact)).join(""));
}
