import { randomBytes } from "node:crypto";
import { createSession } from "#app/auth/session.server";
import { createUser, type User } from "#app/auth/users.server";
import { exampleContact } from "#app/contacts/contact-fields";
import type { ContactInput } from "#app/contacts/contact-schema";
import { createContact, type Contact } from "#app/contacts/contacts.server";
import { createLabel, type Label } from "#app/labels/labels.server";

/**
 * A fresh address: the prefix and 15 random digits. Digits, not hex: a
 * search for a name ("ada") must not find a contact by its address's letters.
 */
export function uniqueEmail(prefix = "user"): string {
  return `${prefix}-${randomBytes(6).readUIntBE(0, 6).toString().padStart(15, "0")}@example.test`;
}

export const TEST_PASSWORD = "correct horse battery";

/** A label of the owner's, by name (the name must be free). */
export async function createTestLabel(ownerId: string, name: string): Promise<Label> {
  const result = await createLabel(ownerId, name);
  if (!result.ok) throw new Error(`createTestLabel: ${ownerId} already has a label ${name}`);
  return result.label;
}

export async function createTestUser(email = uniqueEmail()): Promise<User> {
  const result = await createUser(email, TEST_PASSWORD);
  if (!result.ok) throw new Error(`could not create ${email}`);
  return result.user;
}

/** A valid contact: every field's example value (app/contacts/contact-fields.ts), a unique email, and the overrides. */
export function contactInput<Overrides extends Partial<ContactInput>>(overrides?: Overrides): ContactInput & { email: string } & Overrides {
  return { ...exampleContact(), email: uniqueEmail("ada"), ...overrides } as ContactInput & { email: string } & Overrides;
}

/** A contact with the example values and a unique email (unless `overrides` say otherwise). */
export async function createTestContact<Overrides extends Partial<ContactInput>>(
  ownerId: string,
  overrides?: Overrides,
): Promise<Contact & { email: string } & Overrides> {
  const result = await createContact(ownerId, contactInput(overrides));
  if (!result.ok) throw new Error(`could not create contact: ${result.reason}`);
  return result.contact as Contact & { email: string } & Overrides;
}

/** A user with a live session, and the Cookie header that proves it. */
export async function signedInUser(): Promise<{ user: User; cookie: string }> {
  const user = await createTestUser();
  const setCookie = await createSession(new Request("http://localhost/login"), user.id);
  return { user, cookie: setCookie.split(";")[0]! };
}
