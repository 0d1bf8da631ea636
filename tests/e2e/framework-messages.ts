// What must never reach a client: the framework's own developer messages and
// stack traces (decision 0028). Remix 2 and React Router word them so; the
// app's pages say what happened in their own words.

export const FRAMEWORK_MESSAGES: readonly (string | RegExp)[] = [
  "did not provide an `action`", // a POST to a route without one
  "did not provide a `loader`", // a GET to a resource route without one
  "No route matches", // an URL no route matches
  "Unexpected Server Error", // what Remix puts in place of a hidden error
  "No result found for routeId",
  "Invalid request method",
  "ErrorResponseImpl",
  /\n\s*at (?:async )?(?:[\w$.<>[\]]+(?: \[as [\w$]+\])? \()?(?:file:\/\/|node:|\/)[^()\s]*:\d+:\d+/, // a stack frame
];

/** The framework messages in `text`, as they are listed above (empty: none). */
export function frameworkMessagesIn(text: string): string[] {
  return FRAMEWORK_MESSAGES.filter((m) => (typeof m === "string" ? text.includes(m) : m.test(text))).map(String);
}
