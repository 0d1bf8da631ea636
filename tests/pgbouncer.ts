import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pg from "pg";

// PgBouncer from Debian's package, in transaction mode (the mode hosted
// Postgres services put in front of databases), started by a test run in
// front of the test server: the Postgres suite runs through it once more
// (docs/decisions/0041-pgbouncer.md). One server connection serves many
// clients' transactions in turn, so nothing may rely on session state.

export const PGBOUNCER_PATH = process.env.PGBOUNCER_PATH ?? "/usr/sbin/pgbouncer";

export interface PgBouncer {
  /** `upstream`'s URL with PgBouncer's host and port in its place */
  url(upstream: string): string;
  /** the last of what PgBouncer logged */
  logs(): string;
  stop(): Promise<void>;
}

/** Whether PgBouncer can be started here. */
export function havePgBouncer(): boolean {
  return spawnSync(PGBOUNCER_PATH, ["--version"]).status === 0;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once("error", reject);
    probe.listen(0, "127.0.0.1", () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => resolve(port));
    });
  });
}

/**
 * PgBouncer on a free port of 127.0.0.1, forwarding every database name to
 * the Postgres server of `upstream` (trust auth, like the test server).
 */
export async function startPgBouncer(upstream: string): Promise<PgBouncer> {
  const target = new URL(upstream);
  const dir = mkdtempSync(join(tmpdir(), "cardfile-pgbouncer-"));
  // PgBouncer will not run as root: as root, it is told to become postgres,
  // who must be able to read its files.
  chmodSync(dir, 0o755);
  const user = decodeURIComponent(target.username || "postgres");
  writeFileSync(join(dir, "users.txt"), `"${user}" ""\n`, { mode: 0o644 });
  const port = await freePort();
  writeFileSync(
    join(dir, "pgbouncer.ini"),
    [
      "[databases]",
      `* = host=${target.hostname} port=${target.port || 5432}`,
      "[pgbouncer]",
      "listen_addr = 127.0.0.1",
      `listen_port = ${port}`,
      "unix_socket_dir =",
      "auth_type = trust",
      `auth_file = ${join(dir, "users.txt")}`,
      "pool_mode = transaction",
      "max_client_conn = 500",
      // Fewer server connections than the clients' pools hold in all: a
      // client's next transaction often runs on another server connection.
      "default_pool_size = 8",
      "max_db_connections = 16",
      // A test database is dropped WITH (FORCE) at the end; its idle server
      // connections go then, and the pooler must not hold new ones open for long.
      "server_idle_timeout = 10",
      // Nothing else is ignored: a client that sends another startup parameter
      // (statement_timeout, as the pool did) is refused, as in production.
      "ignore_startup_parameters = extra_float_digits",
      "",
    ].join("\n"),
    { mode: 0o644 },
  );
  const args = [...(process.getuid?.() === 0 ? ["-u", "postgres"] : []), join(dir, "pgbouncer.ini")];
  const child: ChildProcess = spawn(PGBOUNCER_PATH, args, { stdio: ["ignore", "pipe", "pipe"] });
  let output = "";
  const keep = (chunk: Buffer) => (output = (output + chunk.toString()).slice(-20_000));
  child.stdout!.on("data", keep);
  child.stderr!.on("data", keep);
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill("SIGINT");
      const force = setTimeout(() => child.kill("SIGKILL"), 5_000);
      await exited;
      clearTimeout(force);
    }
    rmSync(dir, { recursive: true, force: true });
  };
  const url = (of: string) => {
    const through = new URL(of);
    through.hostname = "127.0.0.1";
    through.port = String(port);
    return through.toString();
  };

  // Ready when a query goes through it.
  const deadline = Date.now() + 15_000;
  for (;;) {
    const client = new pg.Client({ connectionString: url(upstream), connectionTimeoutMillis: 1_000 });
    try {
      await client.connect();
      await client.query("select 1");
      await client.end();
      break;
    } catch (error) {
      await client.end().catch(() => {});
      if (child.exitCode !== null || Date.now() > deadline) {
        await stop();
        throw new Error(`PgBouncer did not start (${(error as Error).message}):\n${output}`);
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
  return { url, logs: () => output, stop };
}
