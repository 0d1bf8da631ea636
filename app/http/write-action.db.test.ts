import { redirect } from "@remix-run/node";
import { describe, expect, it } from "vitest";
import { z } from "#app/zod";
import { RATE_LIMITS } from "#app/rate-limits/rate-limits.server";
import { newSubmissionKey } from "#app/submissions/submission-keys.server";
import { createTestUser } from "#tests/factories";
import { post } from "#tests/route-helpers";
import { writeAction } from "./write-action.server";

// The kit's afterCommit: what must see a write (a job runner woken for the
// job it enqueued) runs once the write has committed, and never for a write
// that did not happen. The kit's other steps are tested through the routes
// (app/routes/*.db.test.ts).

const Schema = z.object({ submissionKey: z.string(), outcome: z.enum(["redirect", "reject", "throw"]) });

async function send(userId: string, submissionKey: string, outcome: string) {
  const ran: string[] = [];
  const answer = await writeAction(
    post("/test", { submissionKey, outcome }),
    { userId, schema: Schema, form: "test:after-commit", rateLimit: RATE_LIMITS.contactWritesPerUser },
    async (value, { reject, afterCommit }) => {
      afterCommit(() => void ran.push("after"));
      ran.push("write");
      if (value.outcome === "reject") return reject(409, { formErrors: ["no"] });
      if (value.outcome === "throw") throw new Error("the write failed");
      return redirect("/done");
    },
  ).catch((error: Error) => error);
  return { answer, ran };
}

describe(`writeAction's afterCommit (${process.env.TEST_DIALECT})`, () => {
  it("runs after a committed write, not after a rejected or failed one, and not for a replay of the answer", async () => {
    const user = await createTestUser();
    const key = newSubmissionKey();

    const done = await send(user.id, key, "redirect");
    expect(done.answer).toBeInstanceOf(Response);
    expect((done.answer as Response).headers.get("Location")).toBe("/done");
    expect(done.ran).toEqual(["write", "after"]);

    const replay = await send(user.id, key, "redirect");
    expect((replay.answer as Response).headers.get("Location")).toBe("/done");
    expect(replay.ran).toEqual([]); // the first answer, replayed: no write, nothing after it

    const rejected = await send(user.id, newSubmissionKey(), "reject");
    expect(rejected.ran).toEqual(["write"]);

    const failed = await send(user.id, newSubmissionKey(), "throw");
    expect(failed.answer).toBeInstanceOf(Error);
    expect(failed.ran).toEqual(["write"]);
  });
});
