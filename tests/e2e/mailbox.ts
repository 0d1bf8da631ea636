import type { ParsedMail } from "mailparser";
import { inject } from "vitest";
import { readMailFolder } from "#tests/smtp-sink";

// What the shared e2e server has sent, as its SMTP server received it
// (tests/smtp-sink.ts, started by global-setup.ts). Every test signs up its
// own addresses, so a test reads only its own messages.

const mailDir = inject("mailDir");

/** Waits until `address` has received `count` messages (default 1) and returns them all, oldest first. */
export async function inbox(address: string, { count = 1, timeoutMs = 15_000 } = {}): Promise<ParsedMail[]> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const messages = await readMailFolder(mailDir, address);
    if (messages.length >= count) return messages;
    if (Date.now() > until) throw new Error(`${address} received ${messages.length} of ${count} messages within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** The one link of a message to `path` (its text body), as a path and query to visit on the server. */
export function linkIn(message: ParsedMail, path: string): { url: string; visit: string } {
  const match = (message.text ?? "").match(new RegExp(`https?://[^\\s/]+${path.replace(/[/.]/g, "\\$&")}\\?token=[A-Za-z0-9_-]+`));
  if (!match) throw new Error(`no ${path} link in "${message.subject}":\n${message.text}`);
  const url = new URL(match[0]);
  return { url: match[0], visit: `${url.pathname}${url.search}` };
}
