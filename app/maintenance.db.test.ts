import { describe, expect, it } from "vitest";
import { db } from "../db/database.server";
import { createTestUser } from "../tests/factories";
import { runMaintenance } from "./maintenance.server";

describe(`maintenance (${process.env.TEST_DIALECT})`, () => {
  it("purges every expired session, in batches, and keeps live ones", async () => {
    const user = await createTestUser();
    const now = Date.now();
    const rows = Array.from({ length: 1_205 }, (_, i) => ({
      id: `maint-${user.id}-${i}`,
      token_hash: `maint-${user.id}-${i}`,
      user_id: user.id,
      created_at: now - 2_000,
      expires_at: i < 1_200 ? now - 1_000 : now + 60_000,
    }));
    for (let i = 0; i < rows.length; i += 400) await db.insertInto("sessions").values(rows.slice(i, i + 400)).execute();

    const result = await runMaintenance(now);
    expect(result.sessions).toBeGreaterThanOrEqual(1_200);
    const left = await db.selectFrom("sessions").select("id").where("user_id", "=", user.id).execute();
    expect(left).toHaveLength(5);
  });
});
