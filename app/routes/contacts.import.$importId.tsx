import { type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Link, useLoaderData, useRevalidator } from "@remix-run/react";
import { useEffect } from "react";
import { requireUser } from "#app/auth/session.server";
import { clientWriteAction, revalidateUnlessLost, useWriteResult } from "#app/client/network";
import { GeneralErrorBoundary } from "#app/components/error-page";
import { ImportFacts, ImportProgress, ImportResult, ReviewForm } from "#app/imports/import-review";
import { ImportReviewSchema } from "#app/imports/import-schema";
import { getImport, reviewImport } from "#app/imports/imports.server";
import { previewImport } from "#app/imports/preview.server";
import { redirectWithFlash } from "#app/http/flash.server";
import { notFound, requireIdParam } from "#app/http/responses.server";
import { writeAction, writeHeaders } from "#app/http/write-action.server";
import { wakeJobRunners } from "#app/jobs/runner.server";
import { RATE_LIMITS } from "#app/rate-limits/rate-limits.server";
import { newSubmissionKey } from "#app/submissions/submission-keys.server";

// One import, in turn: its review (the detected format, the column mapping,
// the duplicates choice, a preview), its progress while it runs (the page
// reloads itself without JavaScript and polls with it), and its result.

const NO_SUCH_IMPORT = "No such import";
/** How often a page showing a running import is reloaded (without JavaScript) or polled (with it). */
const REFRESH_SECONDS = 2;

export async function loader({ request, params }: LoaderFunctionArgs) {
  const user = await requireUser(request);
  const imported = (await getImport(user.id, requireIdParam(params.importId, NO_SUCH_IMPORT))) ?? notFound(NO_SUCH_IMPORT);
  const running = imported.state === "queued" || imported.state === "running";
  return {
    imported,
    preview: imported.state === "review" ? await previewImport(user.id, imported) : null,
    submissionKey: newSubmissionKey(),
    refreshSeconds: running ? REFRESH_SECONDS : null,
  };
}

export async function action({ request, params }: ActionFunctionArgs) {
  const user = await requireUser(request);
  const id = requireIdParam(params.importId, NO_SUCH_IMPORT);
  return writeAction(
    request,
    {
      userId: user.id,
      schema: ImportReviewSchema,
      form: `import:review:${id}`,
      rateLimit: RATE_LIMITS.contactWritesPerUser,
      beforeInvalid: async () => (await getImport(user.id, id)) ?? notFound(NO_SUCH_IMPORT),
    },
    async ({ intent, onDuplicate, mapping }, { trx, reject, afterCommit }) => {
      const imported = (await getImport(user.id, id, trx)) ?? notFound(NO_SUCH_IMPORT);
      if (imported.state === "review" && mapping.length !== imported.columns.length) {
        return reject(400, { formErrors: ["The form does not match this file's columns. Reload the page and choose again."] });
      }
      const result = await reviewImport(user.id, id, { mapping, onDuplicate, start: intent === "start" }, trx);
      if (!result.ok) notFound(NO_SUCH_IMPORT);
      if (result.started) afterCommit(wakeJobRunners); // this process's runner starts it now, not at its next poll
      const message = result.started
        ? "Import started."
        : intent === "start"
          ? "This import has already been started."
          : "Preview updated.";
      return redirectWithFlash(request, `/contacts/import/${id}`, message);
    },
  );
}

export const clientAction = clientWriteAction;
export const shouldRevalidate = revalidateUnlessLost;
export const headers = writeHeaders;

export const meta: MetaFunction<typeof loader> = ({ data }) => [
  { title: data ? `Import of ${data.imported.fileName} · Cardfile` : "Import not found · Cardfile" },
];

export default function ImportOnePage() {
  const { imported, preview, submissionKey, refreshSeconds } = useLoaderData<typeof loader>();
  const { result, networkFailure } = useWriteResult<typeof action>();
  const revalidator = useRevalidator();
  // With JavaScript, a running import's page follows it live (without, <noscript> reloads it: root.tsx).
  useEffect(() => {
    if (!refreshSeconds) return;
    const timer = setInterval(() => revalidator.state === "idle" && revalidator.revalidate(), 1000);
    return () => clearInterval(timer);
  }, [refreshSeconds, revalidator]);
  return (
    <section aria-labelledby="import-title">
      <p className="back">
        <Link to="/contacts/import">← Imports</Link>
      </p>
      <h1 id="import-title">Import of {imported.fileName}</h1>
      <ImportFacts imported={imported} />
      {imported.state === "review" && preview ? (
        <ReviewForm
          imported={imported}
          preview={preview}
          submissionKey={submissionKey}
          problem={networkFailure}
          errors={result && "error" in result ? (result.error ?? undefined) : undefined}
        />
      ) : imported.state === "queued" || imported.state === "running" ? (
        <ImportProgress imported={imported} />
      ) : (
        <ImportResult imported={imported} />
      )}
    </section>
  );
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary notFoundMessage="This import does not exist, or it is not one of yours." />;
}
