import { getFormProps, type SubmissionResult } from "@conform-to/react";
import { Form } from "@remix-run/react";
import type { ReactNode } from "react";
import { ChangeEmailSchema, ChangePasswordSchema, DeleteAccountSchema } from "#app/auth/auth-schema";
import { Field } from "#app/components/field";
import { FormError, useSchemaForm } from "#app/components/form";
import { SubmissionKey } from "#app/components/submission-key";
import { SubmitButton } from "#app/components/submit-button";

// The account page's three forms that need the current password. Each is a
// plain POST form with its own intent and submission key; the page's one
// action answer goes to the form it came from (by its intent).

type Reply = SubmissionResult<string[]> | null | undefined;

/** `reply` if it answers the form with this intent, else nothing (the other forms stay clean). */
function replyFor(reply: Reply, intent: string): Reply {
  return reply?.initialValue?.intent === intent ? reply : undefined;
}

function IntentForm({
  intent,
  submissionKey,
  formProps,
  children,
}: {
  intent: string;
  submissionKey: string;
  formProps: object;
  children: ReactNode;
}) {
  return (
    <Form method="post" {...formProps} className="stack">
      <SubmissionKey value={submissionKey} />
      <input type="hidden" name="intent" value={intent} />
      {children}
    </Form>
  );
}

export function ChangePasswordForm({ reply, submissionKey }: { reply: Reply; submissionKey: string }) {
  const { form, fields, firstInvalid } = useSchemaForm(ChangePasswordSchema, { lastResult: replyFor(reply, "change-password") });
  return (
    <IntentForm intent="change-password" submissionKey={submissionKey} formProps={getFormProps(form)}>
      <FormError form={form} />
      <Field
        meta={fields.currentPassword}
        label="Current password"
        type="password"
        autoComplete="current-password"
        maxLength={128}
        autoFocus={firstInvalid === "currentPassword"}
      />
      <Field
        meta={fields.newPassword}
        label="New password"
        type="password"
        hint="At least 8 characters. Every other device is signed out."
        autoComplete="new-password"
        maxLength={128}
        autoFocus={firstInvalid === "newPassword"}
      />
      <div className="actions">
        <SubmitButton pendingLabel="Changing…" forFields={{ intent: "change-password" }}>
          Change password
        </SubmitButton>
      </div>
    </IntentForm>
  );
}

export function ChangeEmailForm({ reply, submissionKey }: { reply: Reply; submissionKey: string }) {
  const { form, fields, firstInvalid } = useSchemaForm(ChangeEmailSchema, { lastResult: replyFor(reply, "change-email") });
  return (
    <IntentForm intent="change-email" submissionKey={submissionKey} formProps={getFormProps(form)}>
      <FormError form={form} />
      <Field
        meta={fields.email}
        label="New email"
        type="email"
        hint="We send a link there; the address changes when you open it."
        autoComplete="email"
        maxLength={255}
        autoFocus={firstInvalid === "email"}
      />
      <Field
        meta={fields.password}
        label="Current password"
        type="password"
        autoComplete="current-password"
        maxLength={128}
        autoFocus={firstInvalid === "password"}
      />
      <div className="actions">
        <SubmitButton pendingLabel="Sending…" forFields={{ intent: "change-email" }}>
          Send confirmation link
        </SubmitButton>
      </div>
    </IntentForm>
  );
}

export function DeleteAccountForm({ reply, submissionKey }: { reply: Reply; submissionKey: string }) {
  const { form, fields, firstInvalid } = useSchemaForm(DeleteAccountSchema, { lastResult: replyFor(reply, "delete-account") });
  const confirm = fields.confirm;
  return (
    <IntentForm intent="delete-account" submissionKey={submissionKey} formProps={getFormProps(form)}>
      <FormError form={form} />
      <Field
        meta={fields.password}
        label="Current password"
        type="password"
        autoComplete="current-password"
        maxLength={128}
        autoFocus={firstInvalid === "password"}
      />
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
      <div className="actions">
        <SubmitButton pendingLabel="Deleting…" className="danger" forFields={{ intent: "delete-account" }}>
          Delete my account
        </SubmitButton>
      </div>
    </IntentForm>
  );
}
