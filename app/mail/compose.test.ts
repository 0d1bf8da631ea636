import { describe, expect, it } from "vitest";
import { composeMessage, escapeHtml } from "./compose";

describe("composeMessage", () => {
  const message = composeMessage({
    greeting: "Hello,",
    lead: ['Someone <b>"typed"</b> this & that.'],
    action: { label: "Choose a new password", url: "https://cardfile.example/reset-password?token=abc&x=<1>" },
    after: ["The link works once."],
  });

  it("says the same in both bodies: every paragraph, the link, the signature", () => {
    for (const text of ["Hello,", "The link works once.", "— Cardfile"]) {
      expect(message.text).toContain(text);
      expect(message.html).toContain(text);
    }
    expect(message.text).toContain('Someone <b>"typed"</b> this & that.');
    expect(message.text).toContain("Choose a new password:\nhttps://cardfile.example/reset-password?token=abc&x=<1>");
  });

  it("escapes everything it puts in the HTML, the link included", () => {
    expect(message.html).toContain("Someone &lt;b&gt;&quot;typed&quot;&lt;/b&gt; this &amp; that.");
    expect(message.html).not.toContain("<b>");
    expect(message.html).toContain('href="https://cardfile.example/reset-password?token=abc&amp;x=&lt;1&gt;"');
  });

  it("loads nothing: no images, stylesheets or scripts, only inline styles", () => {
    expect(message.html).not.toMatch(/<img|<link|<script|url\(/i);
    // The link is a button and, for clients that drop its style, the address itself.
    expect(message.html.match(/href=/g)).toHaveLength(2);
  });

  it("has no button without an action", () => {
    const notice = composeMessage({ greeting: "Hello,", lead: ["Your password was changed."] });
    expect(notice.html).not.toContain("href=");
    expect(notice.text).toBe("Hello,\n\nYour password was changed.\n\n— Cardfile\n");
  });

  it("escapes the five characters HTML cares about", () => {
    expect(escapeHtml(`<a href="x">'&'</a>`)).toBe("&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;");
  });
});
