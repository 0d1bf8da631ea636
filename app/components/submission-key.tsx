/**
 * The hidden one-time key of a form that writes (see
 * app/submissions/submission-keys.server.ts): the loader makes one per render, and the
 * action answers a repeat of it with the first answer instead of writing twice.
 */
export function SubmissionKey({ value }: { value: string }) {
  return <input type="hidden" name="submissionKey" value={value} />;
}
