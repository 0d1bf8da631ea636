import { getFormProps, useForm, type SubmissionResult } from "@conform-to/react";
import { getZodConstraint, parseWithZod } from "@conform-to/zod/v4";
import { Form } from "@remix-run/react";
import type { ReactNode } from "react";
import type { z } from "zod";
import { Field } from "~/components/field";
import { SubmitButton } from "~/components/submit-button";
import { LoginSchema, SignupSchema } from "./auth-schema";

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
  const [form, fields] = useForm<z.input<typeof SignupSchema>>({
    lastResult,
    constraint: getZodConstraint(schema),
    // Keep native validation (required, maxlength, type=email) until hydration.
    defaultNoValidate: false,
    shouldValidate: "onSubmit",
    shouldRevalidate: "onInput",
    onValidate: ({ formData }) => parseWithZod(formData, { schema }),
  });
  const firstInvalid = (["email", "password"] as const).find((name) => lastResult?.error?.[name]?.length);
  return (
    <Form method="post" {...getFormProps(form)} className="stack">
      {form.errors?.length ? (
        <p className="form-error" id={form.errorId} role="alert">
          {form.errors[0]}
        </p>
      ) : null}
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
