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
}: {
  children: ReactNode;
  pendingLabel: string;
  action?: string;
  className?: string;
  /** a button of several on one form says which it is (intent) */
  name?: string;
  value?: string;
}) {
  const navigation = useNavigation();
  const path = useResolvedPath(action);
  const pending =
    navigation.state !== "idle" &&
    navigation.formMethod?.toUpperCase() === "POST" &&
    navigation.formAction?.split("?")[0] === path.pathname;
  return (
    <button type="submit" className={className} name={name} value={value} disabled={pending} aria-disabled={pending}>
      {pending ? pendingLabel : children}
    </button>
  );
}
