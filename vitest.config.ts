import { defineConfig } from "vitest/config";

// Four suites (see tests/run.js, which picks the ones this machine can run):
//   unit      pure functions and schemas, no database
//   sqlite    *.db.test.ts against a fresh SQLite file
//   postgres  the same *.db.test.ts bodies against a fresh Postgres database
//   e2e       tests/e2e in Chromium against the production build
const dbSuite = (name: "sqlite" | "postgres") => ({
  extends: true as const,
  test: {
    name,
    include: ["app/**/*.db.test.{ts,tsx}", "db/**/*.db.test.ts", "scripts/**/*.db.test.ts", "tests/**/*.db.test.ts"],
    globalSetup: ["tests/setup/database.global.ts"],
    setupFiles: ["tests/setup/database.setup.ts"],
    env: { TEST_DIALECT: name },
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
      {
        extends: true,
        test: {
          name: "e2e",
          include: ["tests/e2e/**/*.test.ts"],
          globalSetup: ["tests/e2e/global-setup.ts"],
          // One browser flow at a time: files run one after another in one process.
          pool: "forks",
          poolOptions: { forks: { singleFork: true } },
          testTimeout: 60_000,
          hookTimeout: 120_000,
        },
      },
    ],
  },
});
