import { Link } from "@remix-run/react";
import type { ReactNode } from "react";
import { SubmissionKey } from "#app/components/submission-key";
import type { Label } from "#app/labels/labels.server";
import { listHref, type ListParams } from "./list-params";

// The list's bulk form (decision 0036): what to do with the checked
// contacts, or with every contact matching the list, above the rows, which
// are inside it (`children`) with their checkboxes. A plain form: it works
// without JavaScript, in a text browser too; its Export and Merge buttons
// are GETs with the checked ids, and a row's star button sends it to the
// star's route (contact-rows.tsx).

export function BulkBar({
  params,
  labels,
  submissionKey,
  returnTo,
  allMatching,
  children,
}: {
  params: ListParams;
  labels: readonly Label[];
  submissionKey: string;
  returnTo: string;
  /** how many contacts match the list ("1,234 contacts"), when the user chose them all (?select=all); null otherwise */
  allMatching: string | null;
  /** the list's rows */
  children: ReactNode;
}) {
  const list = listHref(params);
  return (
    <form id="bulk" method="post" action="/contacts/bulk">
      <SubmissionKey value={submissionKey} />
      <input type="hidden" name="returnTo" value={returnTo} />
      {/* The list's filters: what "every contact matching" means. */}
      <input type="hidden" name="list" value={list} />
      <div className="bulk" role="group" aria-label="With the selected contacts">
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
      </div>
      {children}
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
