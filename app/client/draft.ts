import { useLocation, useNavigation } from "@remix-run/react";
import { useCallback, useEffect, useState, type RefObject } from "react";

// Drafts of the contact forms, with JavaScript: what the user types is kept in
// sessionStorage (this tab only, gone with it) and put back if the page is
// reloaded or the tab crashes before the save went through. A draft keeps the
// form's hidden fields too: its one-time submission key, so that sending a
// restored draft whose first send did land gets that first answer instead of
// a duplicate, and the version the edit started from, so that a draft older
// than the contact gets the conflict page instead of overwriting.

const PREFIX = "cardfile:draft:";

type Fields = Record<string, string>;

function read(key: string): Fields | null {
  try {
    const raw = sessionStorage.getItem(PREFIX + key);
    const parsed: unknown = raw ? JSON.parse(raw) : null;
    if (typeof parsed !== "object" || parsed === null) return null;
    return Object.fromEntries(Object.entries(parsed).filter(([, value]) => typeof value === "string")) as Fields;
  } catch {
    return null; // storage disabled, or not our JSON
  }
}

/**
 * A group of checkboxes (a contact's labels) is kept under this prefix and
 * its name, as the JSON list of the values checked: none checked is a
 * choice too, and FormData would leave it out.
 */
const CHECKED = "checked:";

function isCheckbox(input: Input): input is HTMLInputElement {
  return input instanceof HTMLInputElement && input.type === "checkbox";
}

function write(key: string, form: HTMLFormElement) {
  const fields: Fields = {};
  for (const [name, value] of new FormData(form)) if (typeof value === "string") fields[name] = value;
  const checked = new Map<string, string[]>();
  for (const input of fieldsOf(form).filter(isCheckbox)) {
    const values = checked.get(input.name) ?? [];
    if (input.checked) values.push(input.value);
    checked.set(input.name, values);
  }
  for (const [name, values] of checked) {
    delete fields[name];
    fields[CHECKED + name] = JSON.stringify(values);
  }
  try {
    sessionStorage.setItem(PREFIX + key, JSON.stringify(fields));
  } catch {
    // Full or disabled storage: the form still works, only without a draft.
  }
}

function clear(key: string) {
  try {
    sessionStorage.removeItem(PREFIX + key);
  } catch {
    // nothing kept, nothing to clear
  }
}

type Input = HTMLInputElement | HTMLTextAreaElement;

function fieldsOf(form: HTMLFormElement): Input[] {
  return [...form.elements].filter((el): el is Input => el instanceof HTMLInputElement || el instanceof HTMLTextAreaElement);
}

/** Puts `fields` into the form's visible fields; says whether any changed. */
function apply(form: HTMLFormElement, fields: Fields): boolean {
  let changed = false;
  for (const input of fieldsOf(form)) {
    if (isCheckbox(input)) {
      const checked = checkedValues(fields[CHECKED + input.name]);
      if (checked === null || checked.includes(input.value) === input.checked) continue;
      input.checked = !input.checked;
      changed = true;
      continue;
    }
    const value = fields[input.name];
    if (input.type === "hidden" || value === undefined || value === input.value) continue;
    input.value = value;
    changed = true;
  }
  return changed;
}

function checkedValues(json: string | undefined): string[] | null {
  if (json === undefined) return null;
  try {
    const values: unknown = JSON.parse(json);
    return Array.isArray(values) ? values.filter((value): value is string => typeof value === "string") : null;
  } catch {
    return null;
  }
}

/**
 * Keeps the form's draft under `key` ("new", "edit:<id>"). Call `save` on
 * input. Returns whether a draft was put back (to say so), `discard`, and
 * `hidden(name)`: the value to render for one of `hiddenFields`.
 *
 * Hidden fields are rendered by React, which would put its own value back on
 * the next render, so a restored one is kept in state instead of the DOM,
 * and only while the server's value is still the one it replaced: a new key
 * or version from the server (after a conflict, say) wins.
 */
export function useDraft(formRef: RefObject<HTMLFormElement>, key: string, hiddenFields: Fields) {
  const [restored, setRestored] = useState(false);
  const [kept, setKept] = useState<{ value: Fields; replaced: Fields } | null>(null);
  const navigation = useNavigation();
  const location = useLocation();

  useEffect(() => {
    const form = formRef.current;
    const draft = read(key);
    if (!form || !draft) return;
    if (!apply(form, draft)) return clear(key); // nothing the user typed: an old copy of what is there
    setRestored(true);
    const value: Fields = {};
    const replaced: Fields = {};
    for (const [name, current] of Object.entries(hiddenFields)) {
      if (draft[name] === undefined || draft[name] === current) continue;
      value[name] = draft[name];
      replaced[name] = current;
    }
    setKept({ value, replaced });
    // eslint-disable-next-line react-hooks/exhaustive-deps -- only when the form mounts: later renders carry what the user does next
  }, [formRef, key]);

  // Saved: this form's POST redirected elsewhere (a 400 or 409 stays on the
  // page with the values, and so does the draft).
  const posted = navigation.formMethod?.toUpperCase() === "POST" && navigation.formAction?.split("?")[0] === location.pathname;
  const redirected = navigation.state === "loading" && posted && navigation.location.pathname !== location.pathname;
  useEffect(() => {
    if (redirected) clear(key);
  }, [redirected, key]);

  const save = useCallback(() => {
    if (formRef.current) write(key, formRef.current);
  }, [formRef, key]);

  const discard = useCallback(() => {
    clear(key);
    formRef.current?.reset();
    setRestored(false);
    setKept(null);
  }, [formRef, key]);

  const hidden = (name: string): string | undefined =>
    kept?.value[name] !== undefined && kept.replaced[name] === hiddenFields[name] ? kept.value[name] : hiddenFields[name];

  return { restored, save, discard, hidden };
}
