import type { LoaderFunctionArgs } from "@remix-run/node";
import { requireUser } from "#app/auth/session.server";
import { contactsCsv, exportSelection } from "#app/exports/exports.server";
import { badRequest, notFound } from "#app/http/responses.server";
import { NOTHING_SELECTED } from "#app/contacts/bulk-schema";
import { NO_SUCH_LABEL } from "#app/labels/label-schema";
import { asDownload, datedFileName, download } from "#app/http/download.server";

// GET /contacts/export.csv[?q=&starred=1&label=]: the account's contacts (or those the list shows with these filters) as CSV.
export async function loader({ request }: LoaderFunctionArgs) {
  return asDownload(async () => {
    const user = await requireUser(request);
    // The list's filters (?q=&starred=1&label=): the export of what the list shows; a label not theirs is a 404.
    const selection = await exportSelection(user.id, new URL(request.url).searchParams);
    if (selection === "not-found") notFound(NO_SUCH_LABEL);
    if (selection === "nothing-selected") badRequest(NOTHING_SELECTED);
    return download(request, datedFileName("cardfile-contacts", "csv"), "text/csv; charset=utf-8", contactsCsv(user.id, selection));
  });
}
