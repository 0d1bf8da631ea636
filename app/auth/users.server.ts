import { db } from "#app/db.server";
import { isUniqueViolation } from "#db/errors";
import { newId } from "#app/shared/ids";
import { emailKey } from "#app/shared/text";
import { hashPassword, verifyPassword } from "./password.server";

export interface User {
  id: string;
  email: string;
}

export type CreateUserResult = { ok: true; user: User } | { ok: false; reason: "email-taken" };

export async function createUser(email: string, password: string): Promise<CreateUserResult> {
  const user = { id: newId(), email };
  const password_hash = await hashPassword(password);
  try {
    await db.transaction().execute((trx) =>
      trx
        .insertInto("users")
        .values({ ...user, email_key: emailKey(email), password_hash, created_at: Date.now() })
        .execute(),
    );
    return { ok: true, user };
  } catch (error) {
    if (isUniqueViolation(error)) return { ok: false, reason: "email-taken" };
    throw error;
  }
}

// Hashed once, lazily, so that an unknown email costs the same scrypt work as
// a wrong password and response times do not reveal which accounts exist.
let dummyHash: Promise<string> | undefined;

/** The user whose email and password these are, or null. */
export async function verifyLogin(email: string, password: string): Promise<User | null> {
  const row = await db
    .selectFrom("users")
    .select(["id", "email", "password_hash"])
    .where("email_key", "=", emailKey(email))
    .executeTakeFirst();
  if (!row) {
    await verifyPassword(password, await (dummyHash ??= hashPassword("not a real password")));
    return null;
  }
  return (await verifyPassword(password, row.password_hash)) ? { id: row.id, email: row.email } : null;
}

/** Whether an account uses this email (in any case). */
export async function userExists(email: string): Promise<boolean> {
  const row = await db.selectFrom("users").select("id").where("email_key", "=", emailKey(email)).executeTakeFirst();
  return row !== undefined;
}
