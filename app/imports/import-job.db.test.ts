import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { db } from "#app/db.server";
import { JobInterrupted, type JobContext } from "#app/jobs/runner.server";
import { getJob, type Job } from "#app/jobs/jobs.server";
import { createTestContact, createTestUser, uniqueEmail } from "#tests/factories";
import { runImport, runImportJob } from "./import-job.server";
import {
  appendChunk,
  createUpload,
  getImport,
  purgeImports,
  reviewImport,
  IMPORT_KEPT_MS,
  UPLOAD_ABANDONED_MS,
  type OnDuplicate,
} from "./imports.server";
import { openUpload } from "./upload.server";
import type { ColumnMapping } from "./source";

// The import from a stored file to contacts, on both databases: the upload's
// storage and detection, the start, and the job's run (called directly, with
// a context of the test's own; app/jobs has the runner's own tests).

const fixture = (name: string) => new Uint8Array(readFileSync(new URL(`./fixtures/${name}`, import.meta.url)));

/** Stores `bytes` as an upload in chunks of `chunk` bytes and opens it for review. */
async function upload(ownerId: string, bytes: Uint8Array, { name = "contacts.csv", chunk = 1000 } = {}) {
  const id = await createUpload(ownerId, name);
  for (let at = 0, seq = 0; at < bytes.length; at += chunk, seq++) await appendChunk(id, seq, bytes.subarray(at, at + chunk));
  const opened = await db.transaction().execute((trx) => openUpload(ownerId, id, trx));
  return { id, opened };
}

function context(overrides: Partial<{ stopping: AbortSignal; attempts: number }> = {}): JobContext {
  const job = { id: "test", kind: "import", attempts: overrides.attempts ?? 1, maxAttempts: 10 } as Job;
  return {
    job,
    signal: new AbortController().signal,
    stopping: overrides.stopping ?? new AbortController().signal,
    heartbeat: async () => true,
  };
}

async function start(
  ownerId: string,
  id: string,
  { mapping, onDuplicate = "skip" }: { mapping?: ColumnMapping; onDuplicate?: OnDuplicate } = {},
) {
  const imported = (await getImport(ownerId, id))!;
  return reviewImport(ownerId, id, { mapping: mapping ?? imported.mapping, onDuplicate, start: true });
}

const contactsOf = (ownerId: string) =>
  db
    .selectFrom("contacts")
    .select(["name", "email", "company", "phone", "notes"])
    .where("owner_id", "=", ownerId)
    .where("deleted_at", "is", null)
    .orderBy("name")
    .execute();

/** Each contact's label names, A to Z, by the contact's name. */
async function labelsByContact(ownerId: string): Promise<Record<string, string[]>> {
  const rows = await db
    .selectFrom("contact_labels")
    .innerJoin("contacts", "contacts.id", "contact_labels.contact_id")
    .innerJoin("labels", "labels.id", "contact_labels.label_id")
    .select(["contacts.name as contact", "labels.name as label"])
    .where("contacts.owner_id", "=", ownerId)
    .execute();
  const byContact: Record<string, string[]> = {};
  for (const { contact, label } of rows) (byContact[contact] ??= []).push(label);
  for (const labels of Object.values(byContact)) labels.sort();
  return byContact;
}

function csv(rows: string[][]): Uint8Array {
  return new TextEncoder().encode(
    rows.map((row) => row.map((cell) => (/[",\n]/.test(cell) ? `"${cell.replace(/"/g, '""')}"` : cell)).join(",")).join("\r\n") + "\r\n",
  );
}

describe(`imports (${process.env.TEST_DIALECT})`, () => {
  it("takes a Google Contacts export whole: names from their parts, the first of several emails, companies for nameless rows", async () => {
    const owner = await createTestUser();
    const { id, opened } = await upload(owner.id, fixture("google-contacts.csv"));
    expect(opened).toEqual({ ok: true });
    expect(await getImport(owner.id, id)).toMatchObject({ state: "review", format: "google-csv", encoding: "utf-8", delimiter: "," });
    expect(await start(owner.id, id)).toEqual({ ok: true, started: true });
    await runImport(id, context());
    const done = (await getImport(owner.id, id))!;
    expect(done.state).toBe("done");
    const contacts = await contactsOf(owner.id);
    expect(done.counts.created).toBe(contacts.length);
    expect(done.counts.created + done.counts.skipped + done.counts.rejected).toBe(done.recordsDone);
    expect(contacts).toContainEqual(
      expect.objectContaining({ name: "Ada Lovelace", email: "ada@example.com", company: "Analytical Engines" }),
    );
    // Google's "* starred" label stars the contact; "* myContacts" alone does nothing.
    const starred = await db
      .selectFrom("contacts")
      .select("name")
      .where("owner_id", "=", owner.id)
      .where("starred_at", "is not", null)
      .execute();
    expect(starred.map((row) => row.name)).toEqual(["Dr. Grace Brewster Hopper"]);
  });

  it("brings labels in: Google's Labels, Outlook's Categories, vCard CATEGORIES; Google's system labels are not labels", async () => {
    const cases: [string, string, Record<string, string[]>][] = [
      [
        "google-contacts.csv",
        "contacts.csv",
        { "Ada Lovelace": ["Friends"], "Dr. Grace Brewster Hopper": ["Work"], "Acme Widgets Ltd": ["Suppliers"] },
      ],
      ["outlook.csv", "contacts.csv", { "Ada Lovelace": ["Friends", "Work"], "José Núñez": ["Friends"] }],
      ["google-contacts.vcf", "contacts.vcf", {}],
      ["escapes.vcf", "contacts.vcf", {}],
    ];
    for (const [file, name, some] of cases) {
      const owner = await createTestUser();
      const { id } = await upload(owner.id, fixture(file), { name });
      expect(await start(owner.id, id)).toEqual({ ok: true, started: true });
      await runImport(id, context());
      const labelled = await labelsByContact(owner.id);
      for (const [contact, labels] of Object.entries(some)) expect(labelled[contact], `${file}: ${contact}`).toEqual(labels);
      const all = new Set(Object.values(labelled).flat());
      for (const system of ["* myContacts", "myContacts", "* starred", "starred"])
        expect(all.has(system), `${file}: ${system}`).toBe(false);
      if (file === "google-contacts.vcf") expect([...all].sort()).toEqual(["Auto", "Computing"]);
      // "friends" is "Friends" ignoring case: one label, as the file spelled it first.
      if (file === "escapes.vcf") expect([...all].sort()).toEqual(["Friends", "Work, Dublin"]);
    }

    // An update adds the file's labels to the contact's own.
    const owner = await createTestUser();
    const first = await upload(
      owner.id,
      csv([
        ["Name", "Email", "Labels"],
        ["Ada", "ada@example.com", "Friends"],
      ]),
    );
    await start(owner.id, first.id);
    await runImport(first.id, context());
    const again = await upload(
      owner.id,
      csv([
        ["Name", "Email", "Labels"],
        ["Ada L", "ada@example.com", "Work ::: friends"],
      ]),
    );
    await start(owner.id, again.id, { onDuplicate: "update" });
    await runImport(again.id, context());
    expect(await labelsByContact(owner.id)).toEqual({ "Ada L": ["Friends", "Work"] });

    // A label a label could not be (longer than 50 characters) rejects its row with the reason.
    const long = await upload(
      owner.id,
      csv([
        ["Name", "Labels"],
        ["Bo", "x".repeat(51)],
      ]),
    );
    await start(owner.id, long.id);
    await runImport(long.id, context());
    const done = (await getImport(owner.id, long.id))!;
    expect(done.counts).toMatchObject({ created: 0, rejected: 1 });
  });

  it("reads what real address books export, in every encoding and delimiter the fixtures have", async () => {
    const owner = await createTestUser();
    for (const [file, format] of [
      ["google-legacy.csv", "google-csv"],
      ["outlook.csv", "outlook-csv"],
      ["excel-semicolon.csv", "csv"],
      ["utf8-bom.csv", "csv"],
      ["unicode-text.txt", "csv"],
      ["ios-contacts.vcf", "vcard"],
      ["android-contacts.vcf", "vcard"],
      ["google-contacts.vcf", "vcard"],
      ["rfc6350-4.0.vcf", "vcard"],
      ["outlook-2.1.vcf", "vcard"],
    ] as const) {
      const { id, opened } = await upload(owner.id, fixture(file), { name: file, chunk: 333 });
      expect(opened, file).toEqual({ ok: true });
      expect((await getImport(owner.id, id))!.format, file).toBe(format);
      await start(owner.id, id);
      await runImport(id, context());
      const done = (await getImport(owner.id, id))!;
      expect(done.state, file).toBe("done");
      expect(done.counts.created + done.counts.skipped, file).toBeGreaterThan(0);
    }
    const names = (await contactsOf(owner.id)).map((c) => c.name);
    // Windows-1252 and quoted-printable UTF-8 come out as the text they are.
    expect(names.join("\n")).toMatch(/[éüß]/);
  });

  it("refuses what it cannot import, and keeps nothing of it", async () => {
    const owner = await createTestUser();
    for (const file of ["empty.csv", "image.png", "workbook.xlsx", "header-only.csv"]) {
      const bytes = fixture(file);
      const { opened } = bytes.length
        ? await upload(owner.id, bytes, { name: file })
        : { opened: await db.transaction().execute((trx) => openUpload(owner.id, "", trx)) };
      expect(opened.ok, file).toBe(false);
      expect(opened.ok ? "" : opened.problem, file).toMatch(/\w/);
    }
  });

  it("re-importing the same file creates nothing new, and a file that names one contact twice makes one", async () => {
    const owner = await createTestUser();
    const email = uniqueEmail("twice");
    const file = csv([
      ["Name", "E-mail", "Phone", "Company"],
      ["Grace Hopper", email, "+1 202 555 0143", "Navy"],
      ["Grace B. Hopper", email.toUpperCase(), "", ""],
      ["Phone Only", "", "+44 20 7946 0001", ""],
      ["Phone Only", "", "+44 (20) 7946-0001", ""],
      ["Acme Widgets", "", "", "Acme Widgets"],
    ]);
    const first = await upload(owner.id, file);
    await start(owner.id, first.id);
    await runImport(first.id, context());
    expect((await getImport(owner.id, first.id))!.counts).toEqual({ created: 3, updated: 0, skipped: 2, rejected: 0 });

    const again = await upload(owner.id, file);
    await start(owner.id, again.id);
    await runImport(again.id, context());
    expect((await getImport(owner.id, again.id))!.counts).toEqual({ created: 0, updated: 0, skipped: 5, rejected: 0 });
    expect(await contactsOf(owner.id)).toHaveLength(3);
  });

  it("updates the contacts the account has when asked to, with the file's values", async () => {
    const owner = await createTestUser();
    const existing = await createTestContact(owner.id, { name: "Old Name", company: "Old Co" });
    const { id } = await upload(
      owner.id,
      csv([
        ["Name", "Email", "Company"],
        ["New Name", existing.email, "New Co"],
      ]),
    );
    await start(owner.id, id, { onDuplicate: "update" });
    await runImport(id, context());
    expect((await getImport(owner.id, id))!.counts).toEqual({ created: 0, updated: 1, skipped: 0, rejected: 0 });
    expect(await contactsOf(owner.id)).toEqual([expect.objectContaining({ name: "New Name", email: existing.email, company: "New Co" })]);
  });

  it("rejects rows the contact form would refuse, each with its reason and values, and imports the rest", async () => {
    const owner = await createTestUser();
    const { id } = await upload(
      owner.id,
      csv([
        ["Name", "Email", "Notes"],
        ["Good One", uniqueEmail(), ""],
        ["Bad Email", "not-an-email", ""],
        ["Long Notes", "", "x".repeat(501)],
        ["", "", "a note, and nothing to name it by"],
        ["", "", ""], // a row of empty cells is a blank line: not a record
        ["Good Two", "", "fine"],
      ]),
    );
    await start(owner.id, id);
    await runImport(id, context());
    const done = (await getImport(owner.id, id))!;
    expect(done.counts).toEqual({ created: 2, updated: 0, skipped: 0, rejected: 3 });
    const rejects = await db
      .selectFrom("import_rejects")
      .select(["record", "reason", "values"])
      .where("import_id", "=", id)
      .orderBy("record")
      .execute();
    expect(rejects.map((r) => [r.record, r.reason])).toEqual([
      [3, "Enter a valid email address, like ada@example.com"],
      [4, "Notes must be at most 500 characters"],
      [5, "The row has no name, company, email or phone."],
    ]);
    expect(JSON.parse(rejects[0]!.values)).toEqual(["Bad Email", "not-an-email", ""]);
  });

  it("starts once: a second start (a double tap, another tab) changes nothing and enqueues nothing", async () => {
    const owner = await createTestUser();
    const { id } = await upload(owner.id, csv([["Name"], ["Once"]]));
    const results = await Promise.all([start(owner.id, id), start(owner.id, id), start(owner.id, id)]);
    expect(results.filter((r) => r.ok && r.started)).toHaveLength(1);
    const jobs = await db.selectFrom("jobs").select("id").where("unique_key", "=", `import:${id}`).execute();
    expect(jobs).toHaveLength(1);
    expect(await getJob(jobs[0]!.id)).toMatchObject({ kind: "import", state: "pending" });
  });

  it("resumes where a stopped run left off: every record once, the counts exact", async () => {
    const owner = await createTestUser();
    const rows = Array.from({ length: 57 }, (_, i) => [`Person ${i}`, `person.${i}.${owner.id}@example.test`]);
    const { id } = await upload(owner.id, csv([["Name", "Email"], ...rows]), { chunk: 97 });
    await start(owner.id, id);
    // The process shuts down after the second batch of 10.
    const stopping = new AbortController();
    let batches = 0;
    const first = context({ stopping: stopping.signal });
    const heartbeat = first.heartbeat;
    await expect(
      runImport(id, { ...first, heartbeat: async () => (++batches === 2 && stopping.abort(), heartbeat()) }, { batchSize: 10 }),
    ).rejects.toBeInstanceOf(JobInterrupted);
    expect(await getImport(owner.id, id)).toMatchObject({ state: "running", recordsDone: 20, counts: { created: 20 } });
    // The next run (another process, after the restart) goes on from record 21.
    await runImport(id, context({ attempts: 2 }), { batchSize: 10 });
    const done = (await getImport(owner.id, id))!;
    expect(done).toMatchObject({ state: "done", recordsDone: 57, counts: { created: 57, updated: 0, skipped: 0, rejected: 0 } });
    expect(await contactsOf(owner.id)).toHaveLength(57);
    // A run after the end (a job run twice) changes nothing.
    await runImport(id, context({ attempts: 3 }), { batchSize: 10 });
    expect(await contactsOf(owner.id)).toHaveLength(57);
  });

  it("ends clearly failed, with exact counts, when its last attempt fails; before that, it is left to be retried", async () => {
    const owner = await createTestUser();
    const rows = Array.from({ length: 25 }, (_, i) => [`Failing ${i}`, `failing.${i}.${owner.id}@example.test`]);
    const { id } = await upload(owner.id, csv([["Name", "Email"], ...rows]));
    await start(owner.id, id);
    // A first run takes 20 of them and stops (the process shut down).
    const stopping = new AbortController();
    await expect(
      runImport(id, { ...context({ stopping: stopping.signal }), heartbeat: async () => (stopping.abort(), true) }, { batchSize: 20 }),
    ).rejects.toBeInstanceOf(JobInterrupted);
    // Then every run fails (here: its stored mapping cannot be read).
    await db.updateTable("imports").set({ mapping: "not json" }).where("id", "=", id).execute();
    await expect(runImportJob({ importId: id }, context({ attempts: 9 }))).rejects.toThrow();
    const state = () =>
      db.selectFrom("imports").select(["state", "error", "created_count", "records_done"]).where("id", "=", id).executeTakeFirstOrThrow();
    expect(await state()).toMatchObject({ state: "running", error: null });
    await expect(runImportJob({ importId: id }, context({ attempts: 10 }))).rejects.toThrow();
    const failed = await state();
    expect(failed).toMatchObject({ state: "failed", created_count: 20, records_done: 20 });
    expect(failed.error).toMatch(/stopped because of an error/);
  });

  it("is the owner's only: another account's import is missing", async () => {
    const [owner, other] = [await createTestUser(), await createTestUser()];
    const { id } = await upload(owner.id, csv([["Name"], ["Mine"]]));
    expect(await getImport(other.id, id)).toBeNull();
    expect(await reviewImport(other.id, id, { mapping: ["name"], onDuplicate: "skip", start: true })).toEqual({
      ok: false,
      reason: "not-found",
    });
    expect((await getImport(owner.id, id))!.state).toBe("review");
  });

  it("purges finished imports with their files a week on, and abandoned uploads after an hour", async () => {
    const owner = await createTestUser();
    const done = await upload(owner.id, csv([["Name"], ["Old"]]));
    await start(owner.id, done.id);
    await runImport(done.id, context());
    const abandoned = await createUpload(owner.id, "half.csv");
    await appendChunk(abandoned, 0, new TextEncoder().encode("Name\r\n"));
    const now = Date.now();
    await purgeImports(now + UPLOAD_ABANDONED_MS - 60_000);
    expect(await db.selectFrom("imports").select("id").where("id", "in", [done.id, abandoned]).execute()).toHaveLength(2);
    await purgeImports(now + UPLOAD_ABANDONED_MS + 60_000);
    expect((await db.selectFrom("imports").select("id").where("id", "in", [done.id, abandoned]).execute()).map((r) => r.id)).toEqual([
      done.id,
    ]);
    await purgeImports(now + IMPORT_KEPT_MS + 60_000);
    expect(await db.selectFrom("imports").select("id").where("id", "=", done.id).execute()).toEqual([]);
    expect(await db.selectFrom("import_chunks").select("seq").where("import_id", "in", [done.id, abandoned]).execute()).toEqual([]);
  });
});
