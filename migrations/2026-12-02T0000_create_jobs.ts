import { sql, type Kysely } from "kysely";

// Background jobs (docs/decisions/0026-job-mechanism.md): one row per job,
// claimed by a worker with a lease, retried with backoff, kept for a while
// once done or failed. app/jobs/jobs.server.ts is the only code that knows it.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable("jobs")
    .addColumn("id", "text", (col) => col.primaryKey())
    .addColumn("kind", "text", (col) => col.notNull())
    .addColumn("payload", "text", (col) => col.notNull())
    .addColumn("unique_key", "text")
    .addColumn("state", "text", (col) => col.notNull())
    .addColumn("run_at", "bigint", (col) => col.notNull())
    .addColumn("attempts", "integer", (col) => col.notNull())
    .addColumn("max_attempts", "integer", (col) => col.notNull())
    .addColumn("repeat_every_ms", "bigint")
    .addColumn("locked_by", "text")
    .addColumn("locked_until", "bigint")
    .addColumn("last_error", "text")
    .addColumn("created_at", "bigint", (col) => col.notNull())
    .addColumn("updated_at", "bigint", (col) => col.notNull())
    .addColumn("finished_at", "bigint")
    .addCheckConstraint("jobs_state_check", sql`state in ('pending', 'done', 'failed')`)
    .execute();
  // At most one pending (waiting or running) job per key; done and failed
  // jobs keep their key without blocking a new one.
  await db.schema
    .createIndex("jobs_unique_key_idx")
    .on("jobs")
    .column("unique_key")
    .unique()
    .where(sql.ref("state"), "=", "pending")
    .execute();
  // The claim: the pending job that has been due longest. Only pending rows
  // are in this index, so finished ones cost the poll nothing.
  await db.schema.createIndex("jobs_due_idx").on("jobs").column("run_at").where(sql.ref("state"), "=", "pending").execute();
  // The purge of finished jobs by when they finished.
  await db.schema.createIndex("jobs_finished_at_idx").on("jobs").column("finished_at").where("finished_at", "is not", null).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable("jobs").execute();
}
