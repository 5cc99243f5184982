import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runCli, runCliHere } from "./helpers/cli.js";

// Most CLI tests run the command in the test process (runCliHere): these keep it honest against the built binary.
describe("the CLI run in the test process", () => {
  it("prints, exits and reads stdin as the built command does", async () => {
    const stdin = "INFO 01-01 00:00:00 llm_engine.py:1] x\n";
    for (const args of [["analyze", "samples/cuda-oom.log"], ["check", "-", "--require", "kvCache.tokens>=1", "--format", "json"], ["analyze", "--jobs", "x"], ["--version"]]) {
      expect(await runCliHere(args, { input: stdin }), args.join(" ")).toEqual(runCli(args, { input: stdin }));
    }
  });

  it("a run with --redact leaves the next run's messages as they are", async () => {
    const dir = mkdtempSync(join(tmpdir(), "vd-inproc-"));
    const log = join(dir, "gpu-node-17.log");
    writeFileSync(log, "NCCL INFO x\n");
    const missing = join(dir, "jane.doe@corp-mail.example.com.log");
    expect((await runCliHere(["analyze", log, missing, "--redact"])).stderr).not.toContain("jane.doe");
    expect((await runCliHere(["diff", missing, log])).stderr).toContain("jane.doe@corp-mail.example.com");
  });
});
