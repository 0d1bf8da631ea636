// What the server entry (server.js) hands every loader and action as
// `context`. Optional because `npm run dev` (Vite's dev server) provides none.
declare module "@remix-run/node" {
  interface AppLoadContext {
    /** short random id of this request, shown on 500 pages and in the log */
    requestId?: string;
    /** per-request CSP nonce for the scripts Remix renders; never put it in loader data */
    cspNonce?: string;
    /** the client's IP: the socket's, or X-Forwarded-For's when TRUST_PROXY says so */
    clientIp?: string;
  }
}

/** The client's address for rate limits; "unknown" under the dev server. */
export function clientIpOf(context: { clientIp?: string }): string {
  return context.clientIp ?? "unknown";
}
