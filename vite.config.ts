import { vitePlugin as remix } from "@remix-run/dev";
import { defineConfig } from "vite";
import remixConfig from "./remix.config.js";

declare module "@remix-run/node" {
  interface Future {
    v3_singleFetch: true;
  }
}

export default defineConfig({
  // CARDFILE_BUILD_DIR: where `remix vite:build` writes (default build/). The
  // e2e setup builds into a private temporary folder, so that two test runs
  // (or a test run and `npm run build`) in one checkout never share a build.
  plugins: [remix({ ...remixConfig, buildDirectory: process.env.CARDFILE_BUILD_DIR || "build" })],
  server: { port: Number(process.env.PORT ?? 3000) },
});
