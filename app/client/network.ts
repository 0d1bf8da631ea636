import { isRouteErrorResponse, useActionData, type ClientActionFunctionArgs, type ShouldRevalidateFunction } from "@remix-run/react";

export const NETWORK_FAILURE = "Couldn't reach Cardfile. Your changes are kept — Try again.";

/**
 * A route's clientAction for forms on flaky networks: when the submission
 * never reaches the server or its answer never comes back (offline, dropped
 * connection), the form stays on screen with everything typed and a message,
 * instead of the error page. Answers from the server, errors included, pass
 * through unchanged. Without JavaScript the browser shows its own error page
 * and Back keeps the form.
 */
export async function keepFormOnNetworkFailure<T>(serverAction: () => Promise<T>): Promise<T | { networkFailure: string }> {
  try {
    return await serverAction();
  } catch (error) {
    if (error instanceof Response || isRouteErrorResponse(error)) throw error;
    if (isNetworkError(error)) return { networkFailure: NETWORK_FAILURE };
    throw error;
  }
}

/**
 * fetch rejects with a TypeError when the request or its answer is lost:
 * "Failed to fetch" (Chromium), "NetworkError when attempting to fetch
 * resource." (Firefox), "Load failed" (Safari). Other TypeErrors are bugs and
 * must not pass for a network failure.
 */
export function isNetworkError(error: unknown): boolean {
  return error instanceof TypeError && /failed to fetch|networkerror|load failed|network/i.test(error.message);
}

/**
 * After a lost submission, do not reload the page's data: the network is
 * likely still down, and a failed reload would replace the kept form with the
 * error page. (Used by the root and by routes with keepFormOnNetworkFailure.)
 */
export function lostSubmission(actionResult: unknown): boolean {
  return typeof actionResult === "object" && actionResult !== null && "networkFailure" in actionResult;
}

// The browser half of the write-action kit (app/http/write-action.server.ts).
// A write route exports these three as they are:
//   export const clientAction = clientWriteAction;
//   export const shouldRevalidate = revalidateUnlessLost;
// and its component reads the action's answer with useWriteResult<typeof action>().

/** A write route's clientAction: its server action, but a submission lost on the network keeps the form (keepFormOnNetworkFailure). */
export const clientWriteAction = ({ serverAction }: ClientActionFunctionArgs) => keepFormOnNetworkFailure(serverAction);

/** A write route's shouldRevalidate: no reload of the page's data after a lost submission (see lostSubmission). */
export const revalidateUnlessLost: ShouldRevalidateFunction = ({ actionResult, defaultShouldRevalidate }) =>
  !lostSubmission(actionResult) && defaultShouldRevalidate;

/**
 * The last answer of this route's action, split in two: `networkFailure`
 * (the message, when the submission never got an answer) or `result` (what
 * the server action answered: a form with errors, a conflict…).
 */
export function useWriteResult<Action extends (...args: never[]) => unknown>() {
  const actionData: unknown = useActionData<Action>();
  if (lostSubmission(actionData)) return { networkFailure: (actionData as { networkFailure: string }).networkFailure, result: undefined };
  return { networkFailure: null, result: actionData as ReturnType<typeof useActionData<Action>> };
}
