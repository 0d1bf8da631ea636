import type { LoaderFunctionArgs } from "@remix-run/node";
import { requireUser } from "#app/auth/session.server";
import { contactsVCard } from "#app/exports/exports.server";
import { asDownload, datedFileName, download } from "#app/http/download.server";

// GET /contacts/export.vcf[?q=]: the account's contacts (or a search's) as vCard 3.0.
export async function loader({ request }: LoaderFunctionArgs) {
  return asDownload(async () => {
    const user = await requireUser(request);
    const q = new URL(request.url).searchParams.get("q");
    return download(request, datedFileName("cardfile-contacts", "vcf"), "text/vcard; charset=utf-8", contactsVCard(user.id, q));
  });
}
