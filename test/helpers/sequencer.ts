import { basename } from "node:path";
import { BaseSequencer, type TestSpecification } from "vitest/node";

/**
 * The suite's longest files, longest first (measured on this 2-core machine: each file's mean share of two runs, one of
 * the whole suite and one of its fifty longest files in one worker, after the in-process command stopped collecting the
 * worker's heap; the files whose share is ~0.7% or more). Vitest starts the files its cache of
 * past runs says take longest first; a fresh clone has no such cache and starts the largest files first, which left a
 * long file to run alone at the end (a clean clone's `npm test`: ~114 s against ~102 s with the cache). These start
 * first whatever the cache holds; the rest keep vitest's order. A file missing here only runs in vitest's place.
 */
const LONGEST = [
  "split.test.ts", "fuzz-hostile.test.ts", "fast-path.test.ts", "chunking.test.ts", "hostile-round2.test.ts", "shapes.test.ts", "follow.test.ts",
  "setup-fold.test.ts", "fuzz.test.ts", "line-prefilter.test.ts", "browser.test.ts", "signatures.test.ts", "wrapper-invariance.test.ts",
  "runtime-fast.test.ts", "hostile-inputs.test.ts", "reference-patterns.test.ts", "compressed-input.test.ts", "hostile-regex.test.ts",
  "code-cache.test.ts", "real-formats-34j.test.ts", "library-heap.test.ts", "setup-conn-bytes.test.ts", "setup-logs.test.ts", "config.test.ts",
  "split-origins.test.ts", "cli-in-process.test.ts", "cli-basics.test.ts", "diff.test.ts", "real-gaps-25.test.ts", "setup-fold-wide.test.ts",
  "real-formats.test.ts",
];

export default class LongestFirst extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const sorted = await super.sort(files);
    const rank = (f: TestSpecification) => {
      const i = LONGEST.indexOf(basename(f.moduleId));
      return i < 0 ? LONGEST.length : i;
    };
    return sorted.map((f, i) => ({ f, i })).sort((a, b) => rank(a.f) - rank(b.f) || a.i - b.i).map((x) => x.f);
  }
}
