// A file to download, streamed: what a loader returns for an export. The
// text comes from an async iterable, pulled as the client reads, so a
// million contacts leave the server one batch at a time; a client that goes
// away stops the reading.

/** `cardfile-contacts-2026-12-02.csv`: the name a download is saved under. */
export function datedFileName(stem: string, extension: string, now = new Date()): string {
  return `${stem}-${now.toISOString().slice(0, 10)}.${extension}`;
}

export function download(request: Request, fileName: string, contentType: string, text: AsyncIterable<string>): Response {
  const encoder = new TextEncoder();
  const source = text[Symbol.asyncIterator]();
  const body = new ReadableStream<Uint8Array>({
    async pull(controller) {
      const next = await source.next();
      if (next.done) controller.close();
      else controller.enqueue(encoder.encode(next.value));
    },
    async cancel() {
      await source.return?.();
    },
  });
  request.signal.addEventListener("abort", () => void source.return?.(), { once: true });
  return new Response(body, {
    headers: {
      "Content-Type": contentType,
      // The name is ASCII (datedFileName): no filename* needed.
      "Content-Disposition": `attachment; filename="${fileName.replace(/[^\w.-]/g, "_")}"`,
      // Personal data: not kept by any cache.
      "Cache-Control": "private, no-store",
    },
  });
}

/**
 * A download route's loader body. A download route has no page, and Remix
 * answers a data() thrown in one (notFound, requireIdParam) with a bare 500;
 * it sends a thrown Response as it is. So a refusal becomes a plain-text
 * Response with its status here; redirects (requireUser) pass untouched.
 */
export async function asDownload(run: () => Promise<Response>): Promise<Response> {
  try {
    return await run();
  } catch (error) {
    if (isDataWithInit(error)) {
      throw new Response(typeof error.data === "string" ? error.data : "This download is not available.", {
        status: error.init?.status ?? 500,
        headers: { "Content-Type": "text/plain; charset=utf-8", "Cache-Control": "private, no-store" },
      });
    }
    throw error;
  }
}

function isDataWithInit(value: unknown): value is { data: unknown; init: ResponseInit | null } {
  return typeof value === "object" && value !== null && (value as { type?: unknown }).type === "DataWithResponseInit";
}
