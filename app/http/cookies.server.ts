// Two cookies, both HttpOnly and SameSite=Lax: the session token and a
// one-time flash message. Values are URI-encoded here; no signing is needed
// (the session token is random, and the flash, a small JSON object written by
// flash.server.ts, only ever shows its own browser what that browser sent).

export function readCookie(request: Request, name: string): string | null {
  const header = request.headers.get("Cookie");
  if (!header) return null;
  for (const part of header.split(";")) {
    const eq = part.indexOf("=");
    if (eq > 0 && part.slice(0, eq).trim() === name) {
      try {
        return decodeURIComponent(part.slice(eq + 1).trim());
      } catch {
        return null;
      }
    }
  }
  return null;
}

/**
 * Secure when the app runs in production and the request came over HTTPS.
 * The server decided that once, from the connection or, only under
 * TRUST_PROXY, from X-Forwarded-Proto (Express's req.protocol), and built the
 * request's URL with it (server/remix-adapter.js); HSTS and the origin check
 * follow the same decision. The header itself is not read here: a client's
 * own X-Forwarded-Proto would make its cookie Secure over plain HTTP, and it
 * could no longer stay signed in (decision 0028).
 */
function isSecure(request: Request): boolean {
  if (process.env.NODE_ENV !== "production") return false;
  return new URL(request.url).protocol === "https:";
}

export function serializeCookie(request: Request, name: string, value: string, maxAgeSeconds: number): string {
  const parts = [`${name}=${encodeURIComponent(value)}`, "Path=/", "HttpOnly", "SameSite=Lax", `Max-Age=${maxAgeSeconds}`];
  if (maxAgeSeconds === 0) parts.push("Expires=Thu, 01 Jan 1970 00:00:00 GMT");
  if (isSecure(request)) parts.push("Secure");
  return parts.join("; ");
}
