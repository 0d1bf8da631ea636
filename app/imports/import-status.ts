import { plural } from "#app/shared/text";
import type { Import } from "./imports.server";

// How an import's state reads on the pages (shared by the server render and the browser).

/** "2 created, 1 updated, 3 skipped, 1 rejected": the counts that are not zero, or "nothing imported". */
export function countsText({ counts }: Pick<Import, "counts">): string {
  const parts = [
    counts.created && `${counts.created.toLocaleString("en-US")} created`,
    counts.updated && `${counts.updated.toLocaleString("en-US")} updated`,
    counts.skipped && `${counts.skipped.toLocaleString("en-US")} skipped`,
    counts.rejected && `${counts.rejected.toLocaleString("en-US")} rejected`,
  ].filter(Boolean);
  return parts.length ? parts.join(", ") : "nothing imported";
}

/** One line for a list of imports. */
export function importStateLabel(entry: Pick<Import, "state" | "counts" | "recordsDone">): string {
  switch (entry.state) {
    case "review":
      return "Ready to review";
    case "queued":
      return "Waiting to start";
    case "running":
      return `Importing: ${plural(entry.recordsDone, "row")} read`;
    case "done":
      return `Done: ${countsText(entry)}`;
    case "failed":
      return `Stopped: ${countsText(entry)}`;
    default:
      return "Uploading";
  }
}
