import { describe, expect, it, vi } from "vitest";
import { createTestUser, uniqueEmail } from "#tests/factories";
import { call, post } from "#tests/route-helpers";
import * as login from "./login";

// An unknown email costs the same scrypt work as a wrong password (a dummy
// hash is checked), so response times do not tell which accounts exist.
// Measured as work, not as time: every scrypt call the login makes is
// recorded with its parameters, and must have finished before the answer.
// (Wall-clock ratios over ~1 ms hashes were at the mercy of machine noise.)

interface ScryptCall {
  keylen: number;
  N: number;
  r: number;
  p: number;
  done: boolean;
}
const calls = vi.hoisted(() => [] as ScryptCall[]);

vi.mock("node:crypto", async (importOriginal) => {
  const crypto = await importOriginal<typeof import("node:crypto")>();
  type Callback = (error: Error | null, key: Buffer) => void;
  function scrypt(
    password: string | Buffer,
    salt: string | Buffer,
    keylen: number,
    options: import("node:crypto").ScryptOptions,
    callback: Callback,
  ) {
    const call: ScryptCall = {
      keylen,
      N: options.N ?? options.cost ?? 16384,
      r: options.r ?? options.blockSize ?? 8,
      p: options.p ?? options.parallelization ?? 1,
      done: false,
    };
    calls.push(call);
    crypto.scrypt(password, salt, keylen, options, (error, key) => {
      call.done = true;
      callback(error, key);
    });
  }
  return { ...crypto, default: { ...crypto, scrypt }, scrypt };
});

describe(`login timing (${process.env.TEST_DIALECT})`, () => {
  it("costs the same scrypt work for an unknown email as for a wrong password", async () => {
    const user = await createTestUser();
    /** The scrypt calls one refused login made, each finished before the answer. */
    const work = async (email: string) => {
      calls.length = 0;
      const res = await call(login.action, post("/login", { email, password: "wrong password" }));
      expect(res.status).toBe(400);
      expect(
        calls.every((c) => c.done),
        "scrypt still running after the answer",
      ).toBe(true);
      return calls.map(({ keylen, N, r, p }) => ({ keylen, N, r, p }));
    };
    await work(uniqueEmail()); // the dummy hash is made on first use (one more scrypt call, once)

    const wrongPassword = await work(user.email);
    const unknownEmail = await work(uniqueEmail());
    expect(wrongPassword).toHaveLength(1); // one verification, against the account's hash
    expect(unknownEmail).toEqual(wrongPassword); // one verification, against the dummy hash, at the same cost
    // And again, interleaved: the dummy hash is not a one-off.
    expect(await work(uniqueEmail())).toEqual(await work(user.email));
  });
});
