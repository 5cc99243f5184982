import { describe, expect, it } from "vitest";
import { ROOT, runCli, runCliHere, runJson } from "./helpers/cli.js";
import { ReportSchema } from "../src/facts/schema.js";
import { writeFileSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const tmp = mkdtempSync(join(tmpdir(), "vd-cli-"));

describe("cli basics", () => {
  it("a missing file is one line on stderr and exit 2", () => {
    const r = runCli(["analyze", join(tmp, "nope.log")]);
    expect(r.status).toBe(2);
    expect(r.stderr.trim().split("\n")).toHaveLength(1);
    expect(r.stderr).toMatch(/^vllm-doctor: no such file or directory \(.*nope\.log\)\n$/);
  });

  it("an unknown format is a usage error with exit 2", () => {
    const f = join(tmp, "a.log");
    writeFileSync(f, "INFO 07-25 10:11:12 llm_engine.py:73] hello\n");
    const r = runCli(["analyze", f, "--format", "yaml"]);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain("unknown format 'yaml'");
  });

  it("the JSON report validates against the schema and counts lines and bytes", () => {
    const f = join(tmp, "b.log");
    writeFileSync(f, "one\ntwo\nthree");
    const { status, report } = runJson(["analyze", f]);
    expect(status).toBe(0);
    expect(ReportSchema.safeParse(report).success).toBe(true);
    expect(report.inputs).toEqual([{ path: f, lines: 3, bytes: 13 }]);
  });

  it("reads stdin with -", () => {
    const { report } = runJson(["analyze", "-"], { input: "a\nb\n" });
    expect(report.inputs[0]).toMatchObject({ path: "<stdin>", lines: 2 });
  });

  it("unknown commands exit 2", () => {
    expect(runCli(["frobnicate"]).status).toBe(2);
  });

  // (most tests run the commands in this process, from the sources: what only the bundle can get wrong, such as a
  // module it cannot load, shows only here; merge's own is in test/merge.test.ts)
  it("every other command runs from the built bundle and prints what it prints from the sources", async () => {
    const sample = (name: string) => join(ROOT, "samples", name);
    const runs = [
      ["rules", "--format", "json"],
      ["explain", "nccl/ib-error"],
      ["diff", sample("v1-single-gpu.log"), sample("v0.8-tp4-mp.log"), "--format", "json"],
      ["plan", "--params", "70B", "--gpu", "H100", "--format", "json"],
      ["check", sample("ray-tp8-pp2-two-nodes.log"), "--format", "junit"],
    ];
    const stderr: string[] = [];
    for (const args of runs) {
      const built = runCli(args);
      stderr.push(built.stderr);
      const here = await runCliHere(args);
      expect([built.status, built.stderr], args.join(" ")).toEqual([0, here.stderr]);
      expect(built.stdout.length, args.join(" ")).toBeGreaterThan(100);
      expect(built.stdout, args.join(" ")).toBe(here.stdout);
    }
    expect(stderr).toEqual(["", "", "", "", "vllm-doctor: gate passed\n"]);
  });
});
