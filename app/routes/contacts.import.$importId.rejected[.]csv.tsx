import type { LoaderFunctionArgs } from "@remix-run/node";
import { requireUser } from "#app/auth/session.server";
import { rejectedRowsCsv } from "#app/imports/rejected.server";
import { getImport } from "#app/imports/imports.server";
import { asDownload, datedFileName, download } from "#app/http/download.server";
import { notFound, requireIdParam } from "#app/http/responses.server";

// GET /contacts/import/:id/rejected.csv: the rows an import could not take, as they were, with the reason.
export async function loader({ request, params }: LoaderFunctionArgs) {
  return asDownload(async () => {
    const user = await requireUser(request);
    const imported = (await getImport(user.id, requireIdParam(params.importId, "No such import"))) ?? notFound("No such import");
    return download(request, datedFileName("cardfile-rejected-rows", "csv"), "text/csv; charset=utf-8", rejectedRowsCsv(user.id, imported));
  });
}
