import type { LoaderFunctionArgs } from "@remix-run/node";
import { requireUser } from "#app/auth/session.server";
import { contactsCsv } from "#app/exports/exports.server";
import { asDownload, datedFileName, download } from "#app/http/download.server";

// GET /contacts/export.csv[?q=]: the account's contacts (or a search's) as CSV.
export async function loader({ request }: LoaderFunctionArgs) {
  return asDownload(async () => {
    const user = await requireUser(request);
    const q = new URL(request.url).searchParams.get("q");
    return download(request, datedFileName("cardfile-contacts", "csv"), "text/csv; charset=utf-8", contactsCsv(user.id, q));
  });
}
