import { getInputProps, getTextareaProps, type FieldMetadata } from "@conform-to/react";

type FieldProps = {
  meta: FieldMetadata<string | null | undefined>;
  label: string;
  hint?: string;
  autoFocus?: boolean;
  maxLength?: number;
  type: "text" | "email" | "tel" | "password" | "textarea";
  autoComplete?: string;
};

/**
 * A labelled input with its error beside it. conform supplies name, id,
 * required, aria-invalid and aria-describedby; the error list's id is the one
 * aria-describedby points at, so screen readers read the error with the field.
 * The space after the label is for text browsers (w3m ran "Name[   ]"
 * together); the label is a block, so it takes no room on screen.
 */
export function Field({ meta, label, hint, type, autoComplete, autoFocus, maxLength }: FieldProps) {
  const errorId = meta.errorId;
  const common = { autoComplete, autoFocus, maxLength };
  return (
    <div className="field">
      <label htmlFor={meta.id}>
        {label}
        {meta.required ? null : <span className="optional"> (optional)</span>}
      </label>{" "}
      {hint ? <p className="hint">{hint}</p> : null}
      {type === "textarea" ? (
        <textarea {...getTextareaProps(meta)} {...common} rows={4} />
      ) : (
        <input {...getInputProps(meta, { type })} {...common} />
      )}
      <div id={errorId} className="field-error" aria-live="polite">
        {meta.errors?.length ? meta.errors[0] : null}
      </div>
    </div>
  );
}
