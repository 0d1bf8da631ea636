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
  return idOf(crypto.getRandomValues(new Uint8Array(16)));
}

/** Web Crypto fills at most 65,536 bytes a call. */
const IDS_PER_CALL = 4096;

/**
 * `count` new ids, as newId makes them, for a bulk insert: one call of the
 * random source per 4,096 ids, not one each (each call costs microseconds,
 * a tenth of an import's time once).
 */
export function newIds(count: number): string[] {
  const ids: string[] = [];
  for (let made = 0; made < count; made += IDS_PER_CALL) {
    const bytes = crypto.getRandomValues(new Uint8Array(16 * Math.min(IDS_PER_CALL, count - made)));
    for (let at = 0; at < bytes.length; at += 16) ids.push(idOf(bytes.subarray(at, at + 16)));
  }
  return ids;
}

function idOf(bytes: Uint8Array): string {
  return btoa(String.fromCharCode(...bytes))
    .replace(/\+/g, "-")
    .replace(/\//g, "_")
    .replace(/=+$/, "");
}
