import type { FieldMetadata } from "@conform-to/react";
import { Link } from "@remix-run/react";
import type { Label } from "./labels.server";

/**
 * A contact form's labels: a checkbox per label of the user's (field
 * `labels`, one value per label id), checked as the contact has them or as
 * the last submission had them. Without labels, a link to make some.
 */
export function LabelChoices({ labels, meta }: { labels: readonly Label[]; meta: FieldMetadata<string[]> }) {
  if (labels.length === 0) {
    return (
      <p className="hint">
        Labels group contacts (Family, Work…). <Link to="/labels">Create labels</Link> to use them here.
      </p>
    );
  }
  const chosen = new Set([meta.initialValue ?? []].flat());
  return (
    <fieldset className="label-choices">
      <legend>Labels</legend>
      {labels.map((label) => (
        <label key={label.id}>
          <input type="checkbox" name={meta.name} value={label.id} defaultChecked={chosen.has(label.id)} key={meta.key} /> {label.name}
        </label>
      ))}
    </fieldset>
  );
}
