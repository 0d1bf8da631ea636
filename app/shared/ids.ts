// Ids for rows and one-time keys, the same on the server and in the browser
// (Web Crypto is in both): 128 random bits, URL-safe, 22 characters.
// Unguessable, unlike a counter (docs/decisions/0006-random-ids.md).

/** What every id and submission key looks like. */
export const ID_PATTERN = /^[A-Za-z0-9_-]{22}$/;

/** `value` is an id (or key) in form, whatever it names. */
export function isId(value: unknown): value is string {
  return typeof value === "string" && ID_PATTERN.test(value);
}

/** 16 random bytes, base64url without padding. */
export function newId(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return btoa(String.fromCharCode(...bytes))
    .replace(/\+/g, "-")
    .replace(/\//g, "_")
    .replace(/=+$/, "");
}
