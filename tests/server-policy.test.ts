import { describe, expect, it } from "vitest";
import {
  BODY_LIMIT_BYTES,
  bodyLimitFor,
  bodyProblem,
  contentSecurityPolicy,
  crossOriginProblem,
  plainPage,
  requestLineProblem,
  securityHeaders,
  UPLOAD_LIMIT_BYTES,
} from "#server/policy.js";

// server/policy.js decides from the request line and headers alone, so its
// functions are tested here directly; tests/e2e/http-hardening.test.ts sends
// the same requests to a running server.

const headersOf = (headers: Record<string, string>) => (name: string) => headers[name.toLowerCase()];

describe("contentSecurityPolicy", () => {
  it("allows scripts only with this response's nonce, and nothing from other origins", () => {
    const policy = contentSecurityPolicy("n0nce");
    expect(policy).toContain("script-src 'nonce-n0nce' 'strict-dynamic'");
    for (const directive of [
      "default-src 'self'",
      "form-action 'self'",
      "frame-ancestors 'none'",
      "base-uri 'none'",
      "object-src 'none'",
    ]) {
      expect(policy).toContain(directive);
    }
    expect(policy).not.toMatch(/unsafe-(inline|eval)/);
  });
});

describe("securityHeaders", () => {
  it("sends HSTS only over HTTPS", () => {
    expect(securityHeaders("n", true)["Strict-Transport-Security"]).toMatch(/^max-age=\d+/);
    expect(securityHeaders("n", false)).not.toHaveProperty("Strict-Transport-Security");
  });

  it("forbids framing and sniffing on every response", () => {
    const headers = securityHeaders("n", false);
    expect(headers).toMatchObject({
      "X-Frame-Options": "DENY",
      "X-Content-Type-Options": "nosniff",
      "Cross-Origin-Opener-Policy": "same-origin",
    });
    expect(headers["Content-Security-Policy"]).toBe(contentSecurityPolicy("n"));
  });
});

describe("crossOriginProblem", () => {
  const post = (headers: Record<string, string>) =>
    crossOriginProblem({ method: "POST", origin: "http://cardfile.test", header: headersOf(headers) });

  it("lets reads through whatever they carry", () => {
    expect(
      crossOriginProblem({ method: "GET", origin: "http://cardfile.test", header: headersOf({ origin: "https://evil.test" }) }),
    ).toBeNull();
  });

  it("refuses a write whose Origin is another site, even when Sec-Fetch-Site says same-origin", () => {
    expect(post({ origin: "https://evil.test", "sec-fetch-site": "same-origin" })).toMatch(/evil\.test/);
    expect(post({ origin: "http://cardfile.test:8080" })).not.toBeNull();
    expect(post({ origin: "http://cardfile.test" })).toBeNull();
  });

  it("falls back to Sec-Fetch-Site, then to Referer", () => {
    expect(post({ "sec-fetch-site": "cross-site" })).toMatch(/cross-site/);
    expect(post({ "sec-fetch-site": "same-origin" })).toBeNull();
    expect(post({ referer: "https://evil.test/form" })).toMatch(/Referer/);
    expect(post({ referer: "http://cardfile.test/contacts/new" })).toBeNull();
    // Neither: the SameSite=Lax session cookie is what protects the request.
    expect(post({})).toBeNull();
  });
});

describe("bodyProblem", () => {
  const post = (headers: Record<string, string>) => bodyProblem({ method: "POST", header: headersOf(headers) });
  const form = "application/x-www-form-urlencoded";

  it("asks for a Content-Length and refuses one that is not a number", () => {
    expect(post({ "content-type": form })).toEqual([411, expect.any(String)]);
    expect(post({ "content-type": form, "content-length": "12abc" })).toEqual([400, expect.any(String)]);
  });

  it("refuses bodies over the limit before anything reads them", () => {
    expect(post({ "content-type": form, "content-length": String(BODY_LIMIT_BYTES) })).toBeNull();
    expect(post({ "content-type": form, "content-length": String(BODY_LIMIT_BYTES + 1) })).toEqual([413, expect.stringMatching(/64 KB/)]);
  });

  it("lets an import's upload (and only that) carry up to 20 MB", () => {
    const upload = (path: string, length: number) =>
      bodyProblem({
        method: "POST",
        path,
        header: headersOf({ "content-type": "multipart/form-data; boundary=x", "content-length": String(length) }),
      });
    expect(upload("/contacts/import", 20 * 1024 * 1024)).toBeNull();
    expect(upload("/contacts/import.data", 20 * 1024 * 1024)).toBeNull();
    expect(upload("/contacts/import", UPLOAD_LIMIT_BYTES + 1)).toEqual([413, expect.stringMatching(/20 MB/)]);
    expect(upload("/contacts/new", BODY_LIMIT_BYTES + 1)).toEqual([413, expect.stringMatching(/64 KB/)]);
    expect(upload("/contacts/import/abc", BODY_LIMIT_BYTES + 1)?.[0]).toBe(413);
    expect(bodyLimitFor("/contacts/import")).toBe(UPLOAD_LIMIT_BYTES);
  });

  it("takes forms only; an empty body may come without a type", () => {
    expect(post({ "content-type": "multipart/form-data; boundary=x", "content-length": "10" })).toBeNull();
    expect(post({ "content-type": "application/json", "content-length": "2" })).toEqual([415, expect.any(String)]);
    expect(post({ "content-length": "5" })).toEqual([415, expect.any(String)]);
    expect(post({ "content-length": "0" })).toBeNull();
    expect(bodyProblem({ method: "GET", header: headersOf({}) })).toBeNull();
  });
});

describe("requestLineProblem", () => {
  const line = (over: Partial<Parameters<typeof requestLineProblem>[0]>) =>
    requestLineProblem({ method: "GET", url: "/contacts", hosts: ["cardfile.test"], protocol: "http", ...over });

  it("answers only GET, HEAD and POST", () => {
    expect(line({ method: "PUT" })).toEqual([405, expect.any(String)]);
    for (const method of ["GET", "HEAD", "POST"]) expect(line({ method })).toBeNull();
  });

  it("refuses targets and hosts the adapter cannot make a URL of", () => {
    expect(line({ url: "*" })).toEqual([400, expect.any(String)]);
    expect(line({ url: "//evil.test/x" })).toEqual([400, expect.any(String)]);
    expect(line({ hosts: ["bad host"] })).toEqual([400, expect.any(String)]);
    expect(line({ hosts: ["cardfile.test:70000"] })).toEqual([400, expect.any(String)]);
    expect(line({ hosts: ["[::1]:3000", undefined] })).toBeNull();
    expect(line({ protocol: "gopher" })).toEqual([400, expect.any(String)]);
    expect(line({ url: "/contacts?_data=routes/contacts" })).toEqual([400, expect.any(String)]);
  });
});

describe("plainPage", () => {
  it("escapes what it is given", () => {
    const page = plainPage(400, "<b>", 'a "quote" & <script>');
    expect(page).not.toContain("<script>");
    expect(page).toContain("&#60;b&#62;");
    expect(page).toMatch(/^<!DOCTYPE html><html lang="en">/);
  });
});
