import { describe, expect, it } from "vitest";
import { parseConfig } from "./config.server";

describe("parseConfig", () => {
  it("defaults to SQLite in data/ on port 3000", () => {
    expect(parseConfig({})).toMatchObject({ DATABASE_URL: "file:./data/cardfile.sqlite", PORT: 3000, SCRYPT_LOG_N: 17 });
  });

  it("accepts Postgres URLs", () => {
    expect(parseConfig({ DATABASE_URL: "postgresql://u@h/db" }).DATABASE_URL).toBe("postgresql://u@h/db");
  });

  it("names the variable that is wrong", () => {
    expect(() => parseConfig({ DATABASE_URL: "mysql://x" })).toThrow(/DATABASE_URL/);
    expect(() => parseConfig({ PORT: "http" })).toThrow(/PORT/);
    expect(() => parseConfig({ PORT: "65536" })).toThrow(/PORT/);
  });

  it("accepts PORT=0: any free port (the tests' servers use it)", () => {
    expect(parseConfig({ PORT: "0" }).PORT).toBe(0);
  });

  it("lets tests lower the password cost but never production", () => {
    expect(parseConfig({ NODE_ENV: "test", SCRYPT_LOG_N: "10" }).SCRYPT_LOG_N).toBe(10);
    expect(() => parseConfig({ NODE_ENV: "production", SCRYPT_LOG_N: "10" })).toThrow(/SCRYPT_LOG_N/);
  });

  it("takes an SMTP URL and a public origin, and says which variable is wrong", () => {
    const config = parseConfig({ SMTP_URL: "smtps://user:p%40ss@mail.example.com:465", PUBLIC_URL: "https://cardfile.example.com/" });
    expect(config).toMatchObject({ SMTP_URL: "smtps://user:p%40ss@mail.example.com:465", PUBLIC_URL: "https://cardfile.example.com" });
    expect(parseConfig({}).SMTP_URL).toBeUndefined();
    expect(() => parseConfig({ SMTP_URL: "mail.example.com" })).toThrow(/SMTP_URL/);
    expect(() => parseConfig({ SMTP_URL: "http://mail.example.com" })).toThrow(/SMTP_URL/);
    expect(() => parseConfig({ PUBLIC_URL: "cardfile.example.com" })).toThrow(/PUBLIC_URL/);
    expect(() => parseConfig({ PUBLIC_URL: "https://cardfile.example.com/app?x" })).toThrow(/PUBLIC_URL/);
  });
});
