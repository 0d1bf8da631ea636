import { z } from "#app/zod";

// The list's bulk form (decision 0036): the rows' checkboxes (`ids`, one
// value per contact), what to do, the label for a label's action, and whether
// it is about the checked contacts or every contact matching the list (its
// filters come along in `list`: the list's URL, whose q, starred and label
// say what "matching" is). And the Undo of a bulk delete. The form holds the
// list's rows too, so that its checkboxes are inside it (a text browser
// knows no form attribute): a row's star button sends it to the star's route.

/** What the bulk form's buttons do (their name="action" values, bulk-bar.tsx). */
export const BULK_ACTIONS = ["star", "unstar", "add-label", "remove-label", "delete"] as const;

/** The most contacts one form may name (a page shows 50). */
export const MAX_BULK_IDS = 500;

/** The bulk form's name for its page key (submission-keys.server.ts pageKey). */
export const BULK_FORM = "contact:bulk";

export const UNREADABLE = "This form could not be read. Reload the page and try again.";
export const NOTHING_SELECTED = "Select at least one contact, then choose what to do with them.";
export const NO_LABEL_CHOSEN = "Choose the label to add or remove.";

export const BulkFormSchema = z.discriminatedUnion("action", [
  z.object({
    action: z.enum(BULK_ACTIONS),
    ids: z.array(z.string()).max(MAX_BULK_IDS, `Select at most ${MAX_BULK_IDS} contacts, or every contact matching the list`).default([]),
    labelId: z.string().optional(),
    /** "matching": every contact matching the list's filters, not only the checked ones */
    scope: z.enum(["selected", "matching"]).default("selected"),
    /** the list's URL (listHref): its filters are what "every contact matching" means */
    list: z.string().max(2000).optional(),
    returnTo: z.string().optional(),
  }),
  z.object({
    action: z.literal("undo-delete"),
    /** the bulk delete's time, which every contact it deleted carries */
    deletedAt: z
      .string()
      .regex(/^\d{1,15}$/)
      .transform(Number),
    returnTo: z.string().optional(),
  }),
]);

export type BulkForm = z.output<typeof BulkFormSchema>;
