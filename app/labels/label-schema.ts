import { hasControlChars } from "#app/shared/text";
import { z } from "#app/zod";

// The /labels page's forms, one intent each: create a label, rename one,
// delete one (its contacts stay). Shared by the page and its action.

export const LABEL_NAME_MAX = 50;

/** A label's name: 1 to 50 characters, trimmed, no control characters (the form's, and an import's). */
export const labelName = z
  .string({ error: "Enter a name for the label" })
  .trim()
  .normalize("NFC")
  .min(1, "Enter a name for the label")
  .max(LABEL_NAME_MAX, `A label's name must be at most ${LABEL_NAME_MAX} characters`)
  .refine((value) => !hasControlChars(value), { message: "The name contains characters that are not allowed" });

const id = z.string({ error: "No such label" });

export const LabelFormSchema = z.discriminatedUnion("intent", [
  z.object({ intent: z.literal("create"), name: labelName }),
  z.object({ intent: z.literal("rename"), id, name: labelName }),
  z.object({ intent: z.literal("delete"), id }),
]);

export type LabelForm = z.output<typeof LabelFormSchema>;

export const DUPLICATE_LABEL_MESSAGE = "You already have a label with this name";

/**
 * A contact form's labels: one `labels` value per checked box, a label id.
 * Which ids are the user's is the server's to check (a stranger's is a 404).
 */
export const labelIdsField = z.array(z.string()).max(1000, "Choose fewer labels").default([]);

export const NO_SUCH_LABEL = "No such label";
