import { Link } from "@remix-run/react";
import { Fragment } from "react";
import { SubmitButton } from "#app/components/submit-button";
import { WriteForm } from "#app/components/write-form";
import { MAPPING_LABELS, MAPPING_TARGETS } from "./import-schema";
import { countsText } from "./import-status";
import type { Import } from "./imports.server";
import type { Preview } from "./preview.server";
import { SOURCE_FORMAT_LABELS } from "./source";

// The parts of an import's page (app/routes/contacts.import.$importId.tsx):
// the review (mapping, duplicates, preview, start), the progress and the result.

const ENCODING_LABELS: Record<string, string> = {
  "utf-8": "UTF-8",
  "utf-16le": "UTF-16 (LE)",
  "utf-16be": "UTF-16 (BE)",
  "windows-1252": "Windows-1252",
};
const DELIMITER_LABELS: Record<string, string> = { ",": "commas", ";": "semicolons", "\t": "tabs" };

export function ImportFacts({ imported }: { imported: Import }) {
  return (
    <dl className="details">
      <dt>File</dt>
      <dd>
        {imported.fileName} ({(imported.size / 1024).toLocaleString("en-US", { maximumFractionDigits: 1 })} KB)
      </dd>
      <dt>Format</dt>
      <dd>
        {imported.format ? SOURCE_FORMAT_LABELS[imported.format] : "—"}
        {imported.delimiter ? `, separated by ${DELIMITER_LABELS[imported.delimiter]}` : ""}
      </dd>
      <dt>Encoding</dt>
      <dd>{imported.encoding ? ENCODING_LABELS[imported.encoding] : "—"}</dd>
    </dl>
  );
}

/** The review form: a <select> per column, the duplicates choice, and Preview / Start buttons. */
export function ReviewForm({
  imported,
  preview,
  submissionKey,
  problem,
  errors,
}: {
  imported: Import;
  preview: Preview;
  submissionKey: string;
  problem?: string | null;
  errors?: Record<string, string[] | null>;
}) {
  const mappingError = Object.entries(errors ?? {}).find(([name]) => name.startsWith("mapping") || name === "")?.[1]?.[0];
  return (
    <WriteForm submissionKey={submissionKey} problem={problem ?? mappingError} className="stack">
      <table className="mapping">
        <caption>How each column is imported</caption>
        <thead>
          <tr>
            <th scope="col">Column in the file</th>
            <th scope="col">First value</th>
            <th scope="col">Cardfile field</th>
          </tr>
        </thead>
        <tbody>
          {imported.columns.map((column, index) => (
            <tr key={index}>
              <th scope="row">
                <label htmlFor={`mapping-${index}`}>{column}</label>
              </th>
              <td>{preview.samples[index] || <span className="none">—</span>}</td>
              <td>
                <select id={`mapping-${index}`} name={`mapping[${index}]`} defaultValue={imported.mapping[index] ?? ""}>
                  <option value="">Don&apos;t import</option>
                  {MAPPING_TARGETS.map((target) => (
                    <option key={target} value={target}>
                      {MAPPING_LABELS[target]}
                    </option>
                  ))}
                </select>
              </td>
            </tr>
          ))}
        </tbody>
      </table>

      <fieldset>
        <legend>Contacts you already have (the same email; without one, the same name and phone)</legend>
        <label>
          <input type="radio" name="onDuplicate" value="skip" defaultChecked={imported.onDuplicate === "skip"} /> Skip them: keep your
          contacts as they are
        </label>{" "}
        <label>
          <input type="radio" name="onDuplicate" value="update" defaultChecked={imported.onDuplicate === "update"} /> Update them with the
          file&apos;s values
        </label>
      </fieldset>

      <PreviewTable preview={preview} />

      <div className="actions">
        <SubmitButton name="intent" value="start" pendingLabel="Starting…" className="primary">
          Start import
        </SubmitButton>{" "}
        <button type="submit" name="intent" value="preview">
          Update preview
        </button>
      </div>
    </WriteForm>
  );
}

function PreviewTable({ preview }: { preview: Preview }) {
  if (preview.rows.length === 0) return <p className="empty">The file has no rows to import after its header.</p>;
  return (
    <table className="preview">
      <caption>The first {preview.rows.length} rows, as they would be imported</caption>
      <thead>
        <tr>
          <th scope="col">Row</th>
          <th scope="col">Name</th>
          <th scope="col">Email</th>
          <th scope="col">Company</th>
          <th scope="col">Phone</th>
          <th scope="col">Result</th>
        </tr>
      </thead>
      <tbody>
        {preview.rows.map((row) => (
          <tr key={row.record}>
            <td>{row.record}</td>
            {row.contact ? (
              <Fragment>
                <td>{row.contact.name}</td>
                <td>{row.contact.email ?? "—"}</td>
                <td>{row.contact.company ?? "—"}</td>
                <td>{row.contact.phone ?? "—"}</td>
                <td>{row.existing ? "Already in your contacts" : "New contact"}</td>
              </Fragment>
            ) : (
              <td colSpan={5} className="form-error">
                Rejected: {row.problem}
              </td>
            )}
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/** While it runs: a progress bar (by the bytes read of the file) and the counts so far. */
export function ImportProgress({ imported }: { imported: Import }) {
  const percent = imported.size ? Math.min(100, Math.round((imported.bytesDone / imported.size) * 100)) : 0;
  return (
    <div className="import-progress" role="status">
      <p>
        {imported.state === "queued" ? "The import is about to start." : "Importing…"} {imported.recordsDone.toLocaleString("en-US")} rows
        read so far: {countsText(imported)}. You can close this page: the import goes on.
      </p>
      <progress max={100} value={percent} aria-label="Import progress">
        {percent}%
      </progress>
    </div>
  );
}

/** When it has finished: the counts, the rejected rows' download, the way to the contacts. */
export function ImportResult({ imported }: { imported: Import }) {
  const { created, updated, skipped, rejected } = imported.counts;
  return (
    <div className="import-result">
      {imported.state === "failed" ? (
        <p className="form-error" role="alert">
          {imported.error ?? "The import stopped."} It is partial: the counts below are what was imported.
        </p>
      ) : (
        <p role="status">The import is done.</p>
      )}
      <dl className="details">
        <dt>Created</dt>
        <dd>{created.toLocaleString("en-US")}</dd>
        <dt>Updated</dt>
        <dd>{updated.toLocaleString("en-US")}</dd>
        <dt>Skipped (already there)</dt>
        <dd>{skipped.toLocaleString("en-US")}</dd>
        <dt>Rejected</dt>
        <dd>{rejected.toLocaleString("en-US")}</dd>
      </dl>
      <p className="actions">
        <Link to="/contacts" className="button primary">
          See your contacts
        </Link>{" "}
        {rejected ? (
          <a href={`/contacts/import/${imported.id}/rejected.csv`} className="button" download>
            Download the rejected rows (CSV)
          </a>
        ) : null}{" "}
        <Link to="/contacts/import" className="button">
          Import another file
        </Link>
      </p>
    </div>
  );
}
