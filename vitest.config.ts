import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { defineConfig } from "vitest/config";
import LongestFirst from "./test/helpers/sequencer.js";

// The suite starts the CLI and other Node processes some hundreds of times and none of them makes a TLS connection; a host
// that sets NODE_EXTRA_CA_CERTS makes Node read that file at every start (~80 ms each on a 2-core machine: ~15 s of
// the suite's CPU). The test processes and what they start inherit this.
delete process.env.NODE_EXTRA_CA_CERTS;

// `npm test` runs test/**; the long scale runs in test/scale/ run with `npm run test:scale` (VD_SCALE=1), which .ci/run also runs
const scale = process.env.VD_SCALE === "1";
// chevrotain's single-file build, as the bundles use it (its multi-file ESM build is slow to load)
const chevrotain = join(dirname(createRequire(import.meta.url).resolve("chevrotain")), "..", "chevrotain.min.mjs");

export default defineConfig({
  resolve: { alias: [{ find: /^chevrotain$/, replacement: chevrotain }] },
  test: {
    include: scale ? ["test/scale/**/*.test.ts"] : ["test/**/*.test.ts"],
    exclude: scale ? [] : ["test/scale/**", "**/node_modules/**"],
    globalSetup: ["test/helpers/global-tmp.ts"],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    pool: "forks",
    // the test files share their workers' module graph: a fresh process per file (Node started, the sources imported
    // and warmed up again, 200 times) was most of the suite's CPU; a test that changes a global restores it
    isolate: false,
    // vitest would use one worker on a 2-core machine (cores - 1): two, one per core. A third overlapped the waits of
    // tests on the processes they spawn while the suite had many such tests; now that most of its time is CPU, three
    // workers on two cores cost more CPU than they overlap (on this 2-core machine, quiet, in one hour: 101 s of vitest
    // and 178 s of CPU with two, 108 s and 193 s with three)
    maxWorkers: 2,
    // the longest files first, also in a fresh clone that has no record of past runs (test/helpers/sequencer.ts)
    sequence: { sequencer: LongestFirst },
  },
});
