import { sql, SqliteAdapter, type Kysely } from "kysely";

// Postgres only: every session on this database stops a statement after 5 s
// (issue 15, docs/decisions/0041-pgbouncer.md). Until now the pool sent
// statement_timeout as a startup parameter, which PgBouncer refuses
// ("unsupported startup parameter"); a setting of the database itself applies
// to every server connection, through a pooler or not. Where the role that
// migrates does not own the database (some hosted setups), the setting goes on
// that role in this database instead, which any role may do for itself.
// A session can still change it (pg_dump sets 0; so may an operator).
export async function up(db: Kysely<any>): Promise<void> {
  if (db.getExecutor().adapter instanceof SqliteAdapter) return;
  await sql
    .raw(
      `do $$
begin
  execute format('alter database %I set statement_timeout = %L', current_database(), '5s');
exception when insufficient_privilege then
  execute format('alter role %I in database %I set statement_timeout = %L', current_user, current_database(), '5s');
end
$$`,
    )
    .execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  if (db.getExecutor().adapter instanceof SqliteAdapter) return;
  await sql
    .raw(
      `do $$
begin
  execute format('alter database %I reset statement_timeout', current_database());
exception when insufficient_privilege then
  execute format('alter role %I in database %I reset statement_timeout', current_user, current_database());
end
$$`,
    )
    .execute(db);
}
