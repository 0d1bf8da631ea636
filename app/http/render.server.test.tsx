import { Suspense, type ReactElement } from "react";
import type { EntryContext } from "@remix-run/node";
// Remix's own component that writes the loader data into the page (not exported by the package's index).
import { StreamTransfer } from "@remix-run/react/dist/single-fetch.js";
import { afterEach, describe, expect, it, vi } from "vitest";
import { etagOf, renderDocument } from "./render.server";

const DATA = '[{"_1":2},"user",{"email":"ada@example.com"}]\n';

/** An entry context as Remix 2.17 makes it, as far as the data transfer goes. */
function remixContext(data: string) {
  return {
    serverHandoffStream: new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(new TextEncoder().encode(data));
        controller.close();
      },
    }),
    // <Scripts> sets this during the render; StreamTransfer renders nothing without it.
    renderMeta: { didRenderScripts: true },
  } as Record<string, unknown>;
}

/** The document as RemixServer renders it: the app, then the data transfer, whose reader is taken during the render. */
function documentFor(context: Record<string, unknown>, Transfer: (props: { context: Record<string, unknown> }) => ReactElement | null): ReactElement {
  return (
    <html lang="en">
      <body>
        <p>Contacts</p>
        <Suspense>
          <Transfer context={context} />
        </Suspense>
      </body>
    </html>
  );
}

function RemixTransfer({ context }: { context: Record<string, unknown> }) {
  const stream = context.serverHandoffStream as ReadableStream<Uint8Array>;
  return <StreamTransfer context={context as unknown as EntryContext} identifier={0} reader={stream.getReader()} textDecoder={new TextDecoder()} nonce="n0nce" />;
}

/** A transfer that ignores what was read in advance and suspends on the stream, as another Remix version might. */
const cache = new WeakMap<object, { text?: string; promise: Promise<void> }>();
function OtherTransfer({ context }: { context: Record<string, unknown> }) {
  const stream = context.serverHandoffStream as ReadableStream<Uint8Array>;
  let entry = cache.get(stream);
  if (!entry) {
    const created: { text?: string; promise: Promise<void> } = {
      promise: new Response(stream).text().then((text) => {
        created.text = text;
      }),
    };
    cache.set(stream, created);
    entry = created;
  }
  if (entry.text === undefined) throw entry.promise;
  return <script nonce="n0nce" dangerouslySetInnerHTML={{ __html: `window.__remixContext.streamController.enqueue(${JSON.stringify(entry.text)});window.__remixContext.streamController.close();` }} />;
}

afterEach(() => vi.restoreAllMocks());

describe("renderDocument", () => {
  it("renders the page with Remix's data scripts in one pass, data first, then the close", async () => {
    const warn = vi.spyOn(console, "warn").mockImplementation(() => {});
    const context = remixContext(DATA);
    const html = (await renderDocument(documentFor(context, RemixTransfer), context as unknown as EntryContext, "n0nce")).toString("utf8");
    expect(html.startsWith("<!DOCTYPE html><html lang=\"en\"><body><p>Contacts</p>")).toBe(true);
    const enqueue = html.indexOf(`streamController.enqueue(${JSON.stringify(DATA).replace(/</g, "\\u003c")})`);
    const close = html.indexOf("window.__remixContext.streamController.close();");
    expect(enqueue).toBeGreaterThan(0);
    expect(close).toBeGreaterThan(enqueue);
    expect(html).not.toContain("<template"); // nothing was left to stream in later
    expect(warn).not.toHaveBeenCalled();
  });

  it("falls back to the streaming renderer, data included, when the transfer does not use what was read in advance", async () => {
    const warn = vi.spyOn(console, "warn").mockImplementation(() => {});
    const context = remixContext(DATA);
    const html = (await renderDocument(documentFor(context, OtherTransfer), context as unknown as EntryContext, "n0nce")).toString("utf8");
    expect(html).toContain(`streamController.enqueue(${JSON.stringify(DATA)})`);
    expect(html).toContain("window.__remixContext.streamController.close();");
    expect(warn).toHaveBeenCalledTimes(1);
  });
});

describe("etagOf", () => {
  it("ignores the nonce wherever it occurs, and nothing else", () => {
    const page = (nonce: string, name: string) => Buffer.from(`<script nonce="${nonce}">1</script><p>${name}</p><script nonce="${nonce}">2</script>`);
    expect(etagOf(page("aaaa", "Ada"), "aaaa")).toBe(etagOf(page("bbbb", "Ada"), "bbbb"));
    expect(etagOf(page("aaaa", "Ada"), "aaaa")).not.toBe(etagOf(page("aaaa", "Bob"), "aaaa"));
    expect(etagOf(page("aaaa", "Ada"), "aaaa")).toMatch(/^W\/"[\w-]{27}"$/);
  });
});
