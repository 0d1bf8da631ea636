// What makes two contacts likely the same person (decision 0037), as keys
// stored beside the fields and indexed, so that /contacts/duplicates finds
// each kind with an index: the folded name (name_sort, the A-to-Z order's),
// the phone's digits, and the email as its provider reads it.
// migrations/2026-12-03T0200_duplicate_keys.ts has a frozen copy of both
// functions: a change here needs a migration that rewrites the keys.

/** The kinds of likely duplicates, as ?kind= names them: the same name, phone or email. */
export const DUPLICATE_KINDS = ["name", "phone", "email"] as const;
export type DuplicateKind = (typeof DUPLICATE_KINDS)[number];

/** Digits a phone key keeps: the end of the number, where a country code or trunk prefix cannot be. */
const PHONE_KEY_DIGITS = 9;

/**
 * A phone number's key: its digits without formatting, and without a
 * leading country code or trunk 0, by keeping the last 9 ("+44 20 7946 0000"
 * and "020 7946 0000" are both 079460000; "+1 (650) 555-0100" and
 * "650-555-0100" both 505550100). Null for fewer than 6 digits: too short
 * to say two people share it.
 */
export function phoneKey(phone: string | null): string | null {
  if (phone === null) return null;
  const digits = phone.replace(/\D/g, "");
  return digits.length < 6 ? null : digits.slice(-PHONE_KEY_DIGITS);
}

/** Providers that deliver a.b+tag@ to ab@: dots and tags ignored. */
const DOTS_AND_TAGS = new Set(["gmail.com", "googlemail.com"]);
/** Providers that deliver a+tag@ to a@: tags ignored, dots count. */
const TAGS = new Set(["outlook.com", "hotmail.com", "live.com", "icloud.com", "me.com", "fastmail.com", "proton.me", "protonmail.com"]);

/**
 * An email's key as its provider reads it: lower case, and where the
 * domain is known to ignore them, without dots (Gmail) and "+tags" in the
 * local part; googlemail.com is gmail.com. Null for no address, or for an
 * address whose key is the address itself (no other live contact can share
 * it: emails are unique per account).
 */
export function emailDedupeKey(email: string | null): string | null {
  if (email === null) return null;
  const at = email.lastIndexOf("@");
  if (at < 1) return null;
  let local = email.slice(0, at).normalize("NFC").toLowerCase();
  let domain = email
    .slice(at + 1)
    .normalize("NFC")
    .toLowerCase();
  if (!DOTS_AND_TAGS.has(domain) && !TAGS.has(domain)) return null;
  local = local.replace(/\+.*$/, "");
  if (DOTS_AND_TAGS.has(domain)) {
    local = local.replace(/\./g, "");
    domain = "gmail.com";
  }
  return local ? `${local}@${domain}` : null;
}
