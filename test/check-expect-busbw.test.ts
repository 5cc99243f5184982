import { describe, expect, it } from "vitest";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { runCliHere } from "./helpers/cli.js";

describe("check --expect-busbw", () => {
  it("a fabric expectation above the measured large-size busbw fails a warning gate with bench/low-busbw", async () => {
    const r = await runCliHere(["check", "samples/bench-nccl-today.txt", "--expect-busbw", "500", "--fail-on", "warning"]);
    expect(r.status).toBe(1);
    expect(r.stdout).toContain("bench/low-busbw");
    expect(r.stdout).toContain("349.48 GB/s busbw at large sizes");
    expect(r.stdout).toContain("FAIL  fail-on warning: 1 finding at or above warning: bench/low-busbw (warning)");
  });

  it("an expectation the run meets passes", async () => {
    const r = await runCliHere(["check", "samples/bench-nccl-today.txt", "--expect-busbw", "300", "--fail-on", "warning"]);
    expect(r.stdout).not.toContain("bench/low-busbw");
    expect(r.status).toBe(0);
  });

  it("a bandwidth that is not a positive number is a usage error", async () => {
    const r = await runCliHere(["check", "samples/bench-nccl-today.txt", "--expect-busbw", "fast"]);
    expect(r.status).toBe(2);
    expect(r.stderr).toBe("vllm-doctor: --expect-busbw wants a bandwidth in GB/s above 0, not 'fast'\n");
  });
});

describe("merge --expect-busbw", () => {
  it("the rules run again on the merged facts with the expectation analyze had (merge had no way to take it)", async () => {
    const dir = mkdtempSync(join(tmpdir(), "vd-merge-busbw-"));
    const part = join(dir, "today.json");
    expect((await runCliHere(["analyze", "samples/bench-nccl-today.txt", "--expect-busbw", "500", "--format", "json", "-o", part])).status).toBe(0);
    const merged = await runCliHere(["merge", part, "--expect-busbw", "500"]);
    expect(JSON.parse(merged.stdout).findings.map((f: { ruleId: string }) => f.ruleId)).toEqual(["bench/low-busbw"]);
  });

  it("diff reads its logs with it too", async () => {
    const d = await runCliHere(["diff", "samples/bench-nccl-baseline.txt", "samples/bench-nccl-today.txt", "--expect-busbw", "500", "--format", "json"]);
    expect(JSON.parse(d.stdout).findings.appeared.map((f: { ruleId: string }) => f.ruleId)).toEqual(["bench/low-busbw"]);
  });
});
