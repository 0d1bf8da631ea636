// @ts-check
// `npm run lint`: ESLint (this file) and Prettier (.prettierrc.json). The
// rules that matter most here are the layer boundaries below: they are the
// one-way flow of docs/decisions/0025 and the README, checked in CI.
import comments from "@eslint-community/eslint-plugin-eslint-comments/configs";
import js from "@eslint/js";
import reactHooks from "eslint-plugin-react-hooks";
import globals from "globals";
import tseslint from "typescript-eslint";

// One import style everywhere: subpath imports (#app/…, #db/…) across
// folders, ./ within one.
const ONE_STYLE = {
  regex: "^(\\.\\./|~/)",
  message: "Import across folders with a subpath import (#app/…, #db/…, #tests/…), not a relative path.",
};

// What each part of the tree may not import. ESLint applies one
// no-restricted-imports per file (the last that matches), so the parts are
// disjoint and each lists all of its own rules.
const NO_ROUTES = { regex: "^#app/routes/", message: "Domain modules and components never import routes (dependencies point one way)." };
const NO_TOOLS = {
  regex: "^#(tests|bench|scripts|server)/",
  message: "The app does not depend on tests, benchmarks, scripts or the server.",
};
const NO_DB_IN_ROUTES = {
  regex: "^(#db/|#app/db\\.server$|kysely$)",
  message: "Routes reach the database through a domain function (app/<domain>/*.server.ts), never directly.",
};
const BROWSER = [
  { regex: "^(#db/|#app/db\\.server$|kysely$|pg$|better-sqlite3$)", message: "Browser code never touches the database." },
  { regex: "^#app/.*\\.server$", message: "Browser code never imports server-only modules (*.server.ts)." },
  { regex: "^node:", message: "Browser code runs in the browser: no Node modules." },
];
const DB_LAYER = [
  {
    regex: "^#(app|scripts|server|tests)/",
    message: "db/ is the database layer only (Kysely, dialects, migrator, row types): it knows nothing of the app.",
  },
  {
    regex: "^(@remix-run/|react$|react-dom)",
    message: "db/ builds no HTTP responses: it throws typed errors (DatabaseUnavailableError) and the app answers.",
  },
];
const FROZEN = {
  regex: "^#",
  message: "Migrations are frozen: they import only kysely, never app or db code (a later change there must not rewrite history).",
};
const BUILD_ONLY = {
  regex: "^#(app|db)/",
  message: "The server runs the build: it reaches the app only through the build's entry (app/entry.server.tsx).",
};

const TESTS = ["**/*.test.ts", "**/*.test.tsx"];
const BROWSER_CODE = ["app/client/**", "app/components/**", "app/shared/**"];

/**
 * A part of the tree and the imports it may not make.
 * @returns {import("eslint").Linter.Config}
 */
function part(
  /** @type {string[]} */ files,
  /** @type {string[]} */ ignores,
  /** @type {{ regex: string; message: string }[]} */ patterns,
) {
  return { files, ignores, rules: { "no-restricted-imports": ["error", { patterns: [ONE_STYLE, ...patterns] }] } };
}

export default tseslint.config(
  { ignores: ["build/", "node_modules/", "bench/peers/", "bench/results/", "test-results/", "data/", "**/*.d.ts"] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  comments.recommended,
  {
    languageOptions: { globals: { ...globals.node, ...globals.browser }, ecmaVersion: 2023, sourceType: "module" },
    linterOptions: { reportUnusedDisableDirectives: "error" },
    rules: {
      // A disable says why, on the same line: `// eslint-disable-next-line rule -- reason`.
      "@eslint-community/eslint-comments/require-description": ["error", { ignore: ["eslint-enable"] }],
      "@eslint-community/eslint-comments/disable-enable-pair": ["error", { allowWholeFile: true }],
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_", caughtErrors: "none" }],
      "@typescript-eslint/consistent-type-imports": ["error", { fixStyle: "inline-type-imports", disallowTypeAnnotations: false }],
      // Kysely<any> is how migrations are written (they never see the app's types).
      "@typescript-eslint/no-explicit-any": "off",
      "no-restricted-imports": ["error", { patterns: [ONE_STYLE] }],
    },
  },
  {
    files: ["app/**/*.tsx", "app/**/*.ts"],
    plugins: { "react-hooks": reactHooks },
    rules: { "react-hooks/rules-of-hooks": "error", "react-hooks/exhaustive-deps": "error" },
  },

  // ---- layer boundaries: app/routes → app/<domain> → db/ → migrations/ ----
  part(["app/routes/**"], TESTS, [NO_ROUTES, NO_TOOLS, NO_DB_IN_ROUTES]),
  part(BROWSER_CODE, TESTS, [NO_ROUTES, NO_TOOLS, ...BROWSER]),
  part(["app/**"], ["app/routes/**", ...BROWSER_CODE, ...TESTS], [NO_ROUTES, NO_TOOLS]),
  part(["db/**"], TESTS, DB_LAYER),
  // db/'s own tests test the layer alone; they may use the test helpers.
  part(["db/**/*.test.ts"], [], [{ regex: "^#(app|scripts|server)/", message: "db/ tests test the database layer on its own." }]),
  part(["migrations/**"], [], [FROZEN]),
  part(["server/**", "server.js"], TESTS, [BUILD_ONLY]),
  {
    files: ["server/**", "server.js", "tests/run.js", "bench/baseline/**", "eslint.config.js", "remix.config.js"],
    languageOptions: { globals: globals.node },
  },
);
