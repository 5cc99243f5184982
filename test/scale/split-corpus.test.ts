import { describe, expect, it } from "vitest";
import { corpusLogs, splitSweep } from "../helpers/split-sweep.js";

/** test/split.test.ts's sweep over every corpus log (npm test takes every third): each cut once, to the report of reading it whole. */
describe.skipIf(corpusLogs.length === 0)("a file read in two parts gives the report of reading it in one", () => {
  it("every corpus log, cut once: at a third or at two thirds, shared or counted speculatively", { timeout: 600_000 }, async () => {
    expect(corpusLogs.length).toBeGreaterThan(100);
    await splitSweep(corpusLogs);
  });
});
