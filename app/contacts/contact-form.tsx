import { getFormProps, type SubmissionResult } from "@conform-to/react";
import { Form } from "@remix-run/react";
import { Field } from "~/components/field";
import { FormError, useSchemaForm } from "~/components/form";
import { SubmitButton } from "~/components/submit-button";
import { CONTACT_LIMITS, ContactFormSchema } from "./contact-schema";
import { SubmissionKey } from "~/components/submission-key";

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
}: {
  lastResult?: SubmissionResult<string[]> | null;
  defaultValue?: ContactFormValues;
  submitLabel: string;
  submissionKey: string;
  /** the contact's version when editing: the save applies only if it is still current */
  version?: number;
  /** the submission never got an answer (offline): say so, keep every typed value */
  networkFailure?: string | null;
}) {
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
    <Form method="post" {...getFormProps(form)} className="stack">
      {networkFailure ? (
        <p className="form-error" role="alert">
          {networkFailure}
        </p>
      ) : (
        <FormError form={form} />
      )}
      <SubmissionKey value={submissionKey} />
      {version !== undefined ? <input type="hidden" name="version" value={version} /> : null}
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
