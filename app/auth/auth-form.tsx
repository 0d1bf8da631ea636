import { getFormProps, type SubmissionResult } from "@conform-to/react";
import { Form } from "@remix-run/react";
import type { ReactNode } from "react";
import { Field } from "#app/components/field";
import { FormError, useSchemaForm } from "#app/components/form";
import { SubmitButton } from "#app/components/submit-button";
import type { LoginSchema, SignupSchema } from "./auth-schema";

/** The email-and-password form of the log-in and sign-up pages. */
export function AuthForm({
  schema,
  lastResult,
  submitLabel,
  pendingLabel,
  newPassword,
  hidden,
}: {
  schema: typeof LoginSchema | typeof SignupSchema;
  lastResult?: SubmissionResult<string[]> | null;
  submitLabel: string;
  pendingLabel: string;
  newPassword?: boolean;
  hidden?: ReactNode;
}) {
  const { form, fields, firstInvalid } = useSchemaForm(schema, { lastResult });
  return (
    <Form method="post" {...getFormProps(form)} className="stack">
      <FormError form={form} />
      {hidden}
      <Field meta={fields.email} label="Email" type="email" autoComplete="email" maxLength={255} autoFocus={firstInvalid === "email"} />
      <Field
        meta={fields.password}
        label="Password"
        type="password"
        hint={newPassword ? "At least 8 characters." : undefined}
        autoComplete={newPassword ? "new-password" : "current-password"}
        maxLength={128}
        autoFocus={firstInvalid === "password"}
      />
      <div className="actions">
        <SubmitButton pendingLabel={pendingLabel} className="primary">
          {submitLabel}
        </SubmitButton>
      </div>
    </Form>
  );
}
