// Search at scale: loads N contacts (default 1,000,000) into ONE account of a
// scratch database and times representative searches through listContacts.
// Not part of any suite; see docs/decisions/0019-indexed-search.md.
//
//   npx tsx bench/search-scale.ts load sqlite [count]    scratch file /tmp/cardfile-search-scratch.sqlite
//   npx tsx bench/search-scale.ts time sqlite [runs]
//   npx tsx bench/search-scale.ts drop sqlite
//   (the same with postgres: database cardfile_search_scratch on TEST_POSTGRES_URL)
//
// PLAIN_LOAD=1 loads with the search index kept live (no bulkLoad);
// GATHER_LIMIT=n and WALK_LIMIT=n time other thresholds than SEARCH_PLAN's.
//
// Contacts come from scripts/seed-data.ts, created_at spread over three years in
// order. Two blocks of old contacts get a company of their own, for terms of
// middling frequency that live only in old rows.
import { rmSync } from "node:fs";
import pg from "pg";
import type { NewContactRow } from "#db/schema";

const [command = "time", dialect = "sqlite", arg] = process.argv.slice(2);
const ADMIN_URL = process.env.TEST_POSTGRES_URL ?? "postgres://postgres@127.0.0.1:5432/postgres";
const SCRATCH_DB = "cardfile_search_scratch";
const SQLITE_FILE = "/tmp/cardfile-search-scratch.sqlite";
const OWNER = "search-scale-owner-0001";

function scratchUrl(): string {
  if (dialect === "sqlite") return `file:${SQLITE_FILE}`;
  const url = new URL(ADMIN_URL);
  url.pathname = `/${SCRATCH_DB}`;
  return url.toString();
}

async function admin(query: string): Promise<void> {
  const client = new pg.Client({ connectionString: ADMIN_URL });
  await client.connect();
  try {
    await client.query(query);
  } finally {
    await client.end();
  }
}

/** Old contacts that share a company: [first position, count, company]. */
const OLD_BLOCKS: [number, number, string][] = [
  [100_000, 10_000, "Legacy Import Partners"],
  [300_000, 2_000, "Oldfield Archive"],
];

async function load(count: number): Promise<void> {
  if (dialect === "sqlite") {
    for (const suffix of ["", "-wal", "-shm"]) rmSync(SQLITE_FILE + suffix, { force: true });
  } else {
    await admin(`drop database if exists ${SCRATCH_DB} with (force)`);
    await admin(`create database ${SCRATCH_DB}`);
  }
  process.env.DATABASE_URL = scratchUrl();
  const { db } = await import("#app/db.server");
  const { migrateToLatest } = await import("#db/migrate");
  const { bulkLoad } = await import("#app/contacts/search-index.server");
  const { searchText } = await import("#app/contacts/search");
  const { seedContact, seedCreatedAt, seedNumber } = await import("#scripts/seed-data");
  const { randomBytes } = await import("node:crypto");
  await migrateToLatest(db);
  await db
    .insertInto("users")
    .values({ id: OWNER, email: "scale@example.test", email_key: "scale@example.test", password_hash: "x", created_at: Date.now() })
    .execute();

  const seed = seedNumber("cardfile");
  const to = Date.now() - 60_000;
  const from = to - 3 * 365 * 24 * 3600 * 1000;
  const started = performance.now();
  let indexedAt = 0;
  // PLAIN_LOAD=1: keep the index live during the load, to compare with bulkLoad.
  const load = process.env.PLAIN_LOAD ? <T>(fn: () => Promise<T>) => fn() : bulkLoad;
  await load(async () => {
    const BATCH = 10_000;
    for (let start = 0; start < count; start += BATCH) {
      const rows: NewContactRow[] = [];
      for (let position = start; position < Math.min(count, start + BATCH); position++) {
        const contact = seedContact(seed, position + 1);
        const block = OLD_BLOCKS.find(([first, n]) => position >= first && position < first + n);
        if (block) contact.company = block[2];
        const createdAt = seedCreatedAt(seed, position, count, from, to);
        rows.push({
          id: randomBytes(16).toString("base64url"),
          owner_id: OWNER,
          ...contact,
          email_key: contact.email.normalize("NFC").toLowerCase(),
          search: searchText(contact),
          created_at: createdAt,
          updated_at: createdAt,
        });
      }
      await db.transaction().execute(async (trx) => {
        for (let i = 0; i < rows.length; i += 1000)
          await trx
            .insertInto("contacts")
            .values(rows.slice(i, i + 1000))
            .execute();
      });
      if ((start / BATCH) % 10 === 9) console.log(`${start + BATCH} rows, ${((performance.now() - started) / 1000).toFixed(1)} s`);
    }
    indexedAt = performance.now();
  });
  const done = performance.now();
  console.log(
    `loaded ${count} in ${((indexedAt - started) / 1000).toFixed(1)} s, index ${((done - indexedAt) / 1000).toFixed(1)} s, total ${((done - started) / 1000).toFixed(1)} s`,
  );
  const { sql } = await import("kysely");
  const t = performance.now();
  await sql`analyze`.execute(db);
  console.log(`analyze ${((performance.now() - t) / 1000).toFixed(1)} s`);
  await db.destroy();
}

/** [label, query, how many pages deep (0: the first)] */
const QUERIES: [string, string, number][] = [
  ["list", "", 0],
  ["list page 1000", "", 999],
  ["common 'mar'", "mar", 0],
  ["common 'son'", "son", 0],
  ["common 'example'", "example", 0],
  ["common 'ada'", "ada", 0],
  ["rare 'hopper12345'", "hopper12345", 0],
  ["rare '123456@'", "123456@", 0],
  ["none 'zhukov'", "zhukov", 0],
  ["none 'hopper 12345'", "hopper 12345", 0],
  ["middling 'ölmez'", "ölmez", 0],
  ["middling 'lovelace'", "lovelace", 0],
  ["middling old 'legacy import'", "legacy import", 0],
  ["middling old 'oldfield'", "oldfield", 0],
  ["middling old 'legacy' page 20", "legacy", 19],
  ["short 'ad'", "ad", 0],
  ["short 'zo'", "zo", 0],
  ["short 'ö'", "ö", 0],
  ["short 'xq'", "xq", 0],
  ["short 'q'", "q", 0],
  ["short 'ж'", "ж", 0],
  ["short 'le' page 20", "le", 19],
];

async function time(runs: number): Promise<void> {
  process.env.DATABASE_URL = scratchUrl();
  const { db } = await import("#app/db.server");
  const { listContacts, SEARCH_PLAN } = await import("#app/contacts/contact-list.server");
  // GATHER_LIMIT=n, WALK_LIMIT=n: try other thresholds than the app's.
  if (process.env.GATHER_LIMIT) SEARCH_PLAN.gatherLimit = Number(process.env.GATHER_LIMIT);
  if (process.env.WALK_LIMIT) SEARCH_PLAN.walkLimit = Number(process.env.WALK_LIMIT);
  // One contact's address, as the benchmark's search-rare asks.
  const { email } = await db
    .selectFrom("contacts")
    .select("email")
    .where("owner_id", "=", OWNER)
    .orderBy("created_at")
    .offset(400_000)
    .limit(1)
    .executeTakeFirstOrThrow();
  for (const [label, q, depth] of [...QUERIES, ["rare: one address", email, 0] as const]) {
    // Walk to the page first (not timed), then time reading that page.
    let cursor: string | null = null;
    let page = await listContacts(OWNER, { q });
    for (let i = 0; i < depth && page.older; i++) {
      cursor = page.older;
      page = await listContacts(OWNER, { q, cursor });
    }
    const times: number[] = [];
    for (let i = 0; i < runs; i++) {
      const t = performance.now();
      page = await listContacts(OWNER, { q, cursor });
      times.push(performance.now() - t);
    }
    times.sort((a, b) => a - b);
    const at = (p: number) => times[Math.min(times.length - 1, Math.floor(p * times.length))]!.toFixed(1);
    console.log(
      `${label.padEnd(34)} ${String(page.contacts.length).padStart(3)} rows  p50 ${at(0.5).padStart(7)} ms  p95 ${at(0.95).padStart(7)} ms`,
    );
  }
  await db.destroy();
}

if (command === "load") await load(Number(arg ?? 1_000_000));
else if (command === "time") await time(Number(arg ?? 30));
else if (command === "drop") {
  if (dialect === "sqlite") for (const suffix of ["", "-wal", "-shm"]) rmSync(SQLITE_FILE + suffix, { force: true });
  else await admin(`drop database if exists ${SCRATCH_DB} with (force)`);
} else throw new Error(`unknown command ${command}`);
