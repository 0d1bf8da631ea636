import { ESLint } from "eslint";
import { describe, expect, it } from "vitest";

// The layer boundaries of eslint.config.js, tried on code that breaks each
// one (and code that keeps it), as `npm run lint` would see it in that file.
const eslint = new ESLint({ cwd: new URL("..", import.meta.url).pathname });

async function restrictedImports(filePath: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath });
  return result!.messages.filter((m) => m.ruleId === "no-restricted-imports").map((m) => m.message);
}

describe("layer boundaries (eslint.config.js)", () => {
  it.each([
    ["app/routes/some-page.tsx", 'import { db } from "#app/db.server";\nexport const x = db;\n', /through a domain function/],
    [
      "app/routes/some-page.tsx",
      'import { createDatabase } from "#db/database.server";\nexport const x = createDatabase;\n',
      /through a domain function/,
    ],
    ["app/routes/some-page.tsx", 'import { sql } from "kysely";\nexport const x = sql;\n', /through a domain function/],
    ["app/contacts/some.server.ts", 'import * as page from "#app/routes/contacts.new";\nexport const x = page;\n', /never import routes/],
    ["app/contacts/some.server.ts", 'import { call } from "#tests/route-helpers";\nexport const x = call;\n', /does not depend on tests/],
    ["app/client/some.ts", 'import { db } from "#app/db.server";\nexport const x = db;\n', /never touches the database/],
    ["app/components/some.tsx", 'import { getUser } from "#app/auth/session.server";\nexport const x = getUser;\n', /server-only modules/],
    ["app/shared/some.ts", 'import { randomBytes } from "node:crypto";\nexport const x = randomBytes;\n', /no Node modules/],
    ["db/some.ts", 'import { config } from "#app/config.server";\nexport const x = config;\n', /knows nothing of the app/],
    ["db/some.ts", 'import { data } from "@remix-run/node";\nexport const x = data;\n', /builds no HTTP responses/],
    [
      "migrations/2030-01-01T0000_x.ts",
      'import { emailKey } from "#app/shared/text";\nexport const x = emailKey;\n',
      /Migrations are frozen/,
    ],
    ["server/some.js", 'import { db } from "#app/db.server";\nexport const x = db;\n', /only through the build/],
    ["app/contacts/some.ts", 'import { x } from "../shared/text";\nexport const y = x;\n', /subpath import/],
  ])("%s may not: %s", async (file, code, message) => {
    const messages = await restrictedImports(file, code);
    expect(messages, messages.join("\n")).toContainEqual(expect.stringMatching(message));
  });

  it.each([
    ["app/routes/some-page.tsx", 'import { getContact } from "#app/contacts/contacts.server";\nexport const x = getContact;\n'],
    ["app/contacts/some.server.ts", 'import { db } from "#app/db.server";\nexport const x = db;\n'],
    [
      "app/routes/some.db.test.ts",
      'import { db } from "#app/db.server";\nimport { call } from "#tests/route-helpers";\nexport const x = [db, call];\n',
    ],
    ["db/some.ts", 'import { Kysely } from "kysely";\nexport const x = Kysely;\n'],
    ["migrations/2030-01-01T0000_x.ts", 'import type { Kysely } from "kysely";\nexport type X = Kysely<any>;\n'],
  ])("%s may import what its layer allows", async (file, code) => {
    expect(await restrictedImports(file, code)).toEqual([]);
  });
});
