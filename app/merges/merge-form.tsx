import { Link } from "@remix-run/react";
import { formatDate } from "#app/client/format";
import { SubmitButton } from "#app/components/submit-button";
import { WriteForm } from "#app/components/write-form";
import type { ContactFieldName } from "#app/contacts/contact-fields";
import { plural } from "#app/shared/text";
import { COMBINED, mergeHref, type FieldPlan, type MergeMember, type MergeView } from "./merge-plan";

// The merge page's form (decision 0037): the group side by side, a column
// per contact (the kept one first), a row per field with a radio in each
// contact's cell (its value, or "—"), checked at the default or at what the
// user chose before a conflict. A plain POST form: no JavaScript needed.

export function MergeForm({
  view,
  submissionKey,
  returnTo,
  choices,
  errors,
  problem,
}: {
  view: MergeView;
  submissionKey: string;
  returnTo: string;
  /** what the user chose (the form before a conflict), where it still names a member */
  choices: Partial<Record<ContactFieldName, string>>;
  /** a field's error from the server */
  errors: Partial<Record<string, string[] | null>>;
  problem: string | null;
}) {
  const { members, plan, labels, starred } = view;
  const [kept, ...others] = members as [MergeMember, ...MergeMember[]];
  const chosen = (field: FieldPlan) => {
    const choice = choices[field.name];
    const valid = choice !== undefined && (members.some((m) => m.id === choice) || (choice === COMBINED && field.combined?.fits));
    return valid ? choice : field.defaultChoice;
  };
  return (
    <WriteForm submissionKey={submissionKey} problem={problem} className="merge-form">
      {members.map((member) => (
        <input key={member.id} type="hidden" name="contacts" value={`${member.id}:${member.version}`} />
      ))}
      <input type="hidden" name="returnTo" value={returnTo} />
      <p>
        {`Cardfile keeps ${kept.name}, the one changed most recently, with the values you choose below and every contact's labels; `}
        {`the other ${others.length === 1 ? "one moves" : `${others.length} move`} to the trash. You can undo the merge for 10 minutes.`}
      </p>
      <table className="merge">
        <caption>{`Merging ${plural(members.length, "contact")}: choose a value for each field`}</caption>
        <thead>
          <tr>
            <td />
            {members.map((member, i) => (
              <th key={member.id} scope="col" className={i === 0 ? "kept" : undefined}>
                <Link to={`/contacts/${member.id}`}>{member.name}</Link>
                <br />
                <span className="hint">
                  {i === 0 ? <strong>Kept</strong> : "To the trash"}
                  {" · changed "}
                  <time dateTime={member.updatedAt}>{formatDate(member.updatedAt)}</time>
                </span>
                {members.length > 2 ? (
                  <>
                    <br />
                    <Link
                      to={mergeHref(
                        members.filter((m) => m.id !== member.id).map((m) => m.id),
                        returnTo,
                      )}
                      aria-label={`Leave ${member.name} out of the merge`}
                    >
                      Leave out
                    </Link>
                  </>
                ) : null}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {plan.map((field) => (
            <FieldRows key={field.name} field={field} members={members} chosen={chosen(field)} errors={errors[field.name] ?? null} />
          ))}
          <tr>
            <th scope="row">Labels</th>
            <td colSpan={members.length}>{labels.length ? labels.map((label) => label.name).join(", ") : "—"}</td>
          </tr>
          <tr>
            <th scope="row">Starred</th>
            <td colSpan={members.length}>{starred ? "Yes" : "No"}</td>
          </tr>
        </tbody>
      </table>
      <p className="actions">
        <SubmitButton pendingLabel="Merging…" className="primary">{`Merge ${plural(members.length, "contact")}`}</SubmitButton>
      </p>
    </WriteForm>
  );
}

/** A field's row: its value once if every contact has it, else a radio in each contact's cell; notes add the combined choice. */
function FieldRows({
  field,
  members,
  chosen,
  errors,
}: {
  field: FieldPlan;
  members: MergeMember[];
  chosen: string;
  errors: string[] | null;
}) {
  const errorId = `merge-${field.name}-error`;
  const valueOf = (member: MergeMember) => member[field.name] ?? "—";
  const cell = field.input === "textarea" ? "multiline" : undefined;
  return (
    <>
      <tr>
        <th scope="row" id={`merge-${field.name}`}>
          {field.label}
        </th>
        {field.same ? (
          <td colSpan={members.length} className={cell}>
            {valueOf(members[0]!)}
          </td>
        ) : (
          members.map((member) => (
            <td key={member.id} className={cell}>
              <label>
                <input
                  type="radio"
                  name={field.name}
                  value={member.id}
                  defaultChecked={chosen === member.id}
                  aria-describedby={errors ? errorId : undefined}
                  aria-label={`${field.label}: ${member[field.name] ?? "none"} (${member.name})`}
                />{" "}
                {valueOf(member)}
              </label>
            </td>
          ))
        )}
      </tr>
      {field.combined ? (
        <tr>
          <td />
          <td colSpan={members.length} className="multiline">
            <label>
              <input
                type="radio"
                name={field.name}
                value={COMBINED}
                defaultChecked={chosen === COMBINED}
                disabled={!field.combined.fits}
                aria-describedby={errors ? errorId : undefined}
              />{" "}
              <strong>{`All of them${field.combined.fits ? "" : ` (too long: over ${field.max} characters)`}:`}</strong>
              {"\n"}
              {field.combined.value}
            </label>
          </td>
        </tr>
      ) : null}
      {errors ? (
        <tr>
          <td />
          <td colSpan={members.length}>
            <p className="field-error" id={errorId}>
              {errors.join(" ")}
            </p>
          </td>
        </tr>
      ) : null}
    </>
  );
}
