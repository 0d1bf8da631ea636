// A contact's fields, described once. Everything that lists a contact's
// fields reads this: the form's zod schema (contact-schema.ts), the form
// (contact-form.tsx), the contact page and the edit conflict's table
// (contact-details.tsx), the list rows and the search text (search.ts), the
// columns the contacts module reads and writes (contacts.server.ts), the
// seeder and the test factories. Adding a field takes a migration, its
// column type in db/schema.ts and an entry here (README, "Add a field").
//
// A field's key is its column name and its form input's name.

export interface ContactFieldDescriptor {
  /** the form's label and the detail page's heading for it */
  label: string;
  /** at most this many characters, after trimming */
  max: number;
  /** required (else blank is stored as null) */
  required?: true;
  /**
   * The form input and what its value is: `email` is also validated as an
   * address; `textarea` keeps newlines (other fields refuse them); `tel`
   * and `email` are linked on the contact page.
   */
  input: "text" | "email" | "tel" | "textarea";
  /** part of what the list's search matches (search.ts; existing rows keep their old search text until saved) */
  searchable?: true;
  /** shown in the list rows, in this order after the name */
  listed?: true;
  /** the column of the CSV export and import (Google Contacts' header) */
  exportColumn: string;
  /** a realistic value: what the test factories and the README use */
  example: string | null;
}

export const CONTACT_FIELDS = {
  name: {
    label: "Name",
    max: 100,
    required: true,
    input: "text",
    searchable: true,
    listed: true,
    exportColumn: "First Name",
    example: "Ada Lovelace",
  },
  email: {
    label: "Email",
    max: 255,
    input: "email",
    searchable: true,
    listed: true,
    exportColumn: "E-mail 1 - Value",
    example: "ada@example.com",
  },
  company: {
    label: "Company",
    max: 100,
    input: "text",
    searchable: true,
    listed: true,
    exportColumn: "Organization Name",
    example: "Analytical Engines",
  },
  phone: { label: "Phone", max: 20, input: "tel", exportColumn: "Phone 1 - Value", example: "+44 20 7946 0000" },
  notes: { label: "Notes", max: 500, input: "textarea", exportColumn: "Notes", example: null },
} as const satisfies Record<string, ContactFieldDescriptor>;

export type ContactFieldName = keyof typeof CONTACT_FIELDS;

/** The field names, in the order forms and pages show them. */
export const CONTACT_FIELD_NAMES = Object.keys(CONTACT_FIELDS) as ContactFieldName[];

/** The descriptors with their names, in order. */
export const contactFields = CONTACT_FIELD_NAMES.map((name) => ({ name, ...(CONTACT_FIELDS[name] as ContactFieldDescriptor) }));

/** Each field's limit, by name (the form's `maxLength`, the schema's `max`). */
export const CONTACT_LIMITS = Object.fromEntries(contactFields.map((f) => [f.name, f.max])) as {
  [K in ContactFieldName]: (typeof CONTACT_FIELDS)[K]["max"];
};

type RequiredName<K extends ContactFieldName> = (typeof CONTACT_FIELDS)[K] extends { required: true } ? K : never;

/** A contact's field values as the app holds them: required fields are strings, optional ones may be null. */
export type ContactFields = {
  [K in ContactFieldName]: K extends RequiredName<K> ? string : string | null;
};

type NamesWith<Flag extends "listed" | "searchable"> = {
  [K in ContactFieldName]: (typeof CONTACT_FIELDS)[K] extends { [P in Flag]: true } ? K : never;
}[ContactFieldName];

export type ListedFieldName = NamesWith<"listed">;

/** The fields a list row shows, in order. */
export const LISTED_FIELD_NAMES = contactFields.filter((field) => field.listed).map((field) => field.name) as ListedFieldName[];

export type SearchableFieldName = NamesWith<"searchable">;

/** The fields the list's search matches, in order (search.ts). */
export const SEARCHABLE_FIELD_NAMES = contactFields.filter((field) => field.searchable).map((field) => field.name) as SearchableFieldName[];

/** Every field null: what a generated contact (the seeder) has where it makes no value. */
export function blankContact(): { [K in ContactFieldName]: null } {
  return Object.fromEntries(CONTACT_FIELD_NAMES.map((name) => [name, null])) as { [K in ContactFieldName]: null };
}

/** Every field's example value (the test factories' defaults). */
export function exampleContact(): ContactFields {
  return Object.fromEntries(contactFields.map((field) => [field.name, field.example])) as ContactFields;
}
