import type { Kysely, Transaction } from "kysely";
import { db } from "#app/db.server";
import type { Database } from "#db/schema";
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
  return (await findUserByEmail(email)) !== null;
}

/** The account that uses this email (in any case), or null. */
export async function findUserByEmail(email: string, executor: Kysely<Database> = db): Promise<User | null> {
  const row = await executor.selectFrom("users").select(["id", "email"]).where("email_key", "=", emailKey(email)).executeTakeFirst();
  return row ?? null;
}

/** The account with this id, or null. */
export async function findUserById(id: string, executor: Kysely<Database> = db): Promise<User | null> {
  const row = await executor.selectFrom("users").select(["id", "email"]).where("id", "=", id).executeTakeFirst();
  return row ?? null;
}

/** Whether `password` is this account's password (the same scrypt work whatever the answer). */
export async function checkPassword(userId: string, password: string): Promise<boolean> {
  const row = await db.selectFrom("users").select("password_hash").where("id", "=", userId).executeTakeFirst();
  return verifyPassword(password, row?.password_hash ?? (await (dummyHash ??= hashPassword("not a real password"))));
}

/** Gives the account a new password hash (made beforehand: scrypt must not hold the write lock). */
export async function setPasswordHash(trx: Transaction<Database>, userId: string, passwordHash: string): Promise<void> {
  await trx.updateTable("users").set({ password_hash: passwordHash }).where("id", "=", userId).execute();
}

/**
 * Gives the account a new email. Another account with it is a unique
 * violation (the index decides, race-safe): it fails the transaction, which
 * the caller rolls back and answers as a taken address (isUniqueViolation).
 */
export async function setEmail(trx: Transaction<Database>, userId: string, email: string): Promise<void> {
  await trx
    .updateTable("users")
    .set({ email, email_key: emailKey(email) })
    .where("id", "=", userId)
    .execute();
}

/** Deletes the account: every table that holds its rows references it on delete cascade. */
export async function deleteUser(trx: Transaction<Database>, userId: string): Promise<boolean> {
  const result = await trx.deleteFrom("users").where("id", "=", userId).executeTakeFirst();
  return Number(result.numDeletedRows) === 1;
}
