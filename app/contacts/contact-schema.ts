import { hasControlChars } from "#app/shared/text";
import { z } from "#app/zod";

// One schema for the contact form: conform validates with it in the browser,
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

/** An optional text field: blank (or only spaces) is stored as null. */
function optionalText(label: string, max: number, options?: { multiline?: boolean }) {
  return text(label, max, options)
    .optional()
    .transform((v) => (v ? v : null));
}

export const CONTACT_LIMITS = { name: 100, email: 255, company: 100, phone: 20, notes: 500 } as const;

export const ContactFormSchema = z.object({
  name: z
    .string({ error: "Name is required" })
    .trim()
    .min(1, "Name is required")
    .pipe(text("Name", CONTACT_LIMITS.name)),
  email: z
    .string({ error: "Email is required" })
    .trim()
    .max(CONTACT_LIMITS.email, `Email must be at most ${CONTACT_LIMITS.email} characters`)
    .email("Enter a valid email address, like ada@example.com"),
  company: optionalText("Company", CONTACT_LIMITS.company),
  phone: optionalText("Phone", CONTACT_LIMITS.phone),
  notes: optionalText("Notes", CONTACT_LIMITS.notes, { multiline: true }),
});

export type ContactInput = z.output<typeof ContactFormSchema>;

export const DUPLICATE_EMAIL_MESSAGE = "You already have a contact with this email address";
