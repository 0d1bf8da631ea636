import { describe, expect, it } from "vitest";
import { createTestUser, uniqueEmail } from "#tests/factories";
import { call, post } from "#tests/route-helpers";
import * as login from "./login";

// An unknown email costs the same scrypt work as a wrong password (a dummy
// hash is checked), so response times do not tell which accounts exist.
describe(`login timing (${process.env.TEST_DIALECT})`, () => {
  it("takes comparable time for an unknown email and a wrong password", async () => {
    const user = await createTestUser();
    const time = async (email: string) => {
      const started = performance.now();
      const res = await call(login.action, post("/login", { email, password: "wrong password" }));
      expect(res.status).toBe(400);
      return performance.now() - started;
    };
    await time(uniqueEmail()); // warm-up: the dummy hash is made on first use
    const wrong: number[] = [];
    const unknown: number[] = [];
    // Interleaved, so machine noise hits both alike; well under the 10-per-account limit.
    for (let i = 0; i < 7; i++) {
      wrong.push(await time(user.email));
      unknown.push(await time(uniqueEmail()));
    }
    const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
    const ratio = median(unknown) / median(wrong);
    expect(ratio, `unknown ${median(unknown).toFixed(2)} ms vs wrong ${median(wrong).toFixed(2)} ms`).toBeGreaterThan(0.5);
    expect(ratio).toBeLessThan(2);
  });
});
