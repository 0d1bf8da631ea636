"use server";
// The seed's app/actions.js: zod validation, a duplicate check before the
// insert, revalidatePath after a write; reads scoped to the signed-in user
// (the seed's "Check ownership"). Differences, because the bench needs them:
// - create ends in redirect() to the new contact (post/redirect/get), so the
//   form also works as a plain HTML form without JavaScript;
// - the list pages with an "Older" cursor (the seed stops at `take: 50`),
//   keyset on (created_at, id) like Prisma's cursor pagination;
// - rows are Cardfile's tables, so an insert also fills Cardfile's own
//   columns (email_key, search), and deleted contacts are skipped.
import { randomBytes } from "node:crypto";
import { revalidatePath } from "next/cache";
import { redirect } from "next/navigation";
import { z } from "zod";
import { db } from "@/lib/db";
import { requireUser } from "@/lib/session";

const PAGE_SIZE = 50;

// Never trust user input. Ever.
const ContactSchema = z.object({
  name: z.string().min(1, "Name is required").max(100, "Name too long"),
  email: z.string().email("Invalid email format").max(255),
  company: z.string().max(100).optional(),
  phone: z.string().max(20).optional(),
  notes: z.string().max(500).optional(),
});

const fold = (text) => text.normalize("NFC").toLowerCase();

function decodeCursor(value) {
  const match = typeof value === "string" ? /^o([0-9a-z]{1,11})\.([A-Za-z0-9_-]{22})$/.exec(value) : null;
  return match ? { createdAt: parseInt(match[1], 36), id: match[2] } : null;
}

export async function getContacts(searchTerm = "", cursor = null) {
  const user = await requireUser();
  const client = db();
  const where = ["owner_id = ?", "deleted_at is null"];
  const params = [user.id];
  if (searchTerm) {
    // Prisma's `contains` with mode 'insensitive': ILIKE on Postgres; on SQLite
    // LIKE, which ignores ASCII case.
    const like = client.dialect === "postgres" ? "ilike" : "like";
    const pattern = `%${searchTerm.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
    where.push(`(name ${like} ? escape '\\' or email ${like} ? escape '\\' or company ${like} ? escape '\\')`);
    params.push(pattern, pattern, pattern);
  }
  const after = decodeCursor(cursor);
  if (after) {
    where.push("(created_at, id) < (?, ?)");
    params.push(after.createdAt, after.id);
  }
  try {
    const rows = await client.all(
      `select id, name, email, company, phone, notes, created_at from contacts where ${where.join(" and ")} order by created_at desc, id desc limit ${PAGE_SIZE + 1}`,
      params,
    );
    const contacts = rows.slice(0, PAGE_SIZE).map((row) => ({ ...row, createdAt: new Date(row.created_at).toISOString() }));
    const last = contacts[contacts.length - 1];
    const older = rows.length > PAGE_SIZE && last ? `o${last.created_at.toString(36)}.${last.id}` : null;
    return { contacts, older };
  } catch (error) {
    console.error("Failed to fetch contacts:", error);
    return { contacts: [], older: null }; // Fail gracefully
  }
}

export async function getContact(id) {
  const user = await requireUser();
  const rows = await db().all(
    "select id, name, email, company, phone, notes, created_at, updated_at from contacts where owner_id = ? and id = ? and deleted_at is null",
    [user.id, id],
  );
  const row = rows[0];
  return row ? { ...row, createdAt: new Date(row.created_at).toISOString(), updatedAt: new Date(row.updated_at).toISOString() } : null;
}

export async function createContact(formData) {
  const user = await requireUser();
  const rawData = {
    name: formData.get("name"),
    email: formData.get("email"),
    company: formData.get("company") || undefined,
    phone: formData.get("phone") || undefined,
    notes: formData.get("notes") || undefined,
  };

  let id;
  try {
    // Validation first. Always.
    const data = ContactSchema.parse(rawData);
    const client = db();
    // Check duplicates before hitting the database
    const existing = await client.all("select id from contacts where owner_id = ? and email_key = ? and deleted_at is null", [
      user.id,
      fold(data.email),
    ]);
    if (existing.length) return { error: "Contact with this email already exists" };

    id = randomBytes(16).toString("base64url");
    const now = Date.now();
    await client.run(
      "insert into contacts (id, owner_id, name, email, email_key, company, phone, notes, search, created_at, updated_at) values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
      [
        id,
        user.id,
        data.name,
        data.email,
        fold(data.email),
        data.company ?? null,
        data.phone ?? null,
        data.notes ?? null,
        // Cardfile's search column, roughly (without its word marks): the
        // peer does not search it, and the bench removes these rows again.
        fold([data.name, data.email, data.company ?? ""].join("\n")),
        now,
        now,
      ],
    );
  } catch (error) {
    if (error instanceof z.ZodError) return { error: error.errors[0].message };
    console.error("Contact creation failed:", error);
    return { error: "Failed to create contact. Please try again." };
  }

  // This is crucial - cache invalidation that actually works
  revalidatePath("/contacts");
  revalidatePath("/");
  redirect(`/contacts/${id}`);
}
