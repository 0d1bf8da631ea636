import { getFormProps, type FieldMetadata, type FormMetadata, type SubmissionResult } from "@conform-to/react";
import { Form } from "@remix-run/react";
import type { ReactNode } from "react";
import { ChangeEmailSchema, ChangePasswordSchema, DeleteAccountSchema } from "#app/auth/auth-schema";
import { Field } from "#app/components/field";
import { FormError, useSchemaForm } from "#app/components/form";
import { SubmissionKey } from "#app/components/submission-key";
import { SubmitButton } from "#app/components/submit-button";

// The account page's three forms that need the current password, and the
// parts the reset and confirmation pages share with them. Each form is a
// plain POST form with its own intent and submission key; the page's one
// action answer goes to the form it came from (by its intent).

type Reply = SubmissionResult<string[]> | null | undefined;

/** `reply` if it answers the form with this intent, else nothing (the other forms stay clean). */
function replyFor(reply: Reply, intent: string): Reply {
  return reply?.initialValue?.intent === intent ? reply : undefined;
}

/** A password input: the current one (checked) or a new one (chosen, with the sign-up rules' hint). */
export function PasswordField({
  meta,
  label,
  isNew = false,
  hint,
  autoFocus,
}: {
  meta: FieldMetadata<string | null | undefined>;
  label: string;
  isNew?: boolean;
  hint?: string;
  autoFocus: boolean;
}) {
  return (
    <Field
      meta={meta}
      label={label}
      type="password"
      hint={isNew ? `At least 8 characters.${hint ? ` ${hint}` : ""}` : hint}
      autoComplete={isNew ? "new-password" : "current-password"}
      maxLength={128}
      autoFocus={autoFocus}
    />
  );
}

/** One of the page's forms: its intent, its key, its form-level error, its fields and its button. */
function IntentForm({
  intent,
  submissionKey,
  form,
  submit,
  pending,
  danger = false,
  children,
}: {
  intent: string;
  submissionKey: string;
  form: FormMetadata<any, string[]>;
  submit: string;
  pending: string;
  danger?: boolean;
  children: ReactNode;
}) {
  return (
    <Form method="post" {...getFormProps(form)} className="stack">
      <SubmissionKey value={submissionKey} />
      <input type="hidden" name="intent" value={intent} />
      <FormError form={form} />
      {children}
      <div className="actions">
        <SubmitButton pendingLabel={pending} className={danger ? "danger" : undefined} forFields={{ intent }}>
          {submit}
        </SubmitButton>
      </div>
    </Form>
  );
}

export function ChangePasswordForm({ reply, submissionKey }: { reply: Reply; submissionKey: string }) {
  const { form, fields, firstInvalid } = useSchemaForm(ChangePasswordSchema, { lastResult: replyFor(reply, "change-password") });
  return (
    <IntentForm intent="change-password" submissionKey={submissionKey} form={form} submit="Change password" pending="Changing…">
      <PasswordField meta={fields.currentPassword} label="Current password" autoFocus={firstInvalid === "currentPassword"} />
      <PasswordField
        meta={fields.newPassword}
        label="New password"
        isNew
        hint="Every other device is signed out."
        autoFocus={firstInvalid === "newPassword"}
      />
    </IntentForm>
  );
}

export function ChangeEmailForm({ reply, submissionKey }: { reply: Reply; submissionKey: string }) {
  const { form, fields, firstInvalid } = useSchemaForm(ChangeEmailSchema, { lastResult: replyFor(reply, "change-email") });
  return (
    <IntentForm intent="change-email" submissionKey={submissionKey} form={form} submit="Send confirmation link" pending="Sending…">
      <Field
        meta={fields.email}
        label="New email"
        type="email"
        hint="We send a link there; the address changes when you open it."
        autoComplete="email"
        maxLength={255}
        autoFocus={firstInvalid === "email"}
      />
      <PasswordField meta={fields.password} label="Current password" autoFocus={firstInvalid === "password"} />
    </IntentForm>
  );
}

export function DeleteAccountForm({ reply, submissionKey }: { reply: Reply; submissionKey: string }) {
  const { form, fields, firstInvalid } = useSchemaForm(DeleteAccountSchema, { lastResult: replyFor(reply, "delete-account") });
  const confirm = fields.confirm;
  return (
    <IntentForm intent="delete-account" submissionKey={submissionKey} form={form} submit="Delete my account" pending="Deleting…" danger>
      <PasswordField meta={fields.password} label="Current password" autoFocus={firstInvalid === "password"} />
      <div className="field">
        <label>
          <input
            type="checkbox"
            name={confirm.name}
            id={confirm.id}
            value="yes"
            required
            aria-invalid={confirm.errors?.length ? true : undefined}
            aria-describedby={confirm.errors?.length ? confirm.errorId : undefined}
            autoFocus={firstInvalid === "confirm"}
          />{" "}
          Delete my account and every contact, label and import in it, for good
        </label>
        <div id={confirm.errorId} className="field-error" aria-live="polite">
          {confirm.errors?.length ? confirm.errors[0] : null}
        </div>
      </div>
    </IntentForm>
  );
}

/** What a used, expired, superseded or unknown link opens (a 410): why, and where to get a new one. */
export function LinkGone({ rules, children }: { rules: string; children: ReactNode }) {
  return (
    <section className="narrow" aria-labelledby="link-gone-title">
      <h1 id="link-gone-title">This link no longer works</h1>
      <p>{rules}</p>
      {children}
    </section>
  );
}
