import { getFormProps, type SubmissionResult } from "@conform-to/react";
import { Form } from "@remix-run/react";
import { Field } from "#app/components/field";
import { FormError, useSchemaForm } from "#app/components/form";
import { SubmitButton } from "#app/components/submit-button";
import { NewContactSchema } from "./contact-schema";
import { SubmissionKey } from "#app/components/submission-key";
import { useDraft } from "#app/client/draft";
import { useRef } from "react";
import { LabelChoices } from "#app/labels/label-choices";
import type { Label } from "#app/labels/labels.server";
import { CONTACT_FIELD_NAMES, contactFields, type ContactFields } from "./contact-fields";

/**
 * The create and edit form. Without JavaScript it is a plain POST form with
 * native validation attributes; with JavaScript conform validates with the same
 * zod schema as the server, as you type after the first submit.
 */
export function ContactForm({
  lastResult,
  defaultValue,
  submitLabel,
  submissionKey,
  version,
  networkFailure,
  draftKey,
  labels,
  labelIds = [],
  labelsBefore = labelIds,
}: {
  lastResult?: SubmissionResult<string[]> | null;
  defaultValue?: ContactFields;
  submitLabel: string;
  submissionKey: string;
  /** the contact's version when editing: the save applies only if it is still current */
  version?: number;
  /** the submission never got an answer (offline): say so, keep every typed value */
  networkFailure?: string | null;
  /** where this form's draft is kept in the tab (sessionStorage): "new", "edit:<id>" */
  draftKey: string;
  /** the user's labels, a checkbox each */
  labels: readonly Label[];
  /** the labels the contact has (edit) */
  labelIds?: readonly string[];
  /** the labels the save compares the checked ones with (edit): the contact's when the form was opened */
  labelsBefore?: readonly string[];
}) {
  const formRef = useRef<HTMLFormElement>(null);
  const draft = useDraft(formRef, draftKey, version === undefined ? { submissionKey } : { submissionKey, version: String(version) });
  const { form, fields, firstInvalid } = useSchemaForm(NewContactSchema, {
    lastResult,
    defaultValue: {
      ...(defaultValue && Object.fromEntries(CONTACT_FIELD_NAMES.map((name) => [name, defaultValue[name] ?? ""]))),
      labels: [...labelIds],
    },
  });
  // A stale or missing version (edit form) is about the whole form, not a field.
  const staleForm = lastResult?.error?.version?.[0];

  return (
    <Form method="post" {...getFormProps(form)} ref={formRef} onInput={draft.save} className="stack">
      {draft.restored ? (
        <p className="draft-notice" role="status">
          Restored what you typed before the page was reloaded.{" "}
          <button type="button" className="link-button" onClick={draft.discard}>
            Discard it
          </button>
        </p>
      ) : null}
      {networkFailure || staleForm ? (
        <p className="form-error" role="alert">
          {networkFailure ?? staleForm}
        </p>
      ) : (
        <FormError form={form} />
      )}
      <SubmissionKey value={draft.hidden("submissionKey")!} />
      {version !== undefined ? <input type="hidden" name="version" value={draft.hidden("version")} /> : null}
      {version !== undefined ? labelsBefore.map((id) => <input key={id} type="hidden" name="labelsBefore" value={id} />) : null}
      {contactFields.map((field) => (
        <Field
          key={field.name}
          meta={fields[field.name]}
          label={field.label}
          type={field.input}
          autoComplete={field.input === "textarea" ? undefined : "off"}
          maxLength={field.max}
          autoFocus={firstInvalid === field.name}
        />
      ))}
      <LabelChoices labels={labels} meta={fields.labels} />
      <div className="actions">
        <SubmitButton pendingLabel="Saving…" className="primary">
          {submitLabel}
        </SubmitButton>
      </div>
    </Form>
  );
}
