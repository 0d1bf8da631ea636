/**
 * The hidden one-time key of a form that writes (see
 * app/http/submissions.server.ts): the loader makes one per render, and the
 * action answers a repeat of it with the first answer instead of writing twice.
 */
export function SubmissionKey({ value }: { value: string }) {
  return <input type="hidden" name="submissionKey" value={value} />;
}

/**
 * A key made in the browser, for a write sent by script without a rendered
 * form (an optimistic delete from the list). Same shape as the server's: 16
 * random bytes, base64url. Keep it for retries of the same intent.
 */
export function newClientSubmissionKey(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return btoa(String.fromCharCode(...bytes)).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}
