import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Page } from "playwright-core";
import { afterAll, describe, expect, inject, test } from "vitest";
import {
  expectText,
  flash,
  postContact,
  postSignUp,
  submit,
  uniqueEmail,
  useBrowser,
  visit,
  waitForPath,
  type ContactFields,
} from "./browser";
import {
  csvRecords,
  download,
  downloadHeaders,
  expectDated,
  fixture,
  importFacts,
  allListedNames,
  mappingOf,
  previewRows,
  startAndAwaitResult,
  storedData,
  uploadForReview,
  vcards,
} from "./imports";

// Import and export in the browser (docs/decisions/0029), JavaScript off and
// on: the upload, the review (a <select> per column, the duplicates choice,
// the preview), the start, the progress and the result; the rejected rows'
// download and another account's look at it; the exports' downloads; a round
// trip from one account to fresh ones. Starting once and the uploads that are
// refused: import-guards.test.ts. An import across a restart:
// import-resume.test.ts.

const open = useBrowser();

/** What the export writes as its header row: Google Contacts' own column names. */
const GOOGLE_HEADER = ["First Name", "Last Name", "E-mail 1 - Value", "Organization Name", "Phone 1 - Value", "Notes", "Labels"];

const dir = mkdtempSync(join(tmpdir(), "cardfile-import-export-"));
const stored = storedData(inject("serverDatabaseUrl"));
afterAll(() => {
  stored.close();
  rmSync(dir, { recursive: true, force: true });
});

describe.each([{ js: false }, { js: true }])("import, JavaScript $js", ({ js }) => {
  test("a Google CSV: detected, a column remapped and previewed, started, followed to its result, its contacts listed", async () => {
    const { page } = await open({ javaScriptEnabled: js });
    const email = await postSignUp(page, uniqueEmail("google-csv"));
    // Ada is in the account already: with "Update them" she takes the file's values.
    await postContact(page, { name: "Ada L.", email: "ada@example.com" });

    await uploadForReview(page, fixture("google-contacts.csv"));
    await expectText(page.locator("h1"), "Import of google-contacts.csv");
    expect(await importFacts(page)).toMatchObject({
      File: expect.stringMatching(/^google-contacts\.csv \([\d.]+ KB\)$/),
      Format: "Google Contacts (CSV), separated by commas",
      Encoding: "UTF-8",
    });
    // Google's columns come mapped; the nickname is not imported until chosen.
    expect(await mappingOf(page, "E-mail 1 - Value").inputValue()).toBe("email");
    expect(await mappingOf(page, "Organization Name").inputValue()).toBe("company");
    expect(await mappingOf(page, "Nickname").inputValue()).toBe("");
    expect(await page.getByLabel("Skip them: keep your contacts as they are").isChecked()).toBe(true);
    const before = await previewRows(page);
    expect(before.map((cells) => cells[1])).toEqual([
      "Ada Lovelace",
      "Dr. Grace Brewster Hopper",
      "+33 6 12 34 56 78",
      "Acme Widgets Ltd",
      "Zoë Łukasiewicz-Núñez",
      "小龍 李",
    ]);
    expect(before.map((cells) => cells.at(-1))).toEqual([
      "Already in your contacts",
      "New contact",
      "New contact",
      "New contact",
      "New contact",
      "New contact",
    ]);

    // The nickname as the name (a name column wins over the name's parts), and updates for those already there.
    await mappingOf(page, "Nickname").selectOption({ label: "Name" });
    await page.getByLabel("Update them with the file's values").check();
    const previewed = await submit(page, page.getByRole("button", { name: "Update preview" }));
    if (previewed) expect(previewed.status()).toBe(303);
    await expectText(flash(page), "Preview updated.");
    await expect
      .poll(async () => (await previewRows(page)).map((cells) => cells[1]))
      .toEqual(["Ada Lovelace", "Dr. Grace Brewster Hopper", "+33 6 12 34 56 78", "Acme Widgets Ltd", "Zo", "小龍 李"]);
    // The page shows the choices as saved.
    expect(await mappingOf(page, "Nickname").inputValue()).toBe("name");
    expect(await page.getByLabel("Update them with the file's values").isChecked()).toBe(true);

    expect(await startAndAwaitResult(page, js)).toEqual({ created: 5, updated: 1, skipped: 0, rejected: 0 });
    expect(await page.getByRole("link", { name: "Download the rejected rows (CSV)" }).count()).toBe(0);

    expect(await allListedNames(page)).toEqual(
      ["+33 6 12 34 56 78", "Acme Widgets Ltd", "Ada Lovelace", "Dr. Grace Brewster Hopper", "Zo", "小龍 李"].sort(),
    );
    const contacts = stored.contacts(email);
    expect(contacts.find((c) => c.email === "ada@example.com")).toEqual({
      name: "Ada Lovelace",
      email: "ada@example.com",
      company: "Analytical Engines",
      phone: "+44 20 7946 0000",
      notes: 'Met at the Royal Society.\nPrefers "Ada" to "Augusta".',
    });
    expect(contacts.find((c) => c.name === "Zo")).toMatchObject({
      email: "zoe@example.net",
      notes: expect.stringMatching(/^Allergic to nuts/),
    });
    expect(contacts.find((c) => c.name === "+33 6 12 34 56 78")).toMatchObject({ email: null, phone: "+33 6 12 34 56 78" });

    // The upload page lists it.
    await visit(page, "/contacts/import");
    await expectText(page.locator("ul.import-list li").first(), /^google-contacts\.csv Done: 5 created, 1 updated/);
  });

  test("an Android 2.1 vCard: detected, a field left out and previewed, started, followed to its result, its contacts listed", async () => {
    const { page } = await open({ javaScriptEnabled: js });
    const email = await postSignUp(page, uniqueEmail("android-vcf"));
    // Jane is in the account already: skipped (the default), she keeps her name.
    await postContact(page, { name: "Jane D.", email: "jane.doe@example.com" });

    await uploadForReview(page, fixture("android-contacts.vcf"));
    expect(await importFacts(page)).toMatchObject({ Format: "vCard", Encoding: "UTF-8" });
    expect(await mappingOf(page, "Organization").inputValue()).toBe("company");
    expect(await previewRows(page)).toEqual([
      ["1", "Jane Doe", "jane.doe@example.com", "Example Corp", "+1 555-0100", "Already in your contacts"],
      ["2", "Κωνσταντίνος Παπαδόπουλος", "kostas@example.gr", "—", "+30 691 234 5678", "New contact"],
      ["3", "Александра Сергеевна Иванова", "sasha@example.ru", "ООО «Пример»", "+7 495 123-45-67", "New contact"],
      ["4", "Jürgen Müller", "—", "—", "+49 171 7654321", "New contact"],
    ]);

    await mappingOf(page, "Organization").selectOption({ label: "Don't import" });
    const previewed = await submit(page, page.getByRole("button", { name: "Update preview" }));
    if (previewed) expect(previewed.status()).toBe(303);
    await expectText(flash(page), "Preview updated.");
    await expect.poll(async () => (await previewRows(page)).map((cells) => cells[3])).toEqual(["—", "—", "—", "—"]);
    expect(await mappingOf(page, "Organization").inputValue()).toBe("");

    expect(await startAndAwaitResult(page, js)).toEqual({ created: 3, updated: 0, skipped: 1, rejected: 0 });

    expect(await allListedNames(page)).toEqual(
      ["Jane D.", "Jürgen Müller", "Κωνσταντίνος Παπαδόπουλος", "Александра Сергеевна Иванова"].sort(),
    );
    const contacts = stored.contacts(email);
    expect(contacts.find((c) => c.email === "sasha@example.ru")).toEqual({
      name: "Александра Сергеевна Иванова",
      email: "sasha@example.ru",
      company: null,
      phone: "+7 495 123-45-67",
      notes: null,
    });
    expect(contacts.find((c) => c.email === "kostas@example.gr")?.notes).toBe("Καλημέρα ☀️\nΝέο κινητό από Μάρτιο 🇬🇷");
    expect(contacts.find((c) => c.email === "jane.doe@example.com")).toMatchObject({ name: "Jane D.", company: null });
  });
});

describe("rejected rows and ownership", () => {
  test("the rejected rows download has the file's columns, the row and the reason, one line a row; to another account the import is missing", async () => {
    const { page } = await open({ javaScriptEnabled: true });
    const owner = await postSignUp(page, uniqueEmail("rejects"));
    const id = await uploadForReview(page, fixture("bad-rows.csv"));
    expect(await importFacts(page)).toMatchObject({ Format: "CSV with a header row, separated by commas", Encoding: "UTF-8" });
    expect(await startAndAwaitResult(page, true)).toEqual({ created: 4, updated: 0, skipped: 0, rejected: 4 });

    const link = page.getByRole("link", { name: "Download the rejected rows (CSV)" });
    const { download: rejected, text } = await download(page, link, dir);
    expectDated(rejected.suggestedFilename(), "cardfile-rejected-rows", "csv");
    const headers = await downloadHeaders(page, rejected.url());
    expect(headers["content-disposition"]).toMatch(/^attachment; filename="cardfile-rejected-rows-\d{4}-\d{2}-\d{2}\.csv"$/);
    expect(headers["content-type"]).toBe("text/csv; charset=utf-8");
    const [header, ...rows] = csvRecords(text);
    expect(header).toEqual(["Name", "Email", "Company", "Phone", "Notes", "Row in the file", "Why it was not imported"]);
    // Lines 3, 5, 8 and 12 of the file: a stray quote, a comma too many, a quote not doubled, a quote never closed.
    expect(rows.map((row) => row[5])).toEqual(["3", "5", "8", "12"]);
    expect(rows.map((row) => row[6])).toEqual([
      expect.stringMatching(/double quote .* does not start with one/),
      expect.stringMatching(/^This row has 6 values but the header has 5 columns/),
      expect.stringMatching(/quote in it that is not doubled/),
      expect.stringMatching(/never closed/),
    ]);
    // A row that could be split keeps its values, in the file's columns.
    expect(rows[1]!.slice(0, 5)).toEqual(["Dan Extra", "dan@example.com", "Smith", " Jones & Co", "+1 555 0100"]);
    expect(stored.contacts(owner).map((c) => c.name)).toEqual(["Ada Lovelace", "Carol White", "Eve Short", "Grace Notes"]);

    // Another account: the import's page and its rejected rows are a 404, as a missing import's are.
    const other = await open({ javaScriptEnabled: false });
    await postSignUp(other.page, uniqueEmail("not-the-owner"));
    await visit(other.page, "/contacts"); // shows the welcome, once
    const missing = "AAAAAAAAAAAAAAAAAAAAAA";
    const shown: Record<string, string> = {};
    for (const importId of [id, missing]) {
      const response = await visit(other.page, `/contacts/import/${importId}`);
      expect(response.status(), importId).toBe(404);
      shown[importId] = await other.page.locator("main").innerText();
      const csv = await other.page.request.get(`/contacts/import/${importId}/rejected.csv`);
      expect(csv.status(), importId).toBe(404);
      expect(csv.headers()["content-disposition"], importId).toBeUndefined();
      expect(await csv.text()).not.toContain("Dan Extra");
    }
    expect(shown[id]).toBe(shown[missing]);
    expect(shown[id]).toContain("This import does not exist, or it is not one of yours.");
    expect(shown[id]).not.toContain("bad-rows.csv");
  });
});

describe.each([{ js: false }, { js: true }])("export, JavaScript $js", ({ js }) => {
  test("the list's CSV and vCard links download dated attachments; a search narrows them; /account has them too", async () => {
    const { page } = await open({ javaScriptEnabled: js });
    await postSignUp(page, uniqueEmail("export"));
    await postContact(page, {
      name: "Ada Lovelace",
      email: "ada@example.com",
      company: "Analytical Engines",
      phone: "+44 20 7946 0000",
      notes: "Line one\nline two",
    });
    await postContact(page, { name: "Grace Hopper", email: "grace@navy.example", company: "US Navy" });
    await postContact(page, { name: "Alan Turing", email: "alan@bletchley.example" });

    await visit(page, "/contacts");
    const transfer = page.locator("p.transfer");
    await expectText(transfer, "Import · Export all as CSV or vCard");
    const csv = await download(page, transfer.getByRole("link", { name: "CSV", exact: true }), dir);
    expectDated(csv.download.suggestedFilename(), "cardfile-contacts", "csv");
    const csvHeaders = await downloadHeaders(page, csv.download.url());
    expect(csvHeaders["content-disposition"]).toMatch(/^attachment; filename="cardfile-contacts-\d{4}-\d{2}-\d{2}\.csv"$/);
    expect(csvHeaders["content-type"]).toBe("text/csv; charset=utf-8");
    const [header, ...rows] = csvRecords(csv.text);
    expect(header).toEqual(GOOGLE_HEADER);
    expect(csv.text.split("\r\n")[0]).toBe(`\uFEFF${GOOGLE_HEADER.join(",")}`);
    expect(rows.map((row) => row.slice(0, 2).join(" ")).sort()).toEqual(["Ada Lovelace", "Alan Turing", "Grace Hopper"]);
    expect(rows.find((row) => row[0] === "Ada")).toEqual([
      "Ada",
      "Lovelace",
      "ada@example.com",
      "Analytical Engines",
      "+44 20 7946 0000",
      "Line one\nline two",
      "",
    ]);

    const vcf = await download(page, transfer.getByRole("link", { name: "vCard", exact: true }), dir);
    expectDated(vcf.download.suggestedFilename(), "cardfile-contacts", "vcf");
    const vcfHeaders = await downloadHeaders(page, vcf.download.url());
    expect(vcfHeaders["content-disposition"]).toMatch(/^attachment; filename="cardfile-contacts-\d{4}-\d{2}-\d{2}\.vcf"$/);
    expect(vcfHeaders["content-type"]).toBe("text/vcard; charset=utf-8");
    const cards = vcards(vcf.text);
    expect(cards).toHaveLength(3);
    for (const card of cards) expect(card).toMatch(/^BEGIN:VCARD\r\nVERSION:3\.0\r\n[\s\S]*\r\nEND:VCARD\r\n$/);
    expect(cards.map((card) => /^FN:(.*)\r$/m.exec(card)?.[1]).sort()).toEqual(["Ada Lovelace", "Alan Turing", "Grace Hopper"]);

    // A search: the links export what the list shows.
    await page.getByLabel("Search contacts").fill("NAVY");
    await page.getByLabel("Search contacts").press("Enter");
    await waitForPath(page, "/contacts?q=NAVY");
    await expectText(transfer, "Import · Export these as CSV or vCard");
    expect(await transfer.getByRole("link", { name: "CSV", exact: true }).getAttribute("href")).toBe("/contacts/export.csv?q=NAVY");
    const found = await download(page, transfer.getByRole("link", { name: "CSV", exact: true }), dir);
    expect(csvRecords(found.text).slice(1)).toEqual([["Grace", "Hopper", "grace@navy.example", "US Navy", "", "", ""]]);
    const foundCards = vcards((await download(page, transfer.getByRole("link", { name: "vCard", exact: true }), dir)).text);
    expect(foundCards).toHaveLength(1);
    expect(foundCards[0]).toContain("\r\nFN:Grace Hopper\r\n");

    // The account page: "Download my data", every contact.
    await visit(page, "/account");
    const section = page.getByRole("heading", { name: "Download my data" });
    expect(await section.count()).toBe(1);
    const mine = page.locator("main").getByRole("link", { name: "CSV", exact: true });
    expect(await mine.getAttribute("href")).toBe("/contacts/export.csv");
    expect(await page.locator("main").getByRole("link", { name: "vCard", exact: true }).getAttribute("href")).toBe("/contacts/export.vcf");
    expect(csvRecords((await download(page, mine, dir)).text)).toHaveLength(4);
    expect(vcards((await download(page, page.locator("main").getByRole("link", { name: "vCard", exact: true }), dir)).text)).toHaveLength(
      3,
    );
  });
});

// Contacts with what an export must carry over: line breaks, quotes, commas
// and semicolons, backslashes, text a spreadsheet would run as a formula,
// scripts other than Latin, notes long enough to fold, a name that is the
// company or the email, a contact with a phone and no email.
const ROUND_TRIP: ContactFields[] = [
  {
    name: "Ada Lovelace",
    email: "ada@example.com",
    company: "Analytical Engines",
    phone: "+44 20 7946 0000",
    notes: 'Met at the Royal Society.\nPrefers "Ada" to "Augusta".',
  },
  {
    name: "Zoë Łukasiewicz-Núñez",
    email: "Zoe.Nunez@Example.NET",
    company: "Smith, Jones & Co; Partners",
    notes: "Allergic to nuts.\n\n— call first",
  },
  { name: "小龍 李", email: "xiaolong@example.cn", phone: "+86 10 1234 5678" },
  { name: "+1 555 0100", email: "", phone: "+1 555 0100" },
  { name: "Acme Widgets Ltd", email: "orders@acme-widgets.example", company: "Acme Widgets Ltd" },
  { name: "solo@example.org", email: "solo@example.org" },
  { name: '=HYPERLINK("http://evil.example")', email: "formula@example.com", company: "@Home", notes: "-starts with a dash\n+and a plus" },
  { name: "O'Brien; Pat, Jr.", email: "pat@example.com", company: "Back\\slash", notes: "semi;colon, comma\\ and a backslash: \\n" },
  { name: "Mary  Ann Evans", email: "george.eliot@example.com", notes: "Καλημέρα ☀️ ".repeat(35).trim() },
  { name: "Only A Name", email: "" },
];

describe("round trip", () => {
  test("CSV and vCard exports of one account, each imported into a fresh account, give the same contacts, field for field; the same file again, nothing new", async () => {
    const source = await open({ javaScriptEnabled: false });
    const sourceEmail = await postSignUp(source.page, uniqueEmail("round-trip"));
    for (const contact of ROUND_TRIP) await postContact(source.page, contact);
    const exported = stored.contacts(sourceEmail);
    expect(exported).toHaveLength(ROUND_TRIP.length);

    await visit(source.page, "/contacts");
    const transfer = source.page.locator("p.transfer");
    const csv = await download(source.page, transfer.getByRole("link", { name: "CSV", exact: true }), dir);
    const vcf = await download(source.page, transfer.getByRole("link", { name: "vCard", exact: true }), dir);

    const imported: { page: Page; email: string }[] = [];
    for (const [file, format] of [
      [csv.path, "Google Contacts (CSV), separated by commas"],
      [vcf.path, "vCard"],
    ] as const) {
      const { page } = await open({ javaScriptEnabled: true });
      const email = await postSignUp(page, uniqueEmail("round-trip-to"));
      await uploadForReview(page, file);
      expect(await importFacts(page), file).toMatchObject({ Format: format, Encoding: "UTF-8" });
      expect(await startAndAwaitResult(page, true), file).toEqual({ created: ROUND_TRIP.length, updated: 0, skipped: 0, rejected: 0 });
      expect(stored.contacts(email), file).toEqual(exported);
      imported.push({ page, email });
    }

    // The same file again: every contact is there already, nothing new.
    const { page, email } = imported[0]!;
    await uploadForReview(page, csv.path);
    expect((await previewRows(page)).map((cells) => cells.at(-1))).toEqual(Array(ROUND_TRIP.length).fill("Already in your contacts"));
    expect(await startAndAwaitResult(page, true)).toEqual({ created: 0, updated: 0, skipped: ROUND_TRIP.length, rejected: 0 });
    expect(stored.contacts(email)).toEqual(exported);
  });
});
