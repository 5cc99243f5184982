import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { runCliHere } from "./helpers/cli.js";
import { variants } from "./helpers/variants.js";
import { analyzeText, ids } from "./rules/analyze-text.js";

/**
 * Round 39m: vLLM across nodes with NCCL INFO. What the real logs showed that the readers missed: RCCL (ROCm's NCCL, on
 * two Strix Halo boxes under Ray) told only by the INFO line its init prints on every GPU, `GFX9 cheap fence is OFF`
 * (RCCL_GFX9_CHEAP_FENCE_OFF; NVIDIA's NCCL has no such line), was called NCCL; and Ray went unnamed as a writer of the log
 * when vLLM's Ray workers print under the V1 Ray executor's actor class, `(RayWorkerProc pid=N, ip=A.B.C.D)`
 * (vllm/v1/executor/ray_executor_v2.py), or 0.2-0.4's `(RayWorkerVllm pid=N)`, rather than `(RayWorkerWrapper ...)`.
 * Every log text here is written for the test in the printed layout.
 */

const reportsOf = (lines: string[], opts: { compose?: boolean } = {}) => Promise.all(variants(lines, opts).map((text) => analyzeText(text + "\n")));
const library = (r: Awaited<ReturnType<typeof analyzeText>>) => r.facts.dialects?.find((d) => d.name === "nccl")?.library;
const names = (r: Awaited<ReturnType<typeof analyzeText>>) => (r.facts.dialects ?? []).map((d) => d.name);

const W = "(EngineCore pid=3120) (RayWorkerProc pid=2871, ip=192.168.40.12)";
const rcclWorker = [
  `${W} halo-b:2871:2871 [0] NCCL INFO Bootstrap: Using enp194s0f0:192.168.40.12<0>`,
  `${W} halo-b:2871:2871 [0] NCCL INFO NET/IB : GPU Direct RDMA Enabled for HCA 0 'rocep194s0f0'`,
  `${W} halo-b:2871:2871 [0] NCCL INFO NCCL_NET_GDR_LEVEL set by environment to LOC`,
  `${W} halo-b:2871:2871 [0] NCCL INFO GFX9 cheap fence is OFF`,
  `${W} halo-b:2871:2871 [0] NCCL INFO Rank 1: 1 Net devices`,
];

describe("RCCL told by the cheap-fence line its init prints on every GPU", () => {
  it("names RCCL (not NCCL) for a Ray worker of a V1 engine on the second node, whatever wraps the lines", async () => {
    for (const r of await reportsOf(rcclWorker, { compose: true })) {
      expect(library(r)).toBe("RCCL");
      expect(r.verdict).toBe("Healthy: vLLM (V1 engine); Ray; RCCL over IB.");
      expect(r.facts.nccl.net).toBe("IB");
      expect(r.facts.config.executorBackend).toBe("ray");
      expect(r.facts.vllm.engine).toBe("v1");
      expect(ids(r)).toEqual([]);
    }
  });

  it("the line alone, either value, bare or behind the host prefix", async () => {
    for (const line of ["halo-a:77:77 [0] NCCL INFO GFX9 cheap fence is ON", "halo-a:77:77 [0] NCCL INFO GFX9 cheap fence is OFF", "NCCL INFO GFX9 cheap fence is OFF"]) {
      const r = await analyzeText(["halo-a:77:90 [0] NCCL INFO Using network Socket", line, ""].join("\n"));
      expect(library(r), line).toBe("RCCL");
    }
  });

  it("NVIDIA's NCCL in the same layout stays NCCL", async () => {
    const nccl = rcclWorker.filter((l) => !l.includes("cheap fence") && !l.includes("Net devices"));
    const r = await analyzeText(nccl.join("\n") + "\n");
    expect(library(r)).toBeUndefined();
    expect(r.verdict).toBe("Healthy: vLLM (V1 engine); Ray; NCCL over IB.");
  });
});

describe("Ray named as a writer by the class of vLLM's Ray worker actor", () => {
  const lines = (prefix: string) => [
    `${prefix} spark-b:4410:4410 [0] NCCL INFO Channel 02/0 : 1[0] -> 0[0] [send] via NET/IBext_v10/0`,
    `${prefix} spark-b:4410:4410 [0] NCCL INFO Channel 03/0 : 1[0] -> 0[0] [send] via NET/IBext_v10/1`,
  ];

  it("V1's RayWorkerProc, with and without the ip= of another node", async () => {
    for (const prefix of ["(EngineCore_DP0 pid=900) (RayWorkerProc pid=4410, ip=169.254.7.21)", "(RayWorkerProc pid=4410)"]) {
      for (const r of await reportsOf(lines(prefix))) {
        expect(names(r), prefix).toContain("ray");
        expect(r.facts.config.executorBackend, prefix).toBe("ray");
        expect(r.facts.nccl.transports["NET/IB"], prefix).toBe(2);
      }
    }
  });

  it("0.2-0.4's RayWorkerVllm and RayWorker", async () => {
    for (const prefix of ["(RayWorkerVllm pid=4410, ip=10.3.0.5)", "(RayWorker pid=4410)"]) {
      const r = await analyzeText(lines(prefix).join("\n") + "\n");
      expect(names(r), prefix).toContain("ray");
      expect(r.facts.vllm.engine, prefix).toBe("v0");
    }
  });

  it("vLLM's own process prefixes name no Ray", async () => {
    for (const prefix of ["(EngineCore_DP0 pid=900)", "(Worker_TP0 pid=901)", "(VllmWorkerProcess pid=902)"]) {
      const r = await analyzeText(lines(prefix).join("\n") + "\n");
      expect(names(r), prefix).not.toContain("ray");
    }
  });
});

describe("the transport gate on a two-node Ray run of the V1 Ray executor", () => {
  const dir = mkdtempSync(join(tmpdir(), "vd-39m-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const run = (net: "IB" | "Socket") => {
    const via = net === "IB" ? "NET/IB/0/GDRDMA" : "NET/Socket/0";
    const at = (host: string, pid: number, rank: number) => `${host === "node-b" ? "(RayWorkerProc pid=" + pid + ", ip=10.8.0.2) " : ""}${host}:${pid}:${pid} [0] NCCL INFO`;
    const text = [
      `${at("node-a", 510, 0)} Using network ${net}`,
      `${at("node-b", 620, 1)} Using network ${net}`,
      `${at("node-a", 510, 0)} comm 0x5581c0 rank 0 nRanks 2 nNodes 2 localRanks 1 localRank 0 MNNVL 0`,
      `${at("node-b", 620, 1)} comm 0x7712a0 rank 1 nRanks 2 nNodes 2 localRanks 1 localRank 0 MNNVL 0`,
      `${at("node-a", 510, 0)} Channel 00/0 : 1[0] -> 0[0] [receive] via ${via}`,
      `${at("node-b", 620, 1)} Channel 00/0 : 1[0] -> 0[0] [send] via ${via}`,
      "",
    ].join("\n");
    const path = join(dir, `${net}.log`);
    writeFileSync(path, text);
    return path;
  };

  it("a Socket run fails --forbid-transport NET/Socket; an IB run passes it", async () => {
    const socket = await runCliHere(["check", run("Socket"), "--forbid-transport", "NET/Socket", "--fail-on", "none"]);
    expect(socket.status).toBe(1);
    expect(socket.stdout).toMatch(/FAIL\s+forbid-transport NET\/Socket/);
    const ib = await runCliHere(["check", run("IB"), "--forbid-transport", "NET/Socket", "--fail-on", "none"]);
    expect(ib.status).toBe(0);
    const require = await runCliHere(["check", run("IB"), "--require-transport", "NET/IB/GDRDMA", "--fail-on", "none"]);
    expect(require.status).toBe(0);
  });
});
