// What the delete page and the list's optimistic Delete say when a delete
// did not go through (the delete route's clientAction answers).

export const ALREADY_DELETED = "This contact was already deleted.";

export type DeleteOutcome = { networkFailure: string } | { gone: string } | { error: string } | undefined | null;

/** The message for a refused or lost delete; null when there is nothing to say. */
export function deleteProblem(result: DeleteOutcome): string | null {
  if (!result) return null;
  if ("networkFailure" in result) return "Couldn't reach Cardfile to delete this contact. Try again.";
  if ("gone" in result) return result.gone;
  if ("error" in result) return result.error;
  return null;
}
