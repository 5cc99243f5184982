import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { defineConfig } from "vitest/config";

// chevrotain's single-file build, as the bundles use it (its multi-file ESM build is slow to load)
const chevrotain = join(dirname(createRequire(import.meta.url).resolve("chevrotain")), "..", "chevrotain.min.mjs");

export default defineConfig({
  resolve: { alias: [{ find: /^chevrotain$/, replacement: chevrotain }] },
  test: {
    include: ["test/**/*.test.ts"],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    pool: "forks",
  },
});
