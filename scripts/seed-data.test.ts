import { describe, expect, it } from "vitest";
import { emailKey } from "#app/shared/text";
import { blankContact, CONTACT_FIELD_NAMES } from "#app/contacts/contact-fields";
import { CONTACT_LIMITS, ContactFormSchema } from "#app/contacts/contact-schema";
import { asciiFold, nextSeedIndex, seedContact, seedCreatedAt, seedNumber, type SeedContact } from "./seed-data";

const SEED = seedNumber("cardfile");

function generate(count: number, seed = SEED, first = 1): SeedContact[] {
  return Array.from({ length: count }, (_, i) => seedContact(seed, first + i));
}

describe("seed data", () => {
  const contacts = generate(100_000);

  it("is the same for the same seed and contact number, and differs for another seed", () => {
    expect(generate(500)).toEqual(contacts.slice(0, 500));
    // A run that starts later (reusing an account) gets the same contact for a number.
    expect(generate(10, SEED, 4_001)).toEqual(contacts.slice(4_000, 4_010));
    const other = generate(500, seedNumber("other"));
    expect(other.filter((c, i) => c.name === contacts[i]!.name).length).toBeLessThan(50);
    expect(seedNumber("cardfile")).toBe(seedNumber("cardfile"));
    expect(seedNumber("a")).not.toBe(seedNumber("b"));
  });

  it("gives 100,000 contacts 100,000 different addresses, ignoring case", () => {
    expect(new Set(contacts.map((c) => emailKey(c.email))).size).toBe(100_000);
  });

  it("makes contacts that the contact form's schema accepts unchanged, within its limits", () => {
    for (const contact of contacts.slice(0, 20_000)) {
      // As the form would post it: an empty field is "" (a field the generator leaves out too).
      const full = { ...blankContact(), ...contact };
      const posted = Object.fromEntries(CONTACT_FIELD_NAMES.map((name) => [name, full[name] ?? ""]));
      const parsed = ContactFormSchema.safeParse(posted);
      expect(parsed.success ? parsed.data : parsed.error.issues, JSON.stringify(contact)).toEqual(full);
    }
    const longest = (field: keyof SeedContact) => Math.max(...contacts.map((c) => c[field]?.length ?? 0));
    expect(longest("name")).toBeLessThanOrEqual(CONTACT_LIMITS.name);
    expect(longest("email")).toBeLessThanOrEqual(CONTACT_LIMITS.email);
    expect(longest("company")).toBeLessThanOrEqual(CONTACT_LIMITS.company);
    expect(longest("phone")).toBeLessThanOrEqual(CONTACT_LIMITS.phone);
    expect(longest("notes")).toBeLessThanOrEqual(CONTACT_LIMITS.notes);
    expect(contacts.every((c) => c.name === c.name.normalize("NFC") && c.notes === (c.notes?.normalize("NFC") ?? null))).toBe(true);
  });

  it("is varied: many names and scripts, optional fields sometimes empty, phones in many formats", () => {
    const names = contacts.map((c) => c.name);
    expect(new Set(names).size).toBeGreaterThan(20_000);
    for (const part of [
      "Zoë",
      "Łukasz",
      "Ólafur",
      "Nguyễn",
      "Müller",
      "O'Brien",
      "Þórdís",
      "佐藤",
      "Ольга",
      "Παπαδόπουλος",
      "김",
      "محمد",
    ]) {
      expect(
        names.some((name) => name.includes(part)),
        part,
      ).toBe(true);
    }
    expect(names.filter((name) => /\P{ASCII}/u.test(name)).length).toBeGreaterThan(30_000);
    const share = (test: (c: SeedContact) => boolean) => contacts.filter(test).length / contacts.length;
    expect(share((c) => c.company === null)).toBeGreaterThan(0.1);
    expect(share((c) => c.company === null)).toBeLessThan(0.2);
    expect(share((c) => c.phone === null)).toBeGreaterThan(0.08);
    expect(share((c) => c.notes === null)).toBeGreaterThan(0.3);
    expect(share((c) => c.notes === null)).toBeLessThan(0.5);
    expect(share((c) => c.notes?.includes("\n") ?? false)).toBeGreaterThan(0.05);
    expect(share((c) => c.email !== c.email.toLowerCase())).toBeGreaterThan(0.01);
    expect(new Set(contacts.map((c) => c.company)).size).toBeGreaterThan(10_000);
    expect(new Set(contacts.map((c) => c.phone?.replace(/\d/g, "#"))).size).toBeGreaterThan(60);
    expect(new Set(contacts.map((c) => c.email.split("@")[1])).size).toBeGreaterThan(1_000);
  });

  it("folds names to Latin letters for addresses", () => {
    expect(asciiFold("Łukasz Ólafsdóttir Nguyễn Müller Þórdís Søren Weiß")).toBe("Lukasz Olafsdottir Nguyen Muller Thordis Soren Weiss");
  });
});

describe("nextSeedIndex", () => {
  it("starts after the largest number a generated address could end in", () => {
    expect(nextSeedIndex([])).toBe(1);
    expect(nextSeedIndex(generate(50).map((c) => emailKey(c.email)))).toBe(51);
    expect(nextSeedIndex(["ada@example.com", "bob.7@example.com", "x7y3@example.com", "z9@a1.example"])).toBe(10);
    // Ten digits is more than a generated address carries: it cannot collide.
    expect(nextSeedIndex(["phone1234567890@example.com"])).toBe(1);
  });

  it("never reuses an address a previous run made, whatever it started from", () => {
    const first = generate(2_000).map((c) => emailKey(c.email));
    const next = nextSeedIndex(first);
    const second = generate(2_000, seedNumber("another seed"), next).map((c) => emailKey(c.email));
    expect(new Set([...first, ...second]).size).toBe(4_000);
  });
});

describe("seedCreatedAt", () => {
  it("spreads contacts over the span, oldest first", () => {
    const from = Date.UTC(2023, 0, 1);
    const to = Date.UTC(2026, 0, 1);
    const times = Array.from({ length: 10_000 }, (_, i) => seedCreatedAt(SEED, i, 10_000, from, to));
    expect(times[0]).toBeGreaterThanOrEqual(from);
    expect(times.at(-1)).toBeLessThan(to);
    expect(times.every((t, i) => i === 0 || t > times[i - 1]!)).toBe(true);
    // About half of them in the first half.
    expect(times.filter((t) => t < (from + to) / 2).length).toBeCloseTo(5_000, -2);
    expect(seedCreatedAt(SEED, 7, 10_000, from, to)).toBe(times[7]);
  });
});
