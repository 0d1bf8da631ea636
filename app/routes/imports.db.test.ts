import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { db } from "#app/db.server";
import { newSubmissionKey } from "#app/submissions/submission-keys.server";
import { signedInUser } from "#tests/factories";
import { call, get, post } from "#tests/route-helpers";
import * as review from "./contacts.import.$importId";
import * as rejected from "./contacts.import.$importId.rejected[.]csv";
import * as upload from "./contacts.import._index";

// The import pages' loaders and actions with real requests: a multipart
// upload, the review's form, the rejected rows' download.

const fixture = (name: string) => readFileSync(new URL(`../imports/fixtures/${name}`, import.meta.url));

function uploadRequest(
  cookie: string,
  file: { name: string; bytes: Uint8Array; type?: string } | null,
  fields: Record<string, string> = {},
) {
  const form = new FormData();
  form.set("submissionKey", fields.submissionKey ?? newSubmissionKey());
  if (file) form.set("file", new File([new Uint8Array(file.bytes)], file.name, { type: file.type ?? "text/csv" }));
  return new Request("http://localhost/contacts/import", { method: "POST", body: form, headers: { Cookie: cookie } });
}

const importsOf = (ownerId: string) => db.selectFrom("imports").select(["id", "state"]).where("owner_id", "=", ownerId).execute();

describe(`import routes (${process.env.TEST_DIALECT})`, () => {
  it("takes an upload to its review: the detected format, the mapping, a preview with what would happen to each row", async () => {
    const { cookie } = await signedInUser();
    const res = await call(upload.action, uploadRequest(cookie, { name: "google.csv", bytes: fixture("google-contacts.csv") }));
    expect(res.status).toBe(303);
    const id = res.location!.replace("/contacts/import/", "");
    const page = await call(review.loader, get(`/contacts/import/${id}`, cookie), { importId: id });
    expect(page.data.imported).toMatchObject({ state: "review", format: "google-csv", encoding: "utf-8", fileName: "google.csv" });
    expect(page.data.imported.columns).toContain("E-mail 1 - Value");
    expect(page.data.preview.rows.length).toBeGreaterThan(0);
    expect(page.data.preview.rows[0]).toMatchObject({
      record: 2,
      contact: { name: "Ada Lovelace", email: "ada@example.com" },
      existing: false,
    });
    expect(page.data.refreshSeconds).toBeNull();

    // Start it: the page then shows it running (or done), and follows it.
    const mapping = Object.fromEntries(
      page.data.imported.mapping.map((target: string | null, i: number) => [`mapping[${i}]`, target ?? ""]),
    );
    const form = { ...mapping, onDuplicate: "skip", intent: "start", submissionKey: newSubmissionKey() };
    const started = await call(review.action, post(`/contacts/import/${id}`, form, cookie), { importId: id });
    expect(started.status).toBe(303);
    expect(started.location).toBe(`/contacts/import/${id}`);
    const again = await call(review.action, post(`/contacts/import/${id}`, form, cookie), { importId: id });
    expect(again.location).toBe(started.location);
    expect(again.headers.getSetCookie()).toEqual(started.headers.getSetCookie()); // the same answer: started once
    const running = await call(review.loader, get(`/contacts/import/${id}`, cookie), { importId: id });
    expect(running.data.imported.state).toBe("queued");
    expect(running.data.refreshSeconds).toBe(2);
    expect(await db.selectFrom("jobs").select("id").where("unique_key", "=", `import:${id}`).execute()).toHaveLength(1);
  });

  it("saves a changed mapping and the duplicates choice with Update preview, without starting", async () => {
    const { cookie } = await signedInUser();
    const res = await call(
      upload.action,
      uploadRequest(cookie, { name: "plain.csv", bytes: new TextEncoder().encode("Who,Mail,Extra\r\nAda,ada@example.com,hello\r\n") }),
    );
    const id = res.location!.replace("/contacts/import/", "");
    const form = { "mapping[0]": "name", "mapping[1]": "email", "mapping[2]": "notes", onDuplicate: "update", intent: "preview" };
    expect((await call(review.action, post(`/contacts/import/${id}`, form, cookie), { importId: id })).status).toBe(303);
    const page = await call(review.loader, get(`/contacts/import/${id}`, cookie), { importId: id });
    expect(page.data.imported).toMatchObject({ state: "review", mapping: ["name", "email", "notes"], onDuplicate: "update" });
    expect(page.data.preview.rows[0].contact).toMatchObject({ name: "Ada", email: "ada@example.com", notes: "hello" });

    // A form that does not fit the file (an old page, a forged one) changes nothing.
    const wrong = await call(
      review.action,
      post(`/contacts/import/${id}`, { "mapping[0]": "name", onDuplicate: "skip", intent: "start" }, cookie),
      { importId: id },
    );
    expect(wrong.status).toBe(400);
    const bad = await call(review.action, post(`/contacts/import/${id}`, { ...form, "mapping[1]": "password" }, cookie), { importId: id });
    expect(bad.status).toBe(400);
    expect((await call(review.loader, get(`/contacts/import/${id}`, cookie), { importId: id })).data.imported.state).toBe("review");
  });

  it.each([
    ["an empty file", { name: "empty.csv", bytes: new Uint8Array() }, /empty/i],
    ["a picture", { name: "photo.csv", bytes: fixture("image.png"), type: "image/png" }, /image|picture|PNG/i],
    ["an Excel workbook", { name: "contacts.xlsx", bytes: fixture("workbook.xlsx") }, /Excel|workbook|CSV/i],
  ])("refuses %s with a 422 that says what is wrong, and stores nothing", async (_what, file, message) => {
    const { user, cookie } = await signedInUser();
    const res = await call(upload.action, uploadRequest(cookie, file));
    expect(res.status).toBe(422);
    expect(res.data.error.file[0]).toMatch(message);
    expect(await importsOf(user.id)).toEqual([]);
    expect(
      await db
        .selectFrom("import_chunks")
        .innerJoin("imports", "imports.id", "import_chunks.import_id")
        .select("seq")
        .where("imports.owner_id", "=", user.id)
        .execute(),
    ).toEqual([]);
  });

  it("asks for a file when none was chosen, and keeps nothing of a repeated upload", async () => {
    const { user, cookie } = await signedInUser();
    const none = await call(upload.action, uploadRequest(cookie, null));
    expect(none.status).toBe(400);
    expect(none.data.error.file[0]).toMatch(/Choose/);
    // The same form twice (a double tap): one import, the second answer the first's.
    const submissionKey = newSubmissionKey();
    const file = { name: "twice.csv", bytes: new TextEncoder().encode("Name\r\nTwice\r\n") };
    const first = await call(upload.action, uploadRequest(cookie, file, { submissionKey }));
    const second = await call(upload.action, uploadRequest(cookie, file, { submissionKey }));
    expect(second.location).toBe(first.location);
    expect(await importsOf(user.id)).toHaveLength(1);
  });

  it("answers 404 for another account's import, its review and its rejected rows, like a missing one", async () => {
    const [owner, other] = [await signedInUser(), await signedInUser()];
    const res = await call(upload.action, uploadRequest(owner.cookie, { name: "bad.csv", bytes: fixture("bad-rows.csv") }));
    const id = res.location!.replace("/contacts/import/", "");
    for (const who of [other.cookie]) {
      expect((await call(review.loader, get(`/contacts/import/${id}`, who), { importId: id })).status).toBe(404);
      expect((await call(rejected.loader, get(`/contacts/import/${id}/rejected.csv`, who), { importId: id })).status).toBe(404);
      const write = await call(review.action, post(`/contacts/import/${id}`, { onDuplicate: "skip", intent: "start" }, who), {
        importId: id,
      });
      expect(write.status).toBe(404);
    }
    expect(
      (await call(review.loader, get(`/contacts/import/abcdefghijklmnopqrstuv`, owner.cookie), { importId: "abcdefghijklmnopqrstuv" }))
        .status,
    ).toBe(404);
  });
});
