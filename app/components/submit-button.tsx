import { useNavigation, useResolvedPath } from "@remix-run/react";
import type { ReactNode } from "react";

/**
 * A submit button that says what is happening ("Saving…") and cannot be
 * clicked again while its form's submission is under way.
 */
export function SubmitButton({
  children,
  pendingLabel,
  action = ".",
  className,
  name,
  value,
  forFields,
  label,
}: {
  children: ReactNode;
  pendingLabel: string;
  action?: string;
  className?: string;
  /** a button of several on one form says which it is (intent) */
  name?: string;
  value?: string;
  /** for one of several forms to one action (a list's rows): pending only when the submission carries these fields */
  forFields?: Record<string, string>;
  /** its accessible name, when its text alone does not say which of several it is */
  label?: string;
}) {
  const navigation = useNavigation();
  const path = useResolvedPath(action);
  const pending =
    navigation.state !== "idle" &&
    navigation.formMethod?.toUpperCase() === "POST" &&
    navigation.formAction?.split("?")[0] === path.pathname &&
    Object.entries(forFields ?? {}).every(([field, expected]) => navigation.formData?.get(field) === expected);
  return (
    <button type="submit" className={className} name={name} value={value} disabled={pending} aria-disabled={pending} aria-label={label}>
      {pending ? pendingLabel : children}
    </button>
  );
}
