import { describe, expect, it } from "vitest";
import { hasControlChars } from "#app/shared/text";
import { createTestContact, signedInUser, uniqueEmail } from "#tests/factories";
import { call, get } from "#tests/route-helpers";
import * as list from "./contacts._index";

// `q` is form input too: what the list echoes (the search box, the title, the
// list's label) is exactly what it searched for, with no control characters.
describe(`the list's query (${process.env.TEST_DIALECT})`, () => {
  it("echoes no control characters, and searches what it echoes", async () => {
    const { user, cookie } = await signedInUser();
    await createTestContact(user.id, { name: "Ada Lovelace", email: uniqueEmail("ada") });
    await createTestContact(user.id, { name: "Grace Hopper", email: uniqueEmail("grace") });

    // A NUL alone is no query: the whole list, and nothing echoed.
    const nul = await call(list.loader, get("/contacts?q=%00", cookie));
    expect(nul.status).toBe(200);
    expect(nul.data.params.q).toBe("");
    expect(nul.data.contacts).toHaveLength(2);

    // Around a word, control characters are spaces: "Ada" is searched and shown.
    for (const raw of ["%00Ada", "Ada%00", "%1B%07Ada%7F", "%09Ada%0D%0A"]) {
      const res = await call(list.loader, get(`/contacts?q=${raw}`, cookie));
      expect(res.data.params.q, raw).toBe("Ada");
      expect(
        res.data.contacts.map((c: { name: string }) => c.name),
        raw,
      ).toEqual(["Ada Lovelace"]);
    }

    const inside = await call(list.loader, get("/contacts?q=Ad%00a", cookie));
    expect(hasControlChars(inside.data.params.q)).toBe(false);
    expect(inside.data.params.q).toBe("Ad a");
    expect(inside.data.contacts).toEqual([]);
  });

  it("puts no control character in the page's title", async () => {
    const { cookie } = await signedInUser();
    const res = await call(list.loader, get("/contacts?q=a%00b", cookie));
    const meta = list.meta({ data: res.data } as Parameters<typeof list.meta>[0]);
    expect(JSON.stringify(meta)).not.toMatch(/\\u0000/);
    expect(meta).toEqual([{ title: "“a b” · Contacts · Cardfile" }]);
  });
});
