import { defineConfig } from "vitest/config";

// `npm test` runs test/**; the long scale runs in test/scale/ run with `npm run test:scale` (VD_SCALE=1), which .ci/run also runs
const scale = process.env.VD_SCALE === "1";

export default defineConfig({
  test: {
    include: scale ? ["test/scale/**/*.test.ts"] : ["test/**/*.test.ts"],
    exclude: scale ? [] : ["test/scale/**", "**/node_modules/**"],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    pool: "forks",
  },
});
