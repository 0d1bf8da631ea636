import { hasControlChars } from "#app/shared/text";
import { labelIdsField } from "#app/labels/label-schema";
import { z } from "#app/zod";
import { contactFields, type CONTACT_FIELDS, type ContactFieldDescriptor, type ContactFieldName } from "./contact-fields";

export { CONTACT_LIMITS } from "./contact-fields";

// The contact form's schemas, built from the field descriptors
// (contact-fields.ts): conform validates with them in the browser,
// parseWithZod on the server. Conform turns empty inputs into undefined, so
// `required` messages come from the base type's `error`.

function text(label: string, max: number, { multiline = false } = {}) {
  return z
    .string()
    .trim()
    .normalize("NFC")
    .max(max, `${label} must be at most ${max} characters`)
    .refine((v) => !hasControlChars(v, { newlines: multiline }), {
      message: `${label} contains characters that are not allowed`,
    });
}

function requiredText(label: string, max: number) {
  return z
    .string({ error: `${label} is required` })
    .trim()
    .min(1, `${label} is required`)
    .pipe(text(label, max));
}

/** An optional text field: blank (or only spaces) is stored as null. */
function optionalText(label: string, max: number, options?: { multiline?: boolean }) {
  return text(label, max, options)
    .optional()
    .transform((v) => (v ? v : null));
}

function email(label: string, max: number) {
  return z
    .string({ error: `${label} is required` })
    .trim()
    .max(max, `${label} must be at most ${max} characters`)
    .email(INVALID_EMAIL);
}

const INVALID_EMAIL = "Enter a valid email address, like ada@example.com";

/** An optional address: blank (or only spaces) is stored as null; anything else must be a valid address. */
function optionalEmail(label: string, max: number) {
  return z
    .string()
    .trim()
    .max(max, `${label} must be at most ${max} characters`)
    .refine((v) => v === "" || z.regexes.email.test(v), INVALID_EMAIL)
    .optional()
    .transform((v) => (v ? v : null));
}

type SchemaOf<F> = F extends { input: "email"; required: true }
  ? ReturnType<typeof email>
  : F extends { input: "email" }
    ? ReturnType<typeof optionalEmail>
    : F extends { required: true }
      ? ReturnType<typeof requiredText>
      : ReturnType<typeof optionalText>;

function schemaFor({ label, max, input, required }: ContactFieldDescriptor) {
  if (input === "email") return required ? email(label, max) : optionalEmail(label, max);
  return required ? requiredText(label, max) : optionalText(label, max, { multiline: input === "textarea" });
}

/** The new-contact form: one input per field. */
export const ContactFormSchema = z.object(
  Object.fromEntries(contactFields.map((field) => [field.name, schemaFor(field)])) as {
    [K in ContactFieldName]: SchemaOf<(typeof CONTACT_FIELDS)[K]>;
  },
);

export type ContactInput = z.output<typeof ContactFormSchema>;

/** The new-contact form: the fields, and the labels checked (their ids). */
export const NewContactSchema = ContactFormSchema.extend({ labels: labelIdsField });

export const STALE_FORM_MESSAGE = "This form is out of date. Reload the page and make your changes again.";

/**
 * The edit form: the fields, the labels, and the hidden `version` the form was opened at
 * (the save applies only while the contact is still at it: decision 0017).
 * A missing or malformed version cannot prove the form is current.
 */
export const ContactEditSchema = NewContactSchema.extend({
  /** the labels the contact had when the form was opened: the save applies what the user changed, not the whole set */
  labelsBefore: labelIdsField,
  version: z
    .string({ error: STALE_FORM_MESSAGE })
    .regex(/^[1-9]\d{0,9}$/, STALE_FORM_MESSAGE)
    .transform(Number),
});

export const DUPLICATE_EMAIL_MESSAGE = "You already have a contact with this email address";

/**
 * The delete and Undo forms: the list page they were sent from, to go back
 * to (listRedirect keeps it only if it is a list page on this site).
 */
export const ReturnToFormSchema = z.object({ returnTo: z.string().optional() });

/**
 * The star button's form: the state asked for ("1" star, "0" unstar: a
 * retry or a second tab sets the same state, where a toggle would undo it),
 * and the page it was sent from, to go back to.
 */
export const StarFormSchema = z.object({
  starred: z.enum(["1", "0"], { error: "This form is out of date. Reload the page and try again." }).transform((value) => value === "1"),
  returnTo: z.string().optional(),
});
