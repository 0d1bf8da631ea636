// @ts-check
// The Remix request handler for Express, in place of @remix-run/express:
// Express's request in, Remix's Fetch Response out (see remixRequest for the
// one difference).
import { createReadableStreamFromReadable, createRequestHandler } from "@remix-run/node";

/**
 * The Fetch Request Remix answers, as @remix-run/express (which this
 * replaces) makes it, with one difference: its signal aborts once the response is over, finished or not
 * (the adapter aborts it only when the client goes away first). Remix 2's
 * single fetch arms a 5-second timer per page that only that abort clears
 * (fixed in React Router 7, remix-run/react-router#14735), and the timer
 * keeps the page's loader data alive: at a few hundred pages a second that
 * is thousands of live timers and a heap garbage-collected several times a
 * second. See docs/decisions/0024-server-speed-and-memory.md.
 * @param {import("express").Request} req
 * @param {import("express").Response} res
 */
export function remixRequest(req, res) {
  // req.hostname respects "trust proxy"; the port is X-Forwarded-Host's, else Host's.
  const port = [req.get("X-Forwarded-Host"), req.get("host")]
    .map((host) => Number.parseInt(host?.split(":")[1] ?? "", 10))
    .find((n) => Number.isSafeInteger(n));
  // The protocol server/app.js decided (req.protocol: X-Forwarded-Proto only
  // from a trusted proxy); the session cookie is Secure when it is https.
  const protocol = res.locals?.protocol ?? req.protocol;
  const url = `${protocol}://${req.hostname}${port === undefined ? "" : `:${port}`}${req.originalUrl}`;
  const controller = new AbortController();
  res.on("close", () => controller.abort());
  /** @type {RequestInit & { duplex?: "half" }} */
  const init = { method: req.method, headers: remixHeaders(req.headers), signal: controller.signal };
  if (req.method !== "GET" && req.method !== "HEAD") {
    init.body = createReadableStreamFromReadable(req);
    init.duplex = "half";
  }
  return new Request(new URL(url).href, init);
}

/**
 * Node's request headers as Fetch Headers (repeated ones appended).
 * @param {import("node:http").IncomingHttpHeaders} nodeHeaders
 */
function remixHeaders(nodeHeaders) {
  const headers = new Headers();
  for (const [name, value] of Object.entries(nodeHeaders)) {
    if (Array.isArray(value)) for (const one of value) headers.append(name, one);
    else if (value) headers.set(name, value);
  }
  return headers;
}

/**
 * Writes Remix's answer (status, headers, body) to the Node response.
 * @param {import("express").Response} res
 * @param {Response} response
 */
async function sendRemixResponse(res, response) {
  res.statusMessage = response.statusText;
  res.status(response.status);
  for (const [name, value] of response.headers.entries()) res.append(name, value);
  if (response.body) await writeBody(response.body, res);
  else res.end();
}

/**
 * Copies a response body to the socket, reading the next chunk only once the
 * socket has taken the last (backpressure). @remix-run/node's
 * writeReadableStreamToWritable reads on regardless: a download read slowly
 * (an export of a million contacts over a phone's network) would then pile
 * up in the server's memory, read from the database far ahead of the client.
 * A client that goes away stops the reading (the stream is cancelled).
 * @param {ReadableStream<Uint8Array>} body
 * @param {import("express").Response} res
 */
export async function writeBody(body, res) {
  const reader = body.getReader();
  const flushable = /** @type {{ flush?: () => void }} */ (/** @type {unknown} */ (res));
  // One listener each for the whole body: compression hands "drain"
  // listeners to its zlib stream, and cannot take them off again.
  /** @type {((more: boolean) => void) | null} */
  let wake = null;
  res.on("drain", () => wake?.(true));
  res.on("close", () => wake?.(false));
  /** @returns {Promise<boolean>} true once the response takes more, false if it closed first */
  const drained = () => (res.destroyed || res.writableEnded ? Promise.resolve(false) : new Promise((resolve) => (wake = resolve)));
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      const room = res.write(value);
      // compression's res.flush: send what a streamed page has so far, not only at the end.
      flushable.flush?.();
      if (!room && !(await drained())) {
        await reader.cancel();
        return;
      }
      wake = null;
    }
    res.end();
  } catch (error) {
    res.destroy(/** @type {Error} */ (error));
    throw error;
  }
}

/**
 * The Express handler that answers with the Remix build. The load context
 * (app/http/load-context.ts) carries the request id, CSP nonce and client
 * address that server/app.js has set on `res.locals` and `req`.
 * @param {import("@remix-run/node").ServerBuild} build
 * @returns {import("express").RequestHandler}
 */
export function remixHandler(build) {
  const handleRemix = createRequestHandler(build, process.env.NODE_ENV);
  return async (req, res, next) => {
    try {
      const loadContext = {
        requestId: res.locals.requestId,
        cspNonce: res.locals.cspNonce,
        clientIp: req.ip ?? req.socket.remoteAddress ?? "unknown",
      };
      await sendRemixResponse(res, await handleRemix(remixRequest(req, res), loadContext));
    } catch (error) {
      next(error);
    }
  };
}
