import { isRouteErrorResponse } from "@remix-run/react";

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
