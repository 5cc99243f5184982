import { describe, expect, it } from "vitest";
import { runCli, runJson } from "./helpers/cli.js";
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
});
