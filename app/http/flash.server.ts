import { redirect } from "@remix-run/node";
import { readCookie, serializeCookie } from "./cookies.server";

// A one-time message for the page after a redirect ("Contact created.").
// It lives in a short-lived cookie that the root loader reads and clears.
const COOKIE = "cardfile_flash";

/** A 303 to `url` that shows `message` once on the next page. */
export function redirectWithFlash(request: Request, url: string, message: string, init?: ResponseInit) {
  const headers = new Headers(init?.headers);
  headers.append("Set-Cookie", serializeCookie(request, COOKIE, message.slice(0, 300), 60));
  return redirect(url, { ...init, status: 303, headers });
}

/** The pending flash message, if any, and the header that clears it. */
export function takeFlash(request: Request): { flash: string | null; headers?: HeadersInit } {
  const flash = readCookie(request, COOKIE);
  if (!flash) return { flash: null };
  return { flash, headers: { "Set-Cookie": serializeCookie(request, COOKIE, "", 0) } };
}
