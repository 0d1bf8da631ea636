import { describe, expect, it } from "vitest";
import { candidateOf } from "./candidate";

describe("candidateOf", () => {
  const record = (values: string[]) => ({ number: 2, values });

  it("takes the first non-empty value of the columns mapped to one field, and the first of Google's ' ::: ' values", () => {
    const { fields } = candidateOf(record(["Ada", "", "ada@example.com ::: ada@work.example", "+44 1", "+44 2"]), [
      "name",
      "email",
      "email",
      "phone",
      "phone",
    ]);
    expect(fields).toMatchObject({ name: "Ada", email: "ada@example.com", phone: "+44 1", company: "", notes: "" });
  });

  it("splits ' ::: ' only where Google joins values (emails, phones), and takes the first email that looks like one", () => {
    const { fields } = candidateOf(
      record(["Notes ::: with colons", "Co ::: Ltd", "/o=ExchangeLabs/ou=Exchange/cn=Recipients/cn=ada", "ada@example.com"]),
      ["notes", "company", "email", "email"],
    );
    expect(fields).toMatchObject({ notes: "Notes ::: with colons", company: "Co ::: Ltd", email: "ada@example.com" });
    expect(candidateOf(record(["not an address"]), ["email"]).fields.email).toBe("not an address");
  });

  it("joins the name's parts when no column gives the whole name, in order, and ignores unmapped columns", () => {
    const mapping = ["name:last", "name:first", "name:prefix", "name:middle", "name:suffix", null] as const;
    expect(candidateOf(record(["Hopper", "Grace", "Dr.", "Brewster", "PhD", "ignored"]), [...mapping]).fields.name).toBe(
      "Dr. Grace Brewster Hopper PhD",
    );
    expect(candidateOf(record(["Whole Name", "Part"]), ["name", "name:first"]).fields.name).toBe("Whole Name");
  });

  it("names a contact without a name after its company, else its email, else its phone, as address books show it", () => {
    expect(candidateOf(record(["", "Acme", "a@b.co", "1"]), ["name", "company", "email", "phone"]).fields.name).toBe("Acme");
    expect(candidateOf(record(["", "", "a@b.co", "1"]), ["name", "company", "email", "phone"]).fields.name).toBe("a@b.co");
    expect(candidateOf(record(["", "", "", "+1 555"]), ["name", "company", "email", "phone"]).fields.name).toBe("+1 555");
    expect(candidateOf(record(["", "", "", ""]), ["name", "company", "email", "phone"]).fields.name).toBe("");
  });

  it("splits labels on ' ::: ' (Google, vCard) and ';' (Outlook)", () => {
    expect(candidateOf(record(["* myContacts ::: Friends", "Work;Golf", "Work, Dublin"]), ["labels", "labels", "labels"]).labels).toEqual([
      "* myContacts",
      "Friends",
      "Work",
      "Golf",
      "Work, Dublin",
    ]);
  });
});
