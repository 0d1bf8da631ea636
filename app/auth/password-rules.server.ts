// `?raw` inlines the file into the server bundle: a path relative to this
// module would not exist after the build (the app is bundled into one file).
// The list stays out of the browser because only this .server module imports it.
import commonPasswordList from "./common-passwords.txt?raw";

export const COMMON_PASSWORD_MESSAGE = "This password is too common. Choose one that is harder to guess.";
export const PASSWORD_IS_EMAIL_MESSAGE = "Your password must not be your email address.";

const COMMON_PASSWORDS: ReadonlySet<string> = new Set(
  commonPasswordList
    .split("\n")
    .map((line) => line.trim())
    .filter((line) => line !== "" && !line.startsWith("#")),
);

/** How many passwords the list holds (10,000); for tests. */
export const COMMON_PASSWORD_COUNT = COMMON_PASSWORDS.size;

// The same folding as the hash input (NFKC, see password.server.ts) plus
// lower case and trimming: "Password ", "PASSWORD" and "password" are one guess.
function fold(value: string): string {
  return value.normalize("NFKC").trim().toLowerCase();
}

/**
 * Why a new password is not acceptable for the account `email`, as a message
 * that says what to fix; null when it is fine. Length is the schema's job.
 */
export function newPasswordProblem(email: string, password: string): string | null {
  const folded = fold(password);
  if (folded === fold(email)) return PASSWORD_IS_EMAIL_MESSAGE;
  if (COMMON_PASSWORDS.has(folded)) return COMMON_PASSWORD_MESSAGE;
  return null;
}
