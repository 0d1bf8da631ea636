import nodemailer from "nodemailer";
import { config, publicUrl } from "#app/config.server";

// How a queued message leaves (docs/decisions/0038): through nodemailer to
// SMTP_URL, or, with none (the zero-config `npm start`), into this process's
// log, so a developer can follow a reset link without a mail server.

/** A message as the outbox hands it over. */
export interface OutgoingMessage {
  /** the outbox row's id: the Message-ID is made from it, so a resend is recognisably the same message */
  id: string;
  to: string;
  subject: string;
  text: string;
  html: string;
}

/** Sends one message, or throws (the job is tried again later). */
export type SendMail = (message: OutgoingMessage) => Promise<void>;

/** The Message-ID of an outbox message: stable across attempts, so a receiver can drop a duplicate. */
export function messageIdOf(id: string, origin = publicUrl()): string {
  return `<${id}@${new URL(origin).hostname}>`;
}

/**
 * A sender to the SMTP server at `url` (smtp://user:pass@host:port, or
 * smtps:// for TLS from the start; smtp:// upgrades with STARTTLS when the
 * server offers it). Bounded waits: a mail server that hangs fails the
 * attempt (retried with backoff) instead of holding the job past its lease.
 */
export function smtpSender(url: string, from = config.MAIL_FROM): SendMail {
  const transporter = nodemailer.createTransport({
    url,
    connectionTimeout: 10_000,
    greetingTimeout: 10_000,
    socketTimeout: 30_000,
  });
  return async (message) => {
    await transporter.sendMail({
      from,
      to: message.to,
      subject: message.subject,
      text: message.text,
      html: message.html,
      messageId: messageIdOf(message.id),
    });
  };
}

/** A sender that writes each message, as text, to the log. */
export function logSender(log: (line: string) => void = console.log): SendMail {
  return async (message) => {
    log(`mail (no SMTP_URL, not sent) ${messageIdOf(message.id)} to ${message.to}: ${message.subject}\n${message.text}`);
  };
}

let configured: SendMail | undefined;

/** The sender this process's configuration asks for, made once. */
export function configuredSender(): SendMail {
  return (configured ??= config.SMTP_URL ? smtpSender(config.SMTP_URL) : logSender());
}

/** What the start-up line says about mail: where it goes, and where its links point. */
export function describeMailSetup(): string {
  const where = config.SMTP_URL ? `sent through ${new URL(config.SMTP_URL).host}` : "written to this log (no SMTP_URL)";
  return `mail ${where}, links to ${publicUrl()}`;
}
