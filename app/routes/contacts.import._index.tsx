import { redirect, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { useState } from "react";
import { requireUser } from "#app/auth/session.server";
import { formatDate } from "#app/client/format";
import { clientWriteAction, revalidateUnlessLost, useWriteResult } from "#app/client/network";
import { GeneralErrorBoundary } from "#app/components/error-page";
import { SubmitButton } from "#app/components/submit-button";
import { WriteForm } from "#app/components/write-form";
import { FILE_TOO_BIG, ImportUploadSchema, MAX_IMPORT_BYTES } from "#app/imports/import-schema";
import { listImports } from "#app/imports/imports.server";
import { importStateLabel } from "#app/imports/import-status";
import { discardUpload, openUpload, readUploadForm } from "#app/imports/upload.server";
import { writeAction, writeHeaders } from "#app/http/write-action.server";
import { RATE_LIMITS } from "#app/rate-limits/rate-limits.server";
import { newSubmissionKey } from "#app/submissions/submission-keys.server";

// Bring contacts in: upload a CSV or vCard file (a plain multipart form), then
// review it on its own page (/contacts/import/:id). docs/decisions/0029.

export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requireUser(request);
  return { submissionKey: newSubmissionKey(), imports: await listImports(user.id) };
}

export async function action({ request }: ActionFunctionArgs) {
  const user = await requireUser(request);
  return writeAction(
    request,
    {
      userId: user.id,
      schema: ImportUploadSchema,
      form: "import:upload",
      rateLimit: RATE_LIMITS.importUploadsPerUser,
      // The file goes to the database as it arrives; a refused form's upload is removed again.
      readBody: (body) => readUploadForm(body, user.id),
      discard: (form) => discardUpload(user.id, form),
    },
    async ({ file }, { trx, reject }) => {
      const opened = await openUpload(user.id, file, trx);
      if (!opened.ok) return reject(422, { fieldErrors: { file: [opened.problem] } });
      return redirect(`/contacts/import/${file}`, 303);
    },
  );
}

export const clientAction = clientWriteAction;
export const shouldRevalidate = revalidateUnlessLost;
export const headers = writeHeaders;

export const meta: MetaFunction = () => [{ title: "Import contacts · Cardfile" }];

export default function ImportPage() {
  const { submissionKey, imports } = useLoaderData<typeof loader>();
  const { result, networkFailure } = useWriteResult<typeof action>();
  // With JavaScript, a file over the limit is refused here: the server's 413 (sent before it reads the
  // body, server/policy.js) is a plain page, which a data request cannot show.
  const [tooBig, setTooBig] = useState(false);
  const serverError = result && "error" in result ? (result.error?.file?.[0] ?? result.error?.[""]?.[0]) : undefined;
  const fileError = tooBig ? FILE_TOO_BIG : serverError;
  return (
    <section className="narrow" aria-labelledby="import-title">
      <p className="back">
        <Link to="/contacts">← Contacts</Link>
      </p>
      <h1 id="import-title">Import contacts</h1>
      <p>
        Choose the file your address book exported: a CSV file (Google Contacts, Outlook, or any spreadsheet with a header row) or a vCard
        file (.vcf, from iPhone, Android, macOS and others), up to 20 MB. You will see how its columns map to Cardfile&apos;s fields before
        anything is imported.
      </p>
      <WriteForm
        submissionKey={submissionKey}
        problem={networkFailure}
        encType="multipart/form-data"
        className="stack"
        onSubmit={(event) => {
          if (tooBig) event.preventDefault();
        }}
      >
        <div className="field">
          <label htmlFor="file">File to import</label>{" "}
          <input
            id="file"
            name="file"
            type="file"
            required
            accept=".csv,.vcf,.vcard,.txt,text/csv,text/vcard,text/x-vcard,text/plain"
            aria-invalid={fileError ? true : undefined}
            aria-describedby={fileError ? "file-error" : undefined}
            onChange={(event) => setTooBig((event.currentTarget.files?.[0]?.size ?? 0) > MAX_IMPORT_BYTES)}
          />
          <div id="file-error" className="field-error" aria-live="polite">
            {fileError ?? null}
          </div>
        </div>
        <div className="actions">
          <SubmitButton pendingLabel="Uploading…" className="primary">
            Upload and review
          </SubmitButton>
        </div>
      </WriteForm>

      {imports.length ? (
        <>
          <h2 id="recent-imports">Recent imports</h2>
          <ul className="import-list" aria-labelledby="recent-imports">
            {imports.map((entry) => (
              <li key={entry.id}>
                <Link to={`/contacts/import/${entry.id}`}>{entry.fileName}</Link>{" "}
                <span>
                  {importStateLabel(entry)} · <time dateTime={entry.createdAt}>{formatDate(entry.createdAt)}</time>
                </span>
              </li>
            ))}
          </ul>
        </>
      ) : null}
    </section>
  );
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}
