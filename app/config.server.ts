import { availableParallelism } from "node:os";
import { z } from "zod";

// Configuration is read once, at start-up. A wrong value stops the process with
// a message that names the variable, instead of failing later on a request.
const ConfigSchema = z
  .object({
    NODE_ENV: z.enum(["development", "production", "test"]).default("development"),
    DATABASE_URL: z
      .string()
      .default("file:./data/cardfile.sqlite")
      .refine((url) => /^(file:.+|postgres(ql)?:\/\/.+)$/.test(url), {
        message: "must be file:PATH (SQLite) or postgres://… (PostgreSQL)",
      }),
    // Where `npm run db:migrate` connects: the direct URL when DATABASE_URL goes
    // through a pooler in transaction mode (PgBouncer); default DATABASE_URL.
    DATABASE_MIGRATION_URL: z
      .string()
      .refine((url) => /^(file:.+|postgres(ql)?:\/\/.+)$/.test(url), {
        message: "must be file:PATH (SQLite) or postgres://… (PostgreSQL)",
      })
      .optional(),
    /** 0: any free port (the OS picks one; server.js prints the one it got). */
    PORT: z.coerce.number().int().min(0).max(65535).default(3000),
    /** Interface to listen on; all of them when unset. */
    HOST: z.string().min(1).optional(),
    // Whether X-Forwarded-For/-Proto/-Host are believed: unset or "false" (no
    // proxy: the socket's address is the client), "true", a hop count, or a
    // list of proxy addresses/subnets in Express's "trust proxy" syntax.
    TRUST_PROXY: z
      .string()
      .default("false")
      .transform((v): boolean | number | string => (v === "true" ? true : v === "false" ? false : /^\d+$/.test(v) ? Number(v) : v))
      .refine((v) => typeof v !== "string" || /^[\w.:/, -]+$/.test(v), {
        message: 'must be "true", "false", a hop count, or comma-separated proxy addresses',
      }),
    // log2 of scrypt's N. OWASP's minimum is 17; tests lower it to stay fast.
    SCRYPT_LOG_N: z.coerce.number().int().min(10).max(22).default(17),
    // Worker processes of `npm start`/`npm run serve` (server.js): 1 is this process alone.
    WEB_CONCURRENCY: z.coerce.number().int().min(1).max(64).default(availableParallelism()),
    // After SIGTERM, how long the server goes on serving (with /readyz at 503)
    // so that a load balancer notices and drains it before it stops accepting.
    SHUTDOWN_GRACE_MS: z.coerce.number().int().min(0).max(120_000).default(5_000),
    // How long a claimed background job is its worker's without a heartbeat:
    // after a worker dies, another takes its job over this much later.
    JOB_LEASE_MS: z.coerce.number().int().min(1_000).max(3_600_000).default(300_000),
    // The request log's threshold (pino's levels); "silent" logs nothing.
    LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
    // Where mail goes (docs/decisions/0038-accounts-and-mail.md): smtp:// or
    // smtps://, with the user and password in the URL; unset, messages are
    // written to the log instead.
    SMTP_URL: z
      .string()
      .refine((url) => /^smtps?:\/\/[^\s/]+(?::\d+)?\/?(\?.*)?$/.test(url), {
        message: "must be smtp://[user:pass@]host[:port] or smtps://…",
      })
      .optional(),
    MAIL_FROM: z.string().min(3).default("Cardfile <no-reply@localhost>"),
    // The site's public origin, for links in messages: never a request's Host.
    PUBLIC_URL: z
      .string()
      .refine((url) => /^https?:\/\/[^\s/?#]+\/?$/.test(url), { message: "must be an origin such as https://cardfile.example.com" })
      .transform((url) => url.replace(/\/$/, ""))
      .optional(),
  })
  .refine((c) => c.NODE_ENV !== "production" || c.SCRYPT_LOG_N >= 17, {
    message: "SCRYPT_LOG_N may not be below 17 in production",
    path: ["SCRYPT_LOG_N"],
  });

export type Config = z.infer<typeof ConfigSchema>;

/** Where migrations run: DATABASE_MIGRATION_URL, else DATABASE_URL. */
export function migrationUrl(c: Config): string {
  return c.DATABASE_MIGRATION_URL ?? c.DATABASE_URL;
}

export function parseConfig(env: Record<string, string | undefined>): Config {
  const result = ConfigSchema.safeParse({
    NODE_ENV: env.NODE_ENV || undefined,
    DATABASE_URL: env.DATABASE_URL || undefined,
    DATABASE_MIGRATION_URL: env.DATABASE_MIGRATION_URL || undefined,
    PORT: env.PORT || undefined,
    HOST: env.HOST || undefined,
    TRUST_PROXY: env.TRUST_PROXY || undefined,
    SCRYPT_LOG_N: env.SCRYPT_LOG_N || undefined,
    SHUTDOWN_GRACE_MS: env.SHUTDOWN_GRACE_MS || undefined,
    WEB_CONCURRENCY: env.WEB_CONCURRENCY || undefined,
    JOB_LEASE_MS: env.JOB_LEASE_MS || undefined,
    LOG_LEVEL: env.LOG_LEVEL || undefined,
    SMTP_URL: env.SMTP_URL || undefined,
    MAIL_FROM: env.MAIL_FROM || undefined,
    PUBLIC_URL: env.PUBLIC_URL || undefined,
  });
  if (!result.success) {
    const problems = result.error.issues.map((issue) => `  ${issue.path.join(".")}: ${issue.message}`).join("\n");
    throw new Error(`Invalid configuration:\n${problems}`);
  }
  return result.data;
}

export const config = parseConfig(process.env);

let boundPort: number | undefined;

/** The port this process listens on (server.js tells, once it is bound: with PORT=0 only then is it known). */
export function setBoundPort(port: number): void {
  boundPort = port;
}

/** The origin links in messages point at: PUBLIC_URL, else this process's own port on localhost. Never a request's Host. */
export function publicUrl(): string {
  return config.PUBLIC_URL ?? `http://localhost:${boundPort ?? config.PORT}`;
}
