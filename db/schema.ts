import type { ColumnType, Generated, Insertable, Selectable } from "kysely";

// Timestamps are integer milliseconds since the Unix epoch on both databases
// (see docs/decisions/0002-timestamps-as-epoch-milliseconds.md). Domain code
// converts them to Date / ISO strings in one place.

export interface Database {
  submissions: SubmissionsTable;
  users: UsersTable;
  sessions: SessionsTable;
  contacts: ContactsTable;
  rate_limits: RateLimitsTable;
  jobs: JobsTable;
  imports: ImportsTable;
  import_chunks: ImportChunksTable;
  import_rejects: ImportRejectsTable;
  labels: LabelsTable;
  contact_labels: ContactLabelsTable;
  page_keys: PageKeysTable;
  merges: MergesTable;
  outbox: OutboxTable;
  account_tokens: AccountTokensTable;
}

/** A message waiting to be sent (docs/decisions/0038); only app/mail/outbox.server.ts reads or writes this table. */
interface OutboxTable {
  id: string;
  user_id: string;
  to_address: string;
  subject: string;
  text_body: string;
  html_body: string;
  created_at: number;
}

/** A one-time link sent by email; only app/accounts/account-tokens.server.ts reads or writes this table. */
interface AccountTokensTable {
  id: string;
  user_id: string;
  /** "password-reset" or "email-change" */
  purpose: string;
  /** SHA-256 of the token, hex; the token itself is only ever in the message */
  token_hash: string;
  /** the address to change to (email-change only) */
  new_email: string | null;
  created_at: number;
  expires_at: number;
  /** when it was used (or superseded); null while it can still be used */
  used_at: number | null;
  /** the submission key of the form that asked for it: a repeat asks for nothing more */
  requested_with: string | null;
  /** the submission key of the form that used it: a repeat gets the same answer */
  used_with: string | null;
}

interface UsersTable {
  id: string;
  email: string;
  /** email folded for the case-insensitive unique index */
  email_key: string;
  /** PHC string: $scrypt$ln=17,r=8,p=1$salt$hash */
  password_hash: string;
  created_at: number;
}

interface SessionsTable {
  id: string;
  /** SHA-256 of the cookie token, hex; the token itself is never stored */
  token_hash: string;
  user_id: string;
  created_at: number;
  expires_at: number;
  /** the first 200 characters of the User-Agent header at login */
  user_agent: string | null;
}

interface ContactsTable {
  id: string;
  owner_id: string;
  name: string;
  /** null: the contact has no address (phone-only, company-only) */
  email: string | null;
  /** email folded for the per-account unique index; null without an email */
  email_key: string | null;
  company: string | null;
  phone: string | null;
  notes: string | null;
  /**
   * name, email and company folded (NFC, lower case), one per line, with two
   * newlines before every word start: what search matches, and what the
   * search index holds (docs/decisions/0019-indexed-search.md)
   */
  search: string;
  version: Generated<number>;
  created_at: number;
  updated_at: number;
  /** when the owner deleted it (epoch ms): hidden everywhere, restorable for 10 minutes, purged after 30 days; null while live */
  deleted_at: number | null;
  /** when the owner starred it (epoch ms); null: not starred */
  starred_at: number | null;
  /** the name's sort key (sortKey): the list's A-to-Z order; "C" collation on Postgres. Written by contacts.server.ts's every write (optional to insert only for tests' raw rows) */
  name_sort: ColumnType<string, string | undefined, string>;
  /** the company's sort key, then the name's (contacts without a company last): the list's company order */
  company_sort: ColumnType<string, string | undefined, string>;
  /** the phone's last 9 digits (duplicate-keys.ts phoneKey), null without one: duplicates by phone */
  phone_key: ColumnType<string | null, string | null | undefined, string | null>;
  /** the email as its provider reads it (emailDedupeKey), null for most: duplicates by email */
  email_dedupe_key: ColumnType<string | null, string | null | undefined, string | null>;
}

/** An account's labels; only app/labels/labels.server.ts reads or writes this table. */
interface LabelsTable {
  id: string;
  owner_id: string;
  /** as the owner typed it (trimmed, NFC) */
  name: string;
  /** name folded (NFC, lower case) for the per-account unique index and the page's order */
  name_key: string;
  created_at: number;
  updated_at: number;
}

/** Which contacts carry which label; only app/labels/ reads or writes this table. */
interface ContactLabelsTable {
  contact_id: string;
  label_id: string;
}

/** A form's key that lasts until it is used; only app/submissions/submission-keys.server.ts reads or writes this table. */
interface PageKeysTable {
  user_id: string;
  form: string;
  key: string;
}

/** A merge of duplicates while it can be undone; only app/merges/merges.server.ts reads or writes this table. */
interface MergesTable {
  id: string;
  owner_id: string;
  /** the contact that was kept, with the chosen values */
  kept_id: string;
  /** its version after the merge: the Undo applies only while it is still at it */
  kept_version: number;
  /** JSON: what the kept contact was before (its fields, label ids, starred_at) */
  before: string;
  /** JSON: the ids of the contacts the merge moved to the trash (all marked with created_at) */
  trashed_ids: string;
  created_at: number;
}

/** Only app/http/rate-limit.server.ts reads or writes this table. */
interface RateLimitsTable {
  /** limit name and a hash of its subject (account, address or user id) */
  key: string;
  /** epoch milliseconds at which this fixed window began */
  window_start: number;
  count: number;
}

interface SubmissionsTable {
  user_id: string;
  /** the hidden `submissionKey` of a rendered form: random, one per render */
  key: string;
  /** which form it was rendered for, e.g. "contact:update:<id>" */
  form: string;
  /** the first answer: a redirect status and where it pointed */
  status: number;
  location: string;
  /** Set-Cookie lines of that answer (the flash), newline-separated */
  set_cookie: string | null;
  created_at: number;
}

/**
 * Background work (docs/decisions/0026-job-mechanism.md). Only
 * app/jobs/jobs.server.ts reads or writes this table.
 */
interface JobsTable {
  id: string;
  /** the name its handler is registered under (app/jobs/handlers.server.ts) */
  kind: string;
  /** JSON text, handed to the handler parsed */
  payload: string;
  /** at most one pending job per key (e.g. "maintenance", "import:<id>"); null: no such rule */
  unique_key: string | null;
  /** pending (waiting or running: see locked_until), done (one-off, succeeded) or failed (gave up) */
  state: "pending" | "done" | "failed";
  /** not claimed before this time (epoch ms): when it was scheduled, or its next retry */
  run_at: number;
  /** claims so far in this cycle: each claim is an attempt, including one whose worker died */
  attempts: number;
  max_attempts: number;
  /** a repeating job: after a run it is due again this long after it finished; null: once */
  repeat_every_ms: number | null;
  /** the worker that holds the lease, while it holds it */
  locked_by: string | null;
  /** when the lease ends; after that another worker may take the job over */
  locked_until: number | null;
  /** what the most recent failed attempt threw (or why it stopped) */
  last_error: string | null;
  created_at: number;
  updated_at: number;
  /** when it became done or failed; what the purge goes by */
  finished_at: number | null;
}

/**
 * A CSV or vCard import (docs/decisions/0029). Only app/imports/imports.server.ts
 * reads or writes this table and the two below.
 */
interface ImportsTable {
  id: string;
  owner_id: string;
  /** uploading (its chunks arriving), review, queued, running, done, failed */
  state: "uploading" | "review" | "queued" | "running" | "done" | "failed";
  /** the uploaded file's name, as the browser sent it (shortened, no control characters) */
  file_name: string;
  /** bytes */
  size: number;
  /** detected from the content; null while uploading */
  format: string | null;
  encoding: string | null;
  delimiter: string | null;
  /** JSON array of the column names */
  columns: Generated<string>;
  /** JSON array: each column's target (a field, a name part, labels) or null */
  mapping: Generated<string>;
  on_duplicate: Generated<"skip" | "update">;
  /** records read so far: a resumed run skips this many */
  records_done: Generated<number>;
  bytes_done: Generated<number>;
  created_count: Generated<number>;
  updated_count: Generated<number>;
  skipped_count: Generated<number>;
  rejected_count: Generated<number>;
  /** why a failed import stopped */
  error: string | null;
  created_at: number;
  updated_at: number;
  finished_at: number | null;
}

/** The uploaded file, in order. */
interface ImportChunksTable {
  import_id: string;
  seq: number;
  data: Uint8Array;
}

/** The records an import could not take, with the reason (the rejected-rows download). */
interface ImportRejectsTable {
  import_id: string;
  /** the record's number in the file */
  record: number;
  reason: string;
  /** JSON array of the record's values by column */
  values: string;
}

export type ContactRow = Selectable<ContactsTable>;
export type NewContactRow = Insertable<ContactsTable>;
export type JobRow = Selectable<JobsTable>;
