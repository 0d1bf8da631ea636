import { defineConfig } from "vitest/config";

// Four suites (see tests/run.js, which picks the ones this machine can run):
//   unit      pure functions and schemas, no database
//   sqlite    *.db.test.ts against a fresh SQLite file
//   postgres  the same *.db.test.ts bodies against a fresh Postgres database
//   pgbouncer the postgres suite again, through PgBouncer in transaction mode
//   e2e       tests/e2e in Chromium against the production build
// and one that only CI runs, in a step of its own (node tests/run.js --bench-smoke):
//   bench-smoke  `npm run bench -- --smoke`, about 100 s
// tests/run.js runs e2e in a vitest process of its own, with more forks
// (VITEST_MAX_FORKS; vitest has one fork pool for all projects). See
// docs/decisions/0027-test-infrastructure.md.
const dbSuite = (name: "sqlite" | "postgres" | "pgbouncer") => ({
  extends: true as const,
  test: {
    name,
    include: ["app/**/*.db.test.{ts,tsx}", "db/**/*.db.test.ts", "scripts/**/*.db.test.ts", "tests/**/*.db.test.ts"],
    globalSetup: ["tests/setup/database.global.ts"],
    setupFiles: ["tests/setup/database.setup.ts"],
    env: name === "pgbouncer" ? { TEST_DIALECT: "postgres", TEST_POOLER: "pgbouncer" } : { TEST_DIALECT: name },
  },
});

export default defineConfig({
  test: {
    env: { NODE_ENV: "test", SCRYPT_LOG_N: "10" },
    testTimeout: 20_000,
    projects: [
      {
        extends: true,
        test: {
          name: "unit",
          include: ["app/**/*.test.{ts,tsx}", "db/**/*.test.ts", "scripts/**/*.test.ts", "bench/lib/**/*.test.ts", "tests/*.test.ts"],
          exclude: ["**/*.db.test.*", "**/node_modules/**"],
        },
      },
      dbSuite("sqlite"),
      dbSuite("postgres"),
      dbSuite("pgbouncer"),
      {
        extends: true,
        test: {
          name: "e2e",
          include: ["tests/e2e/**/*.test.ts"],
          exclude: ["tests/e2e/bench-smoke.test.ts", "**/node_modules/**"],
          // The server and its build; the Nu Html Checker every file's pages go to (decision 0028).
          globalSetup: ["tests/e2e/global-setup.ts", "tests/e2e/html-check.global.ts"],
          // Files run side by side, each in a fork of its own: they share
          // only the one server (each test signs up its own accounts, each
          // browser session has its own X-Forwarded-For), and the files that
          // stop or kill servers start their own. None must run alone; one
          // that did would need a project of its own with
          // poolOptions.forks.singleFork (run after the others, one at a time).
          pool: "forks",
          testTimeout: 60_000,
          hookTimeout: 120_000,
        },
      },
      {
        extends: true,
        test: {
          name: "bench-smoke",
          include: ["tests/e2e/bench-smoke.test.ts"],
          pool: "forks",
          testTimeout: 600_000,
        },
      },
    ],
  },
});
