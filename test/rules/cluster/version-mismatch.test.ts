import { describe, expect, it } from "vitest";
import { rule } from "../../../src/rules/cluster/version-mismatch.js";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { analyze } from "../../../src/analyze.js";
import { run } from "../helpers.js";

describe("cluster/version-mismatch", () => {
  it("fires when nodes print different NCCL versions", () => {
    const f = run(rule, { lines: ["INFO 01-01 00:00:00 pynccl.py:63] vLLM is using nccl==2.20.5", "(RayWorkerWrapper pid=7, ip=10.1.160.68) INFO 01-01 00:00:00 pynccl.py:63] vLLM is using nccl==2.21.5"] });
    expect(f).toHaveLength(1);
    expect(f[0].message).toContain("vLLM's NCCL 2.20.5 on rank ?; 2.21.5 on 10.1.160.68");
  });
  it("stays quiet when every node agrees", () => {
    expect(run(rule, { lines: ["INFO 01-01 00:00:00 pynccl.py:63] vLLM is using nccl==2.20.5", "(RayWorkerWrapper pid=7, ip=10.1.160.68) INFO 01-01 00:00:00 pynccl.py:63] vLLM is using nccl==2.20.5"] })).toEqual([]);
  });
});

describe("cluster/version-mismatch: image environment, ranks, inputs", () => {
  it("compares the image's NCCL_VERSION with the NCCL the process loaded, quoting both lines", () => {
    const f = run(rule, { lines: ['declare -x NCCL_VERSION="2.15.5-1"', "", "NCCL version 2.19.3"] });
    expect(f).toHaveLength(1);
    expect(f[0].message).toBe("The image declares NCCL 2.15.5 (NCCL_VERSION, line 1) but the process loaded NCCL 2.19.3 (line 3): the NCCL in use is not the image's own.");
    expect(f[0].evidence).toEqual([{ file: "t.log", line: 1, text: 'declare -x NCCL_VERSION="2.15.5-1"' }, { file: "t.log", line: 3, text: "NCCL version 2.19.3" }]);
    expect(f[0].remediation[1]).toContain("the image's libnccl 2.15.5 or the 2.19.3 that was loaded");
  });
  it("stays quiet when the image's NCCL is the one loaded", () => {
    expect(run(rule, { lines: ['declare -x NCCL_VERSION="2.19.3-1"', "NCCL version 2.19.3+cuda12.1"] })).toEqual([]);
  });
  it("reads old PyTorch's mis-decoded version (21.0.3) as 2.10.3", () => {
    expect(run(rule, { lines: ["NCCL error in: x.cpp:1, unhandled system error, NCCL version 21.0.3", "h:1:1 [0] NCCL INFO NCCL version 2.10.3+cuda11.4"] })).toEqual([]);
  });
  it("reports ranks whose NCCL versions differ in the rank map", () => {
    const f = run(rule, { facts: { nccl: { rankMap: [
      { rank: 0, host: "a", pid: 1, device: 0, busId: null, ncclVersion: "2.18.1", lastOpCount: null, lastCollective: null },
      { rank: 8, host: "b", pid: 2, device: 0, busId: null, ncclVersion: "2.19.3", lastOpCount: null, lastCollective: null },
    ] } } });
    expect(f[0].message).toContain("NCCL 2.18.1 on rank 0; 2.19.3 on rank 8");
  });
  it("names the input files when two logs report different vLLM versions", async () => {
    const dir = mkdtempSync(join(tmpdir(), "vd-versions-"));
    const files = ["0.6.3", "0.6.4"].map((v, i) => {
      const f = join(dir, `node${i + 1}.log`);
      writeFileSync(f, `INFO 01-01 00:00:00 api_server.py:1] vLLM API server version ${v}\n`);
      return f;
    });
    const f = (await analyze(files)).report.findings.filter((x) => x.ruleId === "cluster/version-mismatch");
    rmSync(dir, { recursive: true, force: true });
    expect(f[0].message).toContain("vLLM 0.6.3 on node1.log; 0.6.4 on node2.log");
    expect(f[0].evidence.map((e) => `${e.file.slice(dir.length + 1)}:${e.line}`)).toEqual(["node1.log:1", "node2.log:1"]);
  });
});

describe("cluster/version-mismatch: one host's two CUDA numbers", () => {
  it("does not compare the container's CUDA with another CUDA number of the same process", () => {
    expect(run(rule, { lines: ["CUDA Version 12.4.1", "INFO torch build: CUDA version 12.1"] })).toEqual([]);
  });
});
