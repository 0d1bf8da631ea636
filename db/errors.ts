/**
 * True when `error` is a unique-constraint violation from either database.
 * Detecting it from the database's error, instead of checking first, is what
 * makes "email already used" safe against two concurrent requests.
 */
export function isUniqueViolation(error: unknown): boolean {
  if (typeof error !== "object" || error === null) return false;
  const code = (error as { code?: unknown }).code;
  // better-sqlite3: SQLITE_CONSTRAINT_UNIQUE (or _PRIMARYKEY for a primary
  // key); pg: SQLSTATE 23505 unique_violation, for both.
  return code === "SQLITE_CONSTRAINT_UNIQUE" || code === "SQLITE_CONSTRAINT_PRIMARYKEY" || code === "23505";
}
