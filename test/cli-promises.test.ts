import { describe, expect, it } from "vitest";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ROOT, runCliHere } from "./helpers/cli.js";

/** The CLI's promises to its users (one-line errors, inputs never written, nothing read makes no gate pass), case by case. */
const tmp = mkdtempSync(join(tmpdir(), "vd-promises-"));
const GOOD = join(ROOT, "samples", "v1-single-gpu.log");

describe("-o never overwrites the configuration the command reads", () => {
  it("--config FILE -o FILE, and -o .vllm-doctor.json found upward, are refused; the file is unchanged", async () => {
    const dir = mkdtempSync(join(tmp, "cfg-"));
    const cfg = join(dir, "cfg.json");
    const text = '{"rules":{}}\n';
    writeFileSync(cfg, text);
    for (const cmd of [["analyze", GOOD], ["check", GOOD], ["diff", GOOD, GOOD]]) {
      const r = await runCliHere([...cmd, "--config", cfg, "-o", cfg]);
      expect([r.status, r.stderr], cmd[0]).toEqual([2, `vllm-doctor: cannot write the report: it is one of the inputs: write the report somewhere else (${cfg})\n`]);
    }
    writeFileSync(join(dir, ".vllm-doctor.json"), text);
    const r = await runCliHere(["analyze", GOOD, "-o", ".vllm-doctor.json"], { cwd: dir });
    expect([r.status, r.stderr]).toEqual([2, `vllm-doctor: cannot write the report: it is the same file as ${join(dir, ".vllm-doctor.json")}, one of the inputs: write the report somewhere else (.vllm-doctor.json)\n`]);
    expect([readFileSync(cfg, "utf8"), readFileSync(join(dir, ".vllm-doctor.json"), "utf8")]).toEqual([text, text]);
  });
});
