import type { SubmissionResult } from "@conform-to/react";
import { Link } from "@remix-run/react";
import { listHref } from "#app/contacts/list-params";
import { plural } from "#app/shared/text";
import { SubmitButton } from "#app/components/submit-button";
import { WriteForm } from "#app/components/write-form";
import { LABEL_NAME_MAX } from "./label-schema";
import type { Label } from "./labels.server";

// The /labels page's forms (app/routes/labels.tsx): plain POST forms, one
// intent each. A refused one (a name taken, too long) comes back with its
// error beside its own input and the name as typed.

/** What the action answered a refused form with: conform's reply (with the values sent). */
export type LabelFormResult = SubmissionResult<string[]> | undefined;

/** The refused form's error and typed name, if `result` is the answer to this form (intent, and label id for a rename). */
function answerFor(result: LabelFormResult, intent: string, id?: string) {
  const sent = result?.initialValue as Record<string, unknown> | undefined;
  if (!sent || sent.intent !== intent || (id !== undefined && sent.id !== id)) return null;
  const error = result?.error?.name?.[0] ?? result?.error?.id?.[0] ?? result?.error?.[""]?.[0] ?? null;
  return { error, name: typeof sent.name === "string" ? sent.name : "" };
}

function NameInput({ id, label, defaultValue, error }: { id: string; label: string; defaultValue: string; error: string | null }) {
  const errorId = `${id}-error`;
  return (
    <>
      <label htmlFor={id}>{label}</label>{" "}
      <input
        id={id}
        name="name"
        defaultValue={defaultValue}
        required
        maxLength={LABEL_NAME_MAX}
        aria-invalid={error ? true : undefined}
        aria-describedby={error ? errorId : undefined}
      />
      {error ? (
        <span id={errorId} className="field-error">
          {error}
        </span>
      ) : null}
    </>
  );
}

export function NewLabelForm({ submissionKey, result }: { submissionKey: string; result: LabelFormResult }) {
  const answer = answerFor(result, "create");
  return (
    <WriteForm submissionKey={submissionKey} className="label-form">
      <input type="hidden" name="intent" value="create" />
      <NameInput id="new-label" label="New label" defaultValue={answer?.name ?? ""} error={answer?.error ?? null} />{" "}
      <SubmitButton pendingLabel="Creating…" className="primary" forFields={{ intent: "create" }}>
        Create label
      </SubmitButton>
    </WriteForm>
  );
}

export function LabelRow({
  label,
  count,
  keys,
  result,
}: {
  label: Label;
  /** its contacts, not counting those in the trash */
  count: number;
  keys: { rename: string; delete: string };
  result: LabelFormResult;
}) {
  const answer = answerFor(result, "rename", label.id);
  return (
    <li>
      <Link to={listHref({ label: label.id })} className="label-count">
        {`${label.name}: ${plural(count, "contact")}`}
      </Link>{" "}
      <WriteForm submissionKey={keys.rename} className="label-form">
        <input type="hidden" name="intent" value="rename" />
        <input type="hidden" name="id" value={label.id} />
        <NameInput
          id={`label-${label.id}`}
          label={`Name of ${label.name}`}
          defaultValue={answer?.name ?? label.name}
          error={answer?.error ?? null}
        />{" "}
        <SubmitButton pendingLabel="Renaming…" forFields={{ intent: "rename", id: label.id }} label={`Rename ${label.name}`}>
          Rename
        </SubmitButton>
      </WriteForm>{" "}
      <WriteForm submissionKey={keys.delete} className="label-form">
        <input type="hidden" name="intent" value="delete" />
        <input type="hidden" name="id" value={label.id} />
        <SubmitButton
          pendingLabel="Deleting…"
          className="link-button danger"
          forFields={{ intent: "delete", id: label.id }}
          label={`Delete ${label.name}`}
        >
          Delete
        </SubmitButton>
      </WriteForm>
    </li>
  );
}
