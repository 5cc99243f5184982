import { describe, expect, it } from "vitest";
import { analyzeText, ids, eolsFor } from "./rules/analyze-text.js";
import type { Report } from "../src/model.js";

/**
 * Formats found in a fifty-fourth round of real logs: vLLM on ROCm and RCCL's debug output (MI250X, MI300A/X, Radeon).
 * RCCL's P2P transport WARNs a failed HIP IPC call by its name and HIP's error string (`hipIpcGetMemHandle failed :
 * invalid argument`); when no `Cuda failure` line follows it (the paste stops there, or the build does not print one),
 * the finding said only "a CUDA call failed", on a run that made no CUDA call. It now names the HIP call and its error.
 * The rest is what the round's logs showed and the tool already read: RCCL's connection lines with their
 * `comm 0x… nRanks NN` tail, the bare `RCCL version …+hip…` line, RCCL's advisory start-up WARNs, and vLLM's
 * `Automatically detected platform rocm.` and `HIP error: invalid device function`. Every log text here is written for
 * the test in the printed layout, under wrappers the logs did not all show.
 */

const WRAPS: [string, (l: string) => string][] = [
  ["plain", (l) => l],
  ["kubectl --timestamps", (l) => `2026-12-06T17:51:02.204118377Z ${l}`],
  ["docker compose", (l) => `rocm-vllm-1  | ${l}`],
  ["Ray", (l) => `(RayWorkerWrapper pid=5120, ip=10.9.0.4) ${l}`],
];

const join = (lines: string[], wrap: (l: string) => string, eol = "\n"): string => lines.map(wrap).join(eol) + eol;

async function eachWrap(lines: string[], check: (r: Report, at: string) => void): Promise<void> {
  for (const [name, wrap] of WRAPS)
    for (const eol of eolsFor(wrap)) check(await analyzeText(join(lines, wrap, eol)), `${name} ${JSON.stringify(eol)}`);
}

const finding = (r: Report, id: string) => r.findings.find((f) => f.ruleId === id);

describe("RCCL's HIP IPC failure with no `Cuda failure` line after it", () => {
  const path = "/opt/rocm-6.2.0/share/rccl/build/hipify/src/";
  const start = [
    "mi-b3:30417:30417 [0] NCCL INFO Bootstrap : Using eth0:10.9.0.4<0>",
    "RCCL version 2.20.5+hip6.2 HEAD:3b5d2ae+",
    "mi-b3:30418:30452 [1] NCCL INFO Channel 00/0 : 1[1] -> 0[0] via P2P/IPC comm 0x5d0e2a0 nRanks 02",
  ];
  it("names the HIP call and HIP's error, and is the first error", async () => {
    await eachWrap([...start, `mi-b3:30418:30452 [1] ${path}transport/p2p.cc:226 NCCL WARN hipIpcGetMemHandle failed : invalid argument`], (r, at) => {
      const f = finding(r, "nccl/cuda-error");
      expect(f, at).toBeDefined();
      expect(f!.message, at).toBe("A HIP call inside RCCL failed: hipIpcGetMemHandle returned 'invalid argument'.");
      expect(f!.remediation[0], at).toMatch(/HIP IPC.*--ipc=host.*NCCL_P2P_DISABLE=1/);
      expect(r.facts.firstError?.line, at).toBe(4);
      expect(r.facts.nccl.version, at).toBe("2.20.5");
    });
  });

  it("the open side, and a line cut after `failed`", async () => {
    const open = await analyzeText([...start, `mi-b3:30417:30455 [0] ${path}transport/p2p.cc:301 NCCL WARN hipIpcOpenMemHandle failed : invalid resource handle`, ""].join("\n"));
    expect(finding(open, "nccl/cuda-error")!.message).toBe("A HIP call inside RCCL failed: hipIpcOpenMemHandle returned 'invalid resource handle'.");
    const cut = await analyzeText([...start, `mi-b3:30417:30455 [0] ${path}transport/p2p.cc:301 NCCL WARN hipIpcOpenMemHandle failed`].join("\n"));
    expect(finding(cut, "nccl/cuda-error")!.message).toBe("A HIP call inside RCCL failed: hipIpcOpenMemHandle failed.");
  });

  it("a `Cuda failure` line after it keeps giving the error it states", async () => {
    const r = await analyzeText(
      [...start, `mi-b3:30418:30452 [1] ${path}transport/p2p.cc:226 NCCL WARN hipIpcGetMemHandle failed : invalid argument`, `mi-b3:30418:30452 [1] ${path}transport/p2p.cc:228 NCCL WARN Cuda failure 'out of memory'`, ""].join("\n"),
    );
    expect(finding(r, "nccl/cuda-error")!.message).toBe("A HIP call inside RCCL failed: out of memory.");
  });

  it("near misses: the call named in an INFO line, and NVIDIA's NCCL wording", async () => {
    const info = await analyzeText([...start, "mi-b3:30418:30452 [1] NCCL INFO P2P/IPC: hipIpcGetMemHandle for buffer 0x7f12a0000000 size 4194304", ""].join("\n"));
    expect(ids(info, "error")).toEqual([]);
    const nv = await analyzeText("gpu-a:11:40 [0] include/alloc.h:178 NCCL WARN Cuda failure 'out of memory'\n");
    expect(finding(nv, "nccl/cuda-error")!.message).toBe("A CUDA call inside NCCL failed: out of memory.");
  });
});

describe("RCCL's start-up advice and its bare version line", () => {
  const src = "/long/rccl/build/src/init.cpp";
  const lines = [
    `mi-c1:7712:7712 [0] ${src}:120 NCCL WARN Missing "amd_iommu=on" from kernel command line which can lead to system instablity or hang!`,
    `mi-c1:7712:7712 [0] ${src}:126 NCCL WARN Missing "HSA_FORCE_FINE_GRAIN_PCIE=1" from environment which can lead to low RCCL performance, system instablity or hang!`,
    "mi-c1:7712:7712 [0] NCCL INFO NET/Plugin : No plugin found (librccl-net.so), using internal implementation",
    "RCCL version 2.18.3+hip5.5 develop:6ecf771+",
    "mi-c1:7713:7740 [1] NCCL INFO comm 0x61a3f20 rank 1 nranks 2 cudaDev 1 busId 29000 - Init COMPLETE",
  ];
  it("are not errors: the first WARN is recorded, the version is read, no error finding", async () => {
    await eachWrap(lines, (r, at) => {
      expect(ids(r, "error"), at).toEqual([]);
      expect(r.facts.firstError, at).toBeNull();
      expect(r.facts.nccl.firstWarn?.line, at).toBe(1);
      expect(r.facts.nccl.version, at).toBe("2.18.3");
      expect(r.facts.nccl.initComplete, at).toBe(1);
    });
  });
});

describe("RCCL connection lines with a `comm 0x… nRanks NN` tail, two hosts over sockets", () => {
  const lines = [
    "gpn-a:20411:20470 [0] NCCL INFO Channel 00/0 : 3[d1000] -> 4[c1000] [receive] via NET/Socket/0 comm 0x8a21c70 nRanks 08",
    "gpn-b:9134:9190 [3] NCCL INFO Channel 00/0 : 3[d1000] -> 4[c1000] [send] via NET/Socket/0 comm 0x9f04e10 nRanks 08",
    "gpn-a:20412:20472 [1] NCCL INFO Channel 01/0 : 5[c6000] -> 6[c9000] via P2P/IPC comm 0x7be2d30 nRanks 08",
    "gpn-a:20413:20471 [2] NCCL INFO Channel 01/0 : 6[c9000] -> 7[d1000] via P2P/IPC comm 0x8d90a10 nRanks 08",
    "gpn-b:9131:9192 [0] NCCL INFO Channel 01/0 : 0[c1000] -> 1[c6000] via P2P/IPC comm 0xa77c2b0 nRanks 08",
    "gpn-b:9132:9193 [1] NCCL INFO Channel 01/0 : 1[c6000] -> 2[c9000] via P2P/IPC comm 0xa11e520 nRanks 08",
    "gpn-a:20412:20472 [1] NCCL INFO Connected all rings comm 0x7be2d30 nRanks 08 busId c6000",
  ];
  it("counts the ranks, hosts and transports, and calls the socket network a fallback", async () => {
    await eachWrap(lines, (r, at) => {
      expect(r.facts.nccl.ranks, at).toBe(8);
      expect(r.facts.nccl.nodes, at).toBe(2);
      expect(r.facts.nccl.net, at).toBe("Socket");
      expect(r.facts.nccl.gdr, at).toBeNull();
      expect(r.facts.nccl.transports["P2P/IPC"], at).toBe(4);
      expect(r.facts.nccl.transports["NET/Socket"], at).toBe(2);
      expect(ids(r), at).toContain("nccl/socket-fallback");
    });
  });
});

describe("vLLM on ROCm", () => {
  it("reads the platform vLLM names", async () => {
    await eachWrap(
      [
        "INFO 09-14 06:12:40 [__init__.py:244] Automatically detected platform rocm.",
        "INFO 09-14 06:12:51 [api_server.py:1395] vLLM API server version 0.9.2",
        "INFO 09-14 06:12:51 [cli_args.py:325] non-default args: {'model': '/models/qwen3-8b', 'max_model_len': 8192, 'tensor_parallel_size': 2}",
      ],
      (r, at) => {
        expect(r.facts.gpu.platform, at).toBe("rocm");
        expect(r.facts.config.tensorParallelSize, at).toBe(2);
        expect(r.facts.config.maxModelLen, at).toBe(8192);
        expect(ids(r, "error"), at).toEqual([]);
      },
    );
  });

  it("a HIP `invalid device function` raised while the V0 engine process starts", async () => {
    const at = "ERROR 02-03 11:20:44 [engine.py:411]";
    await eachWrap(
      [
        "INFO 02-03 11:20:02 [__init__.py:239] Automatically detected platform rocm.",
        `${at} RuntimeError: HIP error: invalid device function`,
        `${at} HIP kernel errors might be asynchronously reported at some other API call, so the stacktrace below might be incorrect.`,
        `${at} For debugging consider passing AMD_SERIALIZE_KERNEL=3`,
        "Process SpawnProcess-1:",
        "Traceback (most recent call last):",
        '  File "/usr/local/lib/python3.12/dist-packages/vllm/engine/multiprocessing/engine.py", line 402, in run_mp_engine',
        "    engine = MQLLMEngine.from_engine_args(engine_args=engine_args,",
      ],
      (r, wrap) => {
        expect(ids(r, "error"), wrap).toEqual(expect.arrayContaining(["vllm/cuda-error", "vllm/engine-init-failed"]));
        expect(r.facts.firstError?.line, wrap).toBe(2);
        expect(r.facts.gpu.platform, wrap).toBe("rocm");
      },
    );
  });
});
