import { Suspense, type ReactElement } from "react";
import type { EntryContext } from "@remix-run/node";
// Remix's own component that writes the loader data into the page (not exported by the package's index).
import { StreamTransfer } from "@remix-run/react/dist/single-fetch.js";
import { afterEach, describe, expect, it, vi } from "vitest";
import { bodyEndLast, bodyEndLastStream, etagOf, renderDocument } from "./render.server";

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

/** The document as RemixServer renders it: the app (<html>), then the data transfer after it, whose reader is taken during the render. */
function documentFor(
  context: Record<string, unknown>,
  Transfer: (props: { context: Record<string, unknown> }) => ReactElement | null,
): ReactElement {
  return (
    <>
      <html lang="en">
        <body>
          <p>Contacts</p>
        </body>
      </html>
      <Suspense>
        <Transfer context={context} />
      </Suspense>
    </>
  );
}

/** Where the data scripts are: every script before </body>, and nothing after </html>. */
function expectScriptsInBody(html: string) {
  expect(html.endsWith("</body></html>")).toBe(true);
  expect(html.indexOf("</body>")).toBe(html.length - "</body></html>".length);
  expect(html.lastIndexOf("<script")).toBeLessThan(html.indexOf("</body>"));
}

function RemixTransfer({ context }: { context: Record<string, unknown> }) {
  const stream = context.serverHandoffStream as ReadableStream<Uint8Array>;
  return (
    <StreamTransfer
      context={context as unknown as EntryContext}
      identifier={0}
      reader={stream.getReader()}
      textDecoder={new TextDecoder()}
      nonce="n0nce"
    />
  );
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
  return (
    <script
      nonce="n0nce"
      dangerouslySetInnerHTML={{
        __html: `window.__remixContext.streamController.enqueue(${JSON.stringify(entry.text)});window.__remixContext.streamController.close();`,
      }}
    />
  );
}

afterEach(() => vi.restoreAllMocks());

describe("renderDocument", () => {
  it("renders the page with Remix's data scripts in one pass, data first, then the close", async () => {
    const warn = vi.spyOn(console, "warn").mockImplementation(() => {});
    const context = remixContext(DATA);
    const html = (await renderDocument(documentFor(context, RemixTransfer), context as unknown as EntryContext, "n0nce")).toString("utf8");
    expect(html.startsWith('<!DOCTYPE html><html lang="en"><body><p>Contacts</p>')).toBe(true);
    const enqueue = html.indexOf(`streamController.enqueue(${JSON.stringify(DATA).replace(/</g, "\\u003c")})`);
    const close = html.indexOf("window.__remixContext.streamController.close();");
    expect(enqueue).toBeGreaterThan(0);
    expect(close).toBeGreaterThan(enqueue);
    expect(html).not.toContain("<template"); // nothing was left to stream in later
    expectScriptsInBody(html);
    expect(warn).not.toHaveBeenCalled();
  });

  it("falls back to the streaming renderer, data included, when the transfer does not use what was read in advance", async () => {
    const warn = vi.spyOn(console, "warn").mockImplementation(() => {});
    const context = remixContext(DATA);
    const html = (await renderDocument(documentFor(context, OtherTransfer), context as unknown as EntryContext, "n0nce")).toString("utf8");
    expect(html).toContain(`streamController.enqueue(${JSON.stringify(DATA)})`);
    expect(html).toContain("window.__remixContext.streamController.close();");
    expectScriptsInBody(html);
    expect(warn).toHaveBeenCalledTimes(1);
  });
});

describe("bodyEndLast", () => {
  it("moves what follows </body></html> before it", () => {
    expect(bodyEndLast("<html><body><p>a</p></body></html><script>1</script>")).toBe(
      "<html><body><p>a</p><script>1</script></body></html>",
    );
    expect(bodyEndLast("<html><body></body></html>")).toBe("<html><body></body></html>");
    expect(bodyEndLast("<p>no document</p>")).toBe("<p>no document</p>");
  });
});

describe("bodyEndLastStream", () => {
  async function through(chunks: string[]): Promise<string> {
    const stream = bodyEndLastStream();
    const out: Buffer[] = [];
    stream.on("data", (chunk: Buffer) => out.push(chunk));
    const ended = new Promise((done) => stream.on("end", done));
    for (const chunk of chunks) stream.write(Buffer.from(chunk));
    stream.end();
    await ended;
    return Buffer.concat(out).toString("utf8");
  }

  it("holds back </body></html> until the end, wherever the chunks split it", async () => {
    const page =
      '<!DOCTYPE html><html><body><p>é</p></body></html><!--$?--><template id="B:0"></template><!--/$--><div hidden id="S:0"><script>2</script></div>';
    const want =
      '<!DOCTYPE html><html><body><p>é</p><!--$?--><template id="B:0"></template><!--/$--><div hidden id="S:0"><script>2</script></div></body></html>';
    const bytes = Buffer.from(page);
    for (let at = 0; at <= bytes.length; at++) {
      // Split anywhere (inside the marker, inside a multi-byte character); the bytes must come out whole.
      const stream = bodyEndLastStream();
      const out: Buffer[] = [];
      stream.on("data", (chunk: Buffer) => out.push(chunk));
      const ended = new Promise((done) => stream.on("end", done));
      stream.write(bytes.subarray(0, at));
      stream.write(bytes.subarray(at));
      stream.end();
      await ended;
      expect(Buffer.concat(out).toString("utf8"), `split at ${at}`).toBe(want);
    }
    expect(await through(["<html><body>", "</body>", "</html>"])).toBe("<html><body></body></html>");
    expect(await through(["<p>no document</p>"])).toBe("<p>no document</p>");
  });
});

describe("etagOf", () => {
  it("ignores the nonce wherever it occurs, and nothing else", () => {
    const page = (nonce: string, name: string) =>
      Buffer.from(`<script nonce="${nonce}">1</script><p>${name}</p><script nonce="${nonce}">2</script>`);
    expect(etagOf(page("aaaa", "Ada"), "aaaa")).toBe(etagOf(page("bbbb", "Ada"), "bbbb"));
    expect(etagOf(page("aaaa", "Ada"), "aaaa")).not.toBe(etagOf(page("aaaa", "Bob"), "aaaa"));
    expect(etagOf(page("aaaa", "Ada"), "aaaa")).toMatch(/^W\/"[\w-]{27}"$/);
  });
});
