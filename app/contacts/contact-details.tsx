import { Fragment } from "react";
import { contactFields, LISTED_FIELD_NAMES, type ContactFieldDescriptor, type ContactFields, type ListedFieldName } from "./contact-fields";

// A contact's fields on a page, from the field descriptors: the contact page
// shows them as a list, the edit conflict as a table. The name is the page's
// heading, so the list leaves it out.

const LISTED_AFTER_NAME = LISTED_FIELD_NAMES.filter((name) => name !== "name");

/** A list row's text after the name: the other listed fields that have a value ("ada@example.com · Analytical Engines"). */
export function listedDetails(contact: Pick<ContactFields, ListedFieldName>): string {
  let line = "";
  for (const name of LISTED_AFTER_NAME) {
    const value = contact[name];
    if (value) line = line ? `${line} · ${value}` : value;
  }
  return line;
}

/** A phone number as a tel: URI (RFC 3966): digits and a leading +, no visual separators. */
export function telHref(phone: string): string {
  const digits = phone.replace(/[^\d+]/g, "");
  return `tel:${digits.slice(0, 1)}${digits.slice(1).replace(/\+/g, "")}`;
}

function Value({ field, value }: { field: ContactFieldDescriptor; value: string | null }) {
  if (value === null) return <span className="none">—</span>;
  if (field.input === "email") return <a href={`mailto:${value}`}>{value}</a>;
  if (field.input === "tel") return <a href={telHref(value)}>{value}</a>;
  return <>{value}</>;
}

/** The contact page's fields, as <dt>/<dd> pairs (for a <dl>), name excepted. */
export function ContactFieldList({ contact }: { contact: ContactFields }) {
  return (
    <>
      {contactFields
        .filter((field) => field.name !== "name")
        .map((field) => (
          <Fragment key={field.name}>
            <dt>{field.label}</dt>
            <dd className={field.input === "textarea" ? "notes" : undefined}>
              <Value field={field} value={contact[field.name]} />
            </dd>
          </Fragment>
        ))}
    </>
  );
}

/** Every field of the contact as table rows, as plain text (the edit conflict's "as it is now"). */
export function ContactFieldRows({ contact }: { contact: ContactFields }) {
  return (
    <>
      {contactFields.map((field) => (
        <tr key={field.name}>
          <th scope="row">{field.label}</th>
          <td>{contact[field.name] ?? "—"}</td>
        </tr>
      ))}
    </>
  );
}
