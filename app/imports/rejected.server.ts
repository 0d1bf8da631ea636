import { CSV_BOM, csvLine } from "./csv";
import { rejectsOf, type Import } from "./imports.server";

/**
 * The rows an import rejected, as a CSV to fix and import again: the file's
 * own columns (a vCard's as the review showed them), then the row's number
 * in the file and the reason.
 */
export async function* rejectedRowsCsv(ownerId: string, imported: Import): AsyncGenerator<string> {
  yield CSV_BOM + csvLine([...imported.columns, "Row in the file", "Why it was not imported"]);
  for await (const reject of rejectsOf(ownerId, imported.id)) {
    const cells = imported.columns.map((_, column) => reject.values[column] ?? "");
    yield csvLine([...cells, String(reject.record), reject.reason]);
  }
}
