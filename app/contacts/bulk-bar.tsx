import { Link } from "@remix-run/react";
import { SubmissionKey } from "#app/components/submission-key";
import type { Label } from "#app/labels/labels.server";
import { BULK_FORM_ID, listHref, type ListParams } from "./list-params";

// The list's bulk form (decision 0036), above the rows: what to do with the
// checked contacts (each row's checkbox belongs to this form through its
// form attribute, so the rows keep their own star forms), or with every
// contact matching the list. A plain form: it works without JavaScript,
// and its Export buttons are GETs of the export with the checked ids.

export function BulkBar({
  params,
  labels,
  submissionKey,
  returnTo,
  allMatching,
}: {
  params: ListParams;
  labels: readonly Label[];
  submissionKey: string;
  returnTo: string;
  /** how many contacts match the list ("1,234 contacts"), when the user chose them all (?select=all); null otherwise */
  allMatching: string | null;
}) {
  const { q, starred, label } = params;
  const list = listHref(params);
  return (
    <form id={BULK_FORM_ID} method="post" action="/contacts/bulk" className="bulk" aria-label="With the selected contacts">
      <SubmissionKey value={submissionKey} />
      <input type="hidden" name="returnTo" value={returnTo} />
      {/* The list's filters: what "every contact matching" means. */}
      {q ? <input type="hidden" name="q" value={q} /> : null}
      {starred ? <input type="hidden" name="starred" value="1" /> : null}
      {label ? <input type="hidden" name="label" value={label} /> : null}
      {allMatching !== null ? (
        <p className="bulk-scope" role="status">
          <input type="hidden" name="scope" value="matching" />
          {`All ${allMatching} matching this list are selected. `}
          <Link to={list}>Select only some</Link>
        </p>
      ) : (
        <p className="bulk-scope">
          {"Check contacts below, or "}
          <Link to={`${list}${list.includes("?") ? "&" : "?"}select=all`}>select every contact matching this list</Link>
          {", then:"}
        </p>
      )}
      <div className="bulk-actions">
        {action("star", "Star")}
        {action("unstar", "Unstar")}
        {labels.length ? (
          <>
            <label htmlFor="bulk-label">Label</label>{" "}
            <select id="bulk-label" name="labelId" defaultValue="">
              <option value="">Choose a label</option>
              {labels.map((l) => (
                <option key={l.id} value={l.id}>
                  {l.name}
                </option>
              ))}
            </select>{" "}
            {action("add-label", "Add label")}
            {action("remove-label", "Remove label")}
          </>
        ) : null}
        {action("delete", "Delete")}
        {allMatching === null ? (
          <>
            <button type="submit" formMethod="get" formAction="/contacts/merge">
              Merge
            </button>{" "}
          </>
        ) : null}
        {"· Export: "}
        {exportAs("csv", "CSV")}
        {exportAs("vcf", "vCard")}
      </div>
    </form>
  );
}

/** A button of the bulk form, and a space after it (text browsers run buttons together). */
function action(value: string, text: string) {
  return (
    <>
      <button type="submit" name="action" value={value}>
        {text}
      </button>{" "}
    </>
  );
}

/** An Export button: a GET of the export with the checked ids (or every contact matching). */
function exportAs(extension: "csv" | "vcf", text: string) {
  return (
    <>
      <button type="submit" formMethod="get" formAction={`/contacts/export.${extension}`} name="export" value="selected">
        {text}
      </button>{" "}
    </>
  );
}
