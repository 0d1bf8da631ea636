import { mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { simpleParser, type ParsedMail } from "mailparser";
import { SMTPServer } from "smtp-server";

// A real SMTP server for the tests (smtp-server, in this process), which
// keeps what it receives: parsed (mailparser) in memory, and, given a
// folder, as one .eml file per message so that other processes (the e2e
// tests' forks) can read what the shared server sent.

export const SMTP_USER = "cardfile";
export const SMTP_PASSWORD = "smtp secret";

export interface SmtpSink {
  /** smtp://user:pass@127.0.0.1:PORT, for SMTP_URL */
  url: string;
  port: number;
  /** every message received, in order */
  messages: ParsedMail[];
  /** the messages to `address` so far */
  to(address: string): ParsedMail[];
  /** waits until `address` has received `count` messages (default 1); returns them all */
  waitFor(address: string, options?: { count?: number; timeoutMs?: number }): Promise<ParsedMail[]>;
  /** stops listening (a mail server that is down); `start` again on the same port */
  stop(): Promise<void>;
  start(): Promise<void>;
}

export function recipientsOf(message: ParsedMail): string[] {
  const to = Array.isArray(message.to) ? message.to : message.to ? [message.to] : [];
  return to.flatMap((group) => group.value.map((address) => (address.address ?? "").toLowerCase()));
}

export async function startSmtpSink({ dir, port = 0 }: { dir?: string; port?: number } = {}): Promise<SmtpSink> {
  const messages: ParsedMail[] = [];
  let count = 0;
  if (dir) mkdirSync(dir, { recursive: true });
  const make = () =>
    new SMTPServer({
      // Plain SMTP on loopback with AUTH, as a local relay would take it: no
      // STARTTLS to offer (a self-signed certificate nodemailer would refuse).
      disabledCommands: ["STARTTLS"],
      allowInsecureAuth: true,
      authMethods: ["PLAIN", "LOGIN"],
      logger: false,
      onAuth(auth, _session, callback) {
        if (auth.username === SMTP_USER && auth.password === SMTP_PASSWORD) callback(null, { user: auth.username });
        else callback(new Error("Invalid username or password"));
      },
      onData(stream, _session, callback) {
        const chunks: Buffer[] = [];
        stream.on("data", (chunk: Buffer) => chunks.push(chunk));
        stream.on("end", () => {
          const raw = Buffer.concat(chunks);
          if (dir) writeFileSync(join(dir, `${String(++count).padStart(6, "0")}-${process.pid}.eml`), raw);
          simpleParser(raw)
            .then((parsed) => {
              messages.push(parsed);
              callback();
            })
            .catch(callback);
        });
      },
    });
  let server = make();
  const listen = (at: number) =>
    new Promise<number>((resolve, reject) => {
      server.once("error", reject);
      server.listen(at, "127.0.0.1", () => resolve((server.server.address() as AddressInfo).port));
    });
  const bound = await listen(port);
  const sink: SmtpSink = {
    url: `smtp://${SMTP_USER}:${encodeURIComponent(SMTP_PASSWORD)}@127.0.0.1:${bound}`,
    port: bound,
    messages,
    to: (address) => messages.filter((m) => recipientsOf(m).includes(address.toLowerCase())),
    async waitFor(address, { count = 1, timeoutMs = 10_000 } = {}) {
      const until = Date.now() + timeoutMs;
      while (sink.to(address).length < count) {
        if (Date.now() > until) throw new Error(`${address} received ${sink.to(address).length} of ${count} messages in ${timeoutMs} ms`);
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      return sink.to(address);
    },
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
    async start() {
      server = make();
      await listen(bound);
    },
  };
  return sink;
}

/** The messages to `address` that a sink with a folder has written there, parsed, oldest first. */
export async function readMailFolder(dir: string, address: string): Promise<ParsedMail[]> {
  const files = readdirSync(dir)
    .filter((name) => name.endsWith(".eml"))
    .sort();
  const parsed = await Promise.all(files.map((name) => simpleParser(readFileSync(join(dir, name)))));
  return parsed.filter((m) => recipientsOf(m).includes(address.toLowerCase()));
}
