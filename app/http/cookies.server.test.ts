import { afterEach, describe, expect, it, vi } from "vitest";
import { readCookie, serializeCookie } from "./cookies.server";

describe("cookies", () => {
  afterEach(() => vi.unstubAllEnvs());

  it("is HttpOnly, SameSite=Lax and Path=/, and not Secure outside production", () => {
    const line = serializeCookie(new Request("https://cardfile.test/"), "c", "v", 60);
    expect(line).toBe("c=v; Path=/; HttpOnly; SameSite=Lax; Max-Age=60");
  });

  it("is Secure in production over HTTPS only", () => {
    vi.stubEnv("NODE_ENV", "production");
    expect(serializeCookie(new Request("https://cardfile.test/"), "c", "v", 60)).toMatch(/; Secure$/);
    expect(serializeCookie(new Request("http://cardfile.test/"), "c", "v", 60)).not.toMatch(/Secure/);
  });

  it("follows the request's URL, not a client's X-Forwarded-Proto (the server puts a trusted proxy's protocol in the URL)", () => {
    vi.stubEnv("NODE_ENV", "production");
    const forged = new Request("http://cardfile.test/", { headers: { "X-Forwarded-Proto": "https" } });
    expect(serializeCookie(forged, "c", "v", 60)).not.toMatch(/Secure/);
    // Behind a trusted TLS-terminating proxy, server/remix-adapter.js builds an https: URL.
    const proxied = new Request("https://cardfile.test/", { headers: { "X-Forwarded-Proto": "https" } });
    expect(serializeCookie(proxied, "c", "v", 60)).toMatch(/; Secure$/);
  });

  it("expires a cleared cookie at once", () => {
    expect(serializeCookie(new Request("http://x/"), "c", "", 0)).toMatch(/Max-Age=0; Expires=Thu, 01 Jan 1970/);
  });

  it("reads one cookie among many and survives malformed ones", () => {
    const request = (cookie: string) => new Request("http://x/", { headers: { Cookie: cookie } });
    expect(readCookie(request("a=1; cardfile_session=tok; b=2"), "cardfile_session")).toBe("tok");
    expect(readCookie(request("cardfile_session_x=1"), "cardfile_session")).toBeNull();
    expect(readCookie(request("cardfile_session=%E0%A4%A"), "cardfile_session")).toBeNull();
    expect(readCookie(new Request("http://x/"), "cardfile_session")).toBeNull();
  });
});
