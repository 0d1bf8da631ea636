// "Always verify the user can perform this action" (the seed's security
// section), with Cardfile's own sessions: the cookie holds a random token and
// the sessions table its SHA-256, so the bench's one signed-in session serves
// Cardfile, the baseline and this peer alike.
import { createHash } from "node:crypto";
import { cookies } from "next/headers";
import { redirect } from "next/navigation";
import { cache } from "react";
import { db } from "./db";

export const getUser = cache(async () => {
  const token = cookies().get("cardfile_session")?.value;
  if (!token || token.length > 100) return null;
  const rows = await db().all(
    "select users.id, users.email from sessions join users on users.id = sessions.user_id where sessions.token_hash = ? and sessions.expires_at > ?",
    [createHash("sha256").update(token).digest("hex"), Date.now()],
  );
  return rows[0] ?? null;
});

export async function requireUser() {
  const user = await getUser();
  if (!user) redirect("/login");
  return user;
}
