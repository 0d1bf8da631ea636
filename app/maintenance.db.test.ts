import { describe, expect, it } from "vitest";
import { db } from "#app/db.server";
import { createTestContact, createTestUser } from "#tests/factories";
import { deleteContact, PURGE_AFTER_MS } from "./contacts/trash.server";
import { newId } from "#app/shared/ids";
import { runMaintenance } from "./maintenance.server";
import { claimJob, completeJob, DONE_KEPT_MS, enqueueJob, getJob } from "./jobs/jobs.server";

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
    for (let i = 0; i < rows.length; i += 400)
      await db
        .insertInto("sessions")
        .values(rows.slice(i, i + 400))
        .execute();

    const result = await runMaintenance(now);
    expect(result.sessions).toBeGreaterThanOrEqual(1_200);
    const left = await db.selectFrom("sessions").select("id").where("user_id", "=", user.id).execute();
    expect(left).toHaveLength(5);
  });

  it("purges contacts deleted 30 days ago or more, and keeps younger deletes and live contacts", async () => {
    const user = await createTestUser();
    const now = Date.now();
    const live = await createTestContact(user.id);
    const old = await createTestContact(user.id);
    const recent = await createTestContact(user.id);
    for (const contact of [old, recent]) await deleteContact(user.id, contact.id);
    // The rows' time is moved back instead of `now` forward: a purge 30 days
    // ahead would also take the fresh deletes of tests running beside this one.
    await db
      .updateTable("contacts")
      .set({ deleted_at: now - PURGE_AFTER_MS })
      .where("id", "=", old.id)
      .execute();
    await db
      .updateTable("contacts")
      .set({ deleted_at: now - PURGE_AFTER_MS + 60_000 })
      .where("id", "=", recent.id)
      .execute();

    const result = await runMaintenance(now);
    expect(result.contacts).toBeGreaterThanOrEqual(1);
    const left = await db.selectFrom("contacts").select("id").where("owner_id", "=", user.id).execute();
    expect(left.map((r) => r.id).sort()).toEqual([live.id, recent.id].sort());
  });

  it("purges background jobs done a week ago or more, and keeps younger ones", async () => {
    const now = Date.now();
    const kind = `test:${newId()}`;
    const doneAt = async (at: number) => {
      const id = await enqueueJob(kind, null, { runAt: at });
      const job = await claimJob({ workerId: "maintenance-test", kinds: [kind], leaseMs: 60_000, now: at });
      await completeJob(job!, { now: at });
      return id!;
    };
    const old = await doneAt(now - DONE_KEPT_MS);
    const recent = await doneAt(now - DONE_KEPT_MS + 60_000);

    const result = await runMaintenance(now);
    expect(result.jobs).toBeGreaterThanOrEqual(1);
    expect(await getJob(old)).toBeNull();
    expect(await getJob(recent)).toMatchObject({ state: "done" });
  });
});
