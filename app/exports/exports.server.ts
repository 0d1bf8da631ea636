import { exportContacts } from "#app/contacts/contact-list.server";
import { CSV_BOM, csvHeader, csvRow } from "#app/imports/csv";
import { writeVCard } from "#app/imports/vcard";

// Taking contacts out (docs/decisions/0029): every contact of the account,
// or those a search matches, as the files other address books read back.
// Streamed a batch at a time (exportContacts), in the formats the import
// reads: a round trip gives back the same contacts, field for field.

/** A CSV that Google Contacts imports: UTF-8 with a BOM (so Excel reads it as UTF-8), CRLF, RFC 4180, formulas defused. */
export async function* contactsCsv(ownerId: string, q: string | null): AsyncGenerator<string> {
  yield CSV_BOM + csvHeader();
  for await (const batch of exportContacts(ownerId, { q })) yield batch.map(csvRow).join("");
}

/** vCard 3.0, which iOS, macOS, Android and Google read. */
export async function* contactsVCard(ownerId: string, q: string | null): AsyncGenerator<string> {
  for await (const batch of exportContacts(ownerId, { q })) yield batch.map((contact) => writeVCard(contact)).join("");
}
