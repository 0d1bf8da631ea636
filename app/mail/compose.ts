// A message's two bodies from one description: plain text, and HTML that
// reads the same with images off (there are none) and in any client (inline
// styles only, no external resources). Pure; unit-tested in compose.test.ts.

export interface MessageBody {
  text: string;
  html: string;
}

export interface MessageParts {
  /** the opening line ("Hello,") */
  greeting: string;
  /** paragraphs before the button */
  lead: string[];
  /** the one link the message is for, shown as a button and as the URL itself */
  action?: { label: string; url: string };
  /** paragraphs after it (how long the link works, what to do if it was not you) */
  after?: string[];
}

const ESCAPES: Record<string, string> = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" };

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ESCAPES[c]!);
}

const SIGNATURE = "— Cardfile";

export function composeMessage({ greeting, lead, action, after = [] }: MessageParts): MessageBody {
  const text = [greeting, ...lead, ...(action ? [`${action.label}:\n${action.url}`] : []), ...after, SIGNATURE].join("\n\n") + "\n";
  const paragraph = (p: string) => `<p style="margin:0 0 16px">${escapeHtml(p)}</p>`;
  const button = action
    ? `<p style="margin:0 0 16px"><a href="${escapeHtml(action.url)}" style="display:inline-block;padding:10px 16px;background:#1d4ed8;color:#ffffff;text-decoration:none;border-radius:6px">${escapeHtml(action.label)}</a></p>` +
      `<p style="margin:0 0 16px;font-size:14px;color:#444444">Or copy this address into your browser:<br><a href="${escapeHtml(action.url)}" style="color:#1d4ed8;word-break:break-all">${escapeHtml(action.url)}</a></p>`
    : "";
  const html =
    `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width"><title>Cardfile</title></head>` +
    `<body style="margin:0;padding:24px;font-family:system-ui,-apple-system,Segoe UI,Roboto,sans-serif;font-size:16px;line-height:1.5;color:#111111;background:#ffffff">` +
    `<div style="max-width:560px">${[greeting, ...lead].map(paragraph).join("")}${button}${after.map(paragraph).join("")}${paragraph(SIGNATURE)}</div></body></html>`;
  return { text, html };
}
