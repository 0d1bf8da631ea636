import { register } from "node:module";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { DEFAULT_SEED } from "./seed-data";

// `npm run db:seed`: the command line around scripts/seed.server.ts. Only Node's
// own modules and the pure seed-data.ts are imported up here, so `--help` and
// bad arguments answer before any configuration is read or any file touched.

export const USAGE = `Usage: npm run db:seed -- --email E --password P [--contacts N] [--seed S] [--batch B]

Creates the account E with password P (or reuses it if P is its password) and
adds N generated contacts to it, on the database in DATABASE_URL (migrated
first). The same seed gives the same contacts.

  --contacts N   contacts to add, 0 to 10,000,000 (default 1,000; 1_000 and 1,000 work too)
  --email E      the account's email address
  --password P   its password: signup's rules apply (8 to 128 characters, not a common one)
  --seed S       any text (default "cardfile")
  --batch B      rows per transaction, 1 to 100,000 (default 10,000)
  --help         this text

A new account's password is hashed like a signup's, with scrypt at
SCRYPT_LOG_N (default 17, about a quarter of a second).
Exit status: 0 done, 2 bad arguments or refused (nothing written), 1 failed.`;

export interface SeedArgs {
  email: string;
  password: string;
  contacts: number;
  seed: string;
  batch: number;
}

export type ParsedSeedArgs = { kind: "run"; args: SeedArgs } | { kind: "help" } | { kind: "error"; message: string };

const MAX_CONTACTS = 10_000_000;
const MAX_BATCH = 100_000;

function count(name: string, raw: string | undefined, fallback: number, min: number, max: number): number | string {
  if (raw === undefined) return fallback;
  const value = /^\d{1,3}([_,]?\d{3})*$|^\d+$/.test(raw.trim()) ? Number(raw.trim().replace(/[_,]/g, "")) : NaN;
  if (!Number.isSafeInteger(value) || value < min || value > max) {
    return `--${name} must be a whole number from ${min.toLocaleString("en-US")} to ${max.toLocaleString("en-US")}, not "${raw}"`;
  }
  return value;
}

export function parseSeedArgs(argv: string[]): ParsedSeedArgs {
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      strict: true,
      allowPositionals: false,
      options: {
        contacts: { type: "string", short: "n" },
        email: { type: "string", short: "e" },
        password: { type: "string", short: "p" },
        seed: { type: "string" },
        batch: { type: "string" },
        help: { type: "boolean", short: "h" },
      },
    }));
  } catch (error) {
    // parseArgs explains itself; its first sentence is the useful part.
    return { kind: "error", message: (error as Error).message.split(/\.\s|\n/)[0]!.replace(/\.$/, "") };
  }
  if (values.help) return { kind: "help" };
  if (values.email === undefined) return { kind: "error", message: "--email is required" };
  if (values.password === undefined) return { kind: "error", message: "--password is required" };
  const contacts = count("contacts", values.contacts, 1_000, 0, MAX_CONTACTS);
  if (typeof contacts === "string") return { kind: "error", message: contacts };
  const batch = count("batch", values.batch, 10_000, 1, MAX_BATCH);
  if (typeof batch === "string") return { kind: "error", message: batch };
  if (values.seed !== undefined && values.seed === "") return { kind: "error", message: "--seed must not be empty" };
  return { kind: "run", args: { email: values.email, password: values.password, contacts, seed: values.seed ?? DEFAULT_SEED, batch } };
}

/**
 * password-rules.server.ts imports its word list with Vite's `?raw`. Outside
 * Vite (tsx), this teaches Node's loader the same thing: such an import is the
 * file's text as the default export.
 */
function registerRawImports() {
  const hook = `
    import { readFile } from "node:fs/promises";
    export async function load(url, context, nextLoad) {
      if (!url.startsWith("file:") || !url.endsWith("?raw")) return nextLoad(url, context);
      const text = await readFile(new URL(url.slice(0, -"?raw".length)), "utf8");
      return { format: "module", source: "export default " + JSON.stringify(text) + ";", shortCircuit: true };
    }`;
  register(`data:text/javascript,${encodeURIComponent(hook)}`);
}

async function main(argv: string[]): Promise<number> {
  const parsed = parseSeedArgs(argv);
  if (parsed.kind === "help") {
    console.log(USAGE);
    return 0;
  }
  if (parsed.kind === "error") {
    console.error(`db:seed: ${parsed.message}\nRun \`npm run db:seed -- --help\` for the options.`);
    return 2;
  }
  const { args } = parsed;

  registerRawImports();
  let modules;
  try {
    modules = await Promise.all([import("#app/db.server"), import("#db/migrate"), import("./seed.server"), import("./seed-progress")]);
  } catch (error) {
    // An invalid DATABASE_URL or SCRYPT_LOG_N stops config.server.ts on import.
    console.error(`db:seed: ${(error as Error).message}`);
    return 2;
  }
  const [{ db, dialect }, { migrateToLatest }, { seedAccount, seedContacts, seedInputProblem }, { createProgress }] = modules;

  const problem = seedInputProblem(args.email, args.password);
  if (problem) {
    console.error(`db:seed: ${problem}`);
    return 2;
  }
  try {
    const applied = await migrateToLatest(db);
    if (applied.length) console.log(applied.join("\n"));

    const account = await seedAccount(args.email, args.password);
    if (!account.ok) {
      console.error(`db:seed: ${account.message}`);
      return 2;
    }
    console.log(`${account.created ? "Created" : "Reusing"} the account ${account.user.email} (${dialect}).`);

    const progress = createProgress(args.contacts, process.stderr);
    const result = await seedContacts(account.user.id, {
      count: args.contacts,
      seed: args.seed,
      batchSize: args.batch,
      onProgress: (done) => progress.update(done),
      onLoaded: () => progress.note("bringing the search index up to date…"),
    });
    progress.finish(result.added);
    const numbers = (n: number) => n.toLocaleString("en-US");
    const range =
      result.added > 0 ? `, addresses numbered ${numbers(result.firstNumber)}–${numbers(result.firstNumber + result.added - 1)}` : "";
    const before =
      result.existing > 0
        ? ` It had ${numbers(result.existing)} before; the numbering continues after theirs, so no address collides.`
        : "";
    console.log(`${account.user.email} got ${numbers(result.added)} contacts (seed "${args.seed}"${range}).${before}`);
    return 0;
  } catch (error) {
    // An unreachable Postgres arrives as the app's 503 response (app/db.server.ts), already logged.
    const reason = error instanceof Error ? error : ((error as { data?: unknown })?.data ?? error);
    console.error(`\ndb:seed failed (batches already committed stay):`, reason);
    return 1;
  } finally {
    await db.destroy();
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === path.resolve(process.argv[1])) {
  process.exitCode = await main(process.argv.slice(2));
}
