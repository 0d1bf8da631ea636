import { getFormProps, type SubmissionResult } from "@conform-to/react";
import { Form } from "@remix-run/react";
import { Field } from "#app/components/field";
import { FormError, useSchemaForm } from "#app/components/form";
import { SubmitButton } from "#app/components/submit-button";
import { CONTACT_LIMITS, ContactFormSchema } from "./contact-schema";
import { SubmissionKey } from "#app/components/submission-key";
import { useDraft } from "#app/client/draft";
import { useRef } from "react";

export interface ContactFormValues {
  name: string;
  email: string;
  company: string | null;
  phone: string | null;
  notes: string | null;
}

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
}: {
  lastResult?: SubmissionResult<string[]> | null;
  defaultValue?: ContactFormValues;
  submitLabel: string;
  submissionKey: string;
  /** the contact's version when editing: the save applies only if it is still current */
  version?: number;
  /** the submission never got an answer (offline): say so, keep every typed value */
  networkFailure?: string | null;
  /** where this form's draft is kept in the tab (sessionStorage): "new", "edit:<id>" */
  draftKey: string;
}) {
  const formRef = useRef<HTMLFormElement>(null);
  const draft = useDraft(formRef, draftKey, version === undefined ? { submissionKey } : { submissionKey, version: String(version) });
  const { form, fields, firstInvalid } = useSchemaForm(ContactFormSchema, {
    lastResult,
    defaultValue: defaultValue && {
      ...defaultValue,
      company: defaultValue.company ?? "",
      phone: defaultValue.phone ?? "",
      notes: defaultValue.notes ?? "",
    },
  });

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
      {networkFailure ? (
        <p className="form-error" role="alert">
          {networkFailure}
        </p>
      ) : (
        <FormError form={form} />
      )}
      <SubmissionKey value={draft.hidden("submissionKey")!} />
      {version !== undefined ? <input type="hidden" name="version" value={draft.hidden("version")} /> : null}
      <Field meta={fields.name} label="Name" type="text" autoComplete="off" maxLength={CONTACT_LIMITS.name} autoFocus={firstInvalid === "name"} />
      <Field meta={fields.email} label="Email" type="email" autoComplete="off" maxLength={CONTACT_LIMITS.email} autoFocus={firstInvalid === "email"} />
      <Field meta={fields.company} label="Company" type="text" autoComplete="off" maxLength={CONTACT_LIMITS.company} autoFocus={firstInvalid === "company"} />
      <Field meta={fields.phone} label="Phone" type="tel" autoComplete="off" maxLength={CONTACT_LIMITS.phone} autoFocus={firstInvalid === "phone"} />
      <Field meta={fields.notes} label="Notes" type="textarea" maxLength={CONTACT_LIMITS.notes} autoFocus={firstInvalid === "notes"} />
      <div className="actions">
        <SubmitButton pendingLabel="Saving…" className="primary">
          {submitLabel}
        </SubmitButton>
      </div>
    </Form>
  );
}
