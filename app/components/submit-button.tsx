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
}: {
  children: ReactNode;
  pendingLabel: string;
  action?: string;
  className?: string;
}) {
  const navigation = useNavigation();
  const path = useResolvedPath(action);
  const pending =
    navigation.state !== "idle" &&
    navigation.formMethod?.toUpperCase() === "POST" &&
    navigation.formAction?.split("?")[0] === path.pathname;
  return (
    <button type="submit" className={className} disabled={pending} aria-disabled={pending}>
      {pending ? pendingLabel : children}
    </button>
  );
}
