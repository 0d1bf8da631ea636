import { useForm, type FormMetadata, type SubmissionResult } from "@conform-to/react";
import { getZodConstraint, parseWithZod } from "@conform-to/zod/v4";
import type { z } from "zod";

/**
 * conform's useForm, set up the way every Cardfile form works: the same zod
 * schema as the server, native validation attributes kept until hydration,
 * validation on submit and then as you type. Also names the first field the
 * server rejected, for `autoFocus` (without JavaScript nothing else moves focus).
 */
export function useSchemaForm<Schema extends z.ZodObject>(
  schema: Schema,
  {
    lastResult,
    defaultValue,
  }: { lastResult?: SubmissionResult<string[]> | null; defaultValue?: Record<string, string | string[] | undefined> },
) {
  const [form, fields] = useForm<z.input<Schema>, z.output<Schema>>({
    lastResult,
    defaultValue: defaultValue as never,
    constraint: getZodConstraint(schema),
    defaultNoValidate: false,
    shouldValidate: "onSubmit",
    shouldRevalidate: "onInput",
    onValidate: ({ formData }) => parseWithZod(formData, { schema }),
  });
  const firstInvalid = Object.keys(schema.shape).find((name) => lastResult?.error?.[name]?.length);
  return { form, fields, firstInvalid };
}

/** The form-level error ("Email or password is incorrect"), if any. */
export function FormError({ form }: { form: FormMetadata<any, string[]> }) {
  if (!form.errors?.length) return null;
  return (
    <p className="form-error" id={form.errorId} role="alert">
      {form.errors[0]}
    </p>
  );
}
