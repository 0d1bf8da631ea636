import { describe, expect, it } from "vitest";
import { db } from "#app/db.server";
import { createTestUser, signedInUser } from "#tests/factories";
import { createSession, listSessions, purgeExpiredSessions, revokeAllSessions, revokeSession } from "./session.server";

const DAY = 24 * 60 * 60 * 1000;

async function sessionIds(userId: string): Promise<string[]> {
  const rows = await db.selectFrom("sessions").select("id").where("user_id", "=", userId).orderBy("id").execute();
  return rows.map((r) => r.id);
}

/** Gives `count` of the user's sessions an expiry `ago` ms in the past. */
async function expire(userId: string, count: number, ago = 1): Promise<void> {
  const ids = (await sessionIds(userId)).slice(0, count);
  await db
    .updateTable("sessions")
    .set({ expires_at: Date.now() - ago })
    .where("id", "in", ids)
    .execute();
}

async function sessionsFor(userId: string, count: number): Promise<void> {
  for (let i = 0; i < count; i++) await createSession(new Request("http://localhost/login"), userId);
}

describe(`purging expired sessions (${process.env.TEST_DIALECT})`, () => {
  it("deletes one user's expired sessions and keeps live ones and other users'", async () => {
    const [ada, bob] = [await createTestUser(), await createTestUser()];
    await sessionsFor(ada.id, 3);
    await sessionsFor(bob.id, 2);
    await expire(ada.id, 2);
    await expire(bob.id, 2);

    expect(await purgeExpiredSessions({ userId: ada.id })).toBe(2);
    expect(await sessionIds(ada.id)).toHaveLength(1);
    expect(await sessionIds(bob.id)).toHaveLength(2);
  });

  it("purges every user's expired sessions in bounded batches, oldest first", async () => {
    const users = [await createTestUser(), await createTestUser()];
    for (const user of users) {
      await sessionsFor(user.id, 3);
      await expire(user.id, 3, 1000 * DAY); // older than anything other tests leave behind
    }
    // An expiry far in the past puts these rows first in the global order.
    expect(await purgeExpiredSessions({ limit: 4 })).toBe(4);
    const left = [...(await sessionIds(users[0]!.id)), ...(await sessionIds(users[1]!.id))];
    expect(left).toHaveLength(2);
    while ((await purgeExpiredSessions({ limit: 50 })) === 50);
    for (const user of users) expect(await sessionIds(user.id)).toEqual([]);
  });

  it("counts a session expiring exactly now as expired", async () => {
    const user = await createTestUser();
    await sessionsFor(user.id, 1);
    const now = Date.now() + 60_000;
    await db.updateTable("sessions").set({ expires_at: now }).where("user_id", "=", user.id).execute();
    expect(await purgeExpiredSessions({ userId: user.id, now: now - 1 })).toBe(0);
    expect(await purgeExpiredSessions({ userId: user.id, now })).toBe(1);
  });

  it("runs at login: the user's expired sessions go, the live ones stay", async () => {
    const user = await createTestUser();
    await sessionsFor(user.id, 3);
    await expire(user.id, 2);
    const live = await db.selectFrom("sessions").select("id").where("user_id", "=", user.id).where("expires_at", ">", Date.now()).execute();
    await createSession(new Request("http://localhost/login"), user.id);
    const after = await sessionIds(user.id);
    expect(after).toHaveLength(2);
    expect(after).toContain(live[0]!.id);
  });
});

describe(`session domain functions stay within their user (${process.env.TEST_DIALECT})`, () => {
  it("lists, revokes and revokes all only the given user's sessions", async () => {
    const owner = await signedInUser();
    const stranger = await signedInUser();
    const [theirs] = await sessionIds(stranger.user.id);
    const request = new Request("http://localhost/account", { headers: { Cookie: owner.cookie } });

    expect((await listSessions(owner.user.id, request)).map((s) => s.current)).toEqual([true]);
    expect((await listSessions(stranger.user.id, request)).map((s) => s.current)).toEqual([false]);
    expect(await revokeSession(owner.user.id, theirs!, request)).toBeNull();
    expect(await sessionIds(stranger.user.id)).toEqual([theirs]);

    await sessionsFor(owner.user.id, 1);
    expect(await revokeAllSessions(owner.user.id)).toBe(2);
    expect(await sessionIds(owner.user.id)).toEqual([]);
    expect(await sessionIds(stranger.user.id)).toEqual([theirs]);
  });
});
