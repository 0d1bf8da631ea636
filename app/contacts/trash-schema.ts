import { pageAmong } from "#app/http/redirect";
import { z } from "#app/zod";

// The trash page's forms (/contacts/trash), one intent each: restore a
// contact, delete one for good (from its confirmation page), empty the trash
// (from its confirmation page, up to the latest deletion that page showed).

const id = z.string({ error: "No such contact" });

export const TrashFormSchema = z.discriminatedUnion("intent", [
  z.object({ intent: z.literal("restore"), id, returnTo: z.string().optional() }),
  z.object({ intent: z.literal("delete-forever"), id, returnTo: z.string().optional() }),
  z.object({
    intent: z.literal("empty"),
    upTo: z
      .string({ error: "This form is out of date. Open the trash and empty it again." })
      .regex(/^\d{1,15}$/, "This form is out of date. Open the trash and empty it again.")
      .transform(Number),
  }),
]);

export type TrashForm = z.output<typeof TrashFormSchema>;

/** The trash page a form was sent from (its cursor kept), or the trash's first page. */
export function trashRedirect(to: string | undefined): string {
  return pageAmong(to, [TRASH_PATH]) ?? TRASH_PATH;
}

export const TRASH_PATH = "/contacts/trash";

/** What the trash's pages say for a contact that is not in the caller's trash (restored, deleted for good, or never theirs). */
export const NOT_IN_TRASH_MESSAGE = "This contact is not in your trash. It may have been restored or deleted for good.";
