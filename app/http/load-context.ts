// What the server entry (server.ts) hands every loader and action as `context`.
declare module "@remix-run/node" {
  interface AppLoadContext {
    /** short random id of this request, shown on 500 pages and in the log */
    requestId: string;
    /** per-request CSP nonce for the scripts Remix renders; never put it in loader data */
    cspNonce: string;
    /** the client's IP: the socket's, or X-Forwarded-For's when TRUST_PROXY says so */
    clientIp: string;
  }
}

export {};
