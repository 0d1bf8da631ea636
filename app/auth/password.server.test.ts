import { describe, expect, it } from "vitest";
import { hashPassword, verifyPassword } from "./password.server";

describe("password hashing", () => {
  it("stores scrypt parameters and a 16-byte salt with the hash", async () => {
    const hash = await hashPassword("correct horse", 10);
    const [, , params, salt] = hash.split("$");
    expect(params).toBe("ln=10,r=8,p=1");
    expect(Buffer.from(salt!, "base64")).toHaveLength(16);
    expect(await verifyPassword("correct horse", hash)).toBe(true);
    expect(await verifyPassword("correct horsf", hash)).toBe(false);
  });

  it("salts every hash", async () => {
    expect(await hashPassword("same", 10)).not.toBe(await hashPassword("same", 10));
  });

  it("verifies with the parameters each hash was made with", async () => {
    const old = await hashPassword("pw-123456", 11);
    expect(await verifyPassword("pw-123456", old)).toBe(true);
  });

  it("defaults to OWASP's minimum, N=2^17", async () => {
    const hash = await hashPassword("pw", 17);
    expect(hash).toMatch(/^\$scrypt\$ln=17,r=8,p=1\$/);
    expect(await verifyPassword("pw", hash)).toBe(true);
  });

  it("rejects malformed stored hashes", async () => {
    expect(await verifyPassword("pw", "plaintext")).toBe(false);
  });
});
