import { describe, expect, it } from "vitest";
import { analyzeText, ids } from "./rules/analyze-text.js";
import type { Report } from "../src/model.js";

/**
 * Formats found in round 65ca of real logs: vLLM's own NCCL lines (pynccl's `Found nccl from library`, `vLLM is using
 * nccl==`, `Failed to load NCCL library`) and its custom all-reduce lines.
 *  - pynccl's version line read everything up to the next space as the version, so a copy that glued another record or
 *    a translated copy of the line to it (`nccl==2.20.5（RayWorkerWrapper ...`, `nccl==2.20.5INFO 06-19 ...`) gave a
 *    version with that text in it;
 *  - pytest's result word glued to Ray's own logger line (`SKIPPED2024-05-13 08:48:35,962<TAB>ERROR worker.py:406 --
 *    Unhandled error ...`) was not taken off, so the Ray error was not read as the first error;
 *  - pynccl's `Failed to load NCCL library from libnccl.so.2 ...` had no rule: the engine's failure pointed at "nccl/*
 *    findings" that did not exist, and a Ray worker's copy of the line gave no finding at all.
 * Every log text here is written for the test in the printed layout; each case is read plain (LF) and behind two
 * wrappers (kubectl --timestamps with CRLF, docker compose with LF).
 */

const WRAPS: [string, (l: string) => string, string][] = [
  ["plain", (l) => l, "\n"],
  ["kubectl --timestamps CRLF", (l) => `2026-12-07T00:30:01.204918337Z ${l}`, "\r\n"],
  ["docker compose", (l) => `vllm-tp-1  | ${l}`, "\n"],
];

async function eachWrap(lines: string[], check: (r: Report, at: string) => void): Promise<void> {
  for (const [name, wrap, eol] of WRAPS) check(await analyzeText(lines.map(wrap).join(eol) + eol), name);
}

const finding = (r: Report, id: string) => r.findings.find((f) => f.ruleId === id);

describe("pynccl's `vLLM is using nccl==X.Y.Z` with something glued after the number", () => {
  it("a translated copy after a full-width parenthesis, and a record glued without a newline, leave the version alone", async () => {
    const lines = [
      "(RayWorkerWrapper pid=5120) INFO 02-11 09:14:07 pynccl.py:65] vLLM is using nccl==2.21.5（RayWorkerWrapper pid=5120）INFO 02-11 09：14：07 pynccl.py:65] vLLM 正在使用 nccl==2.21.5",
      "INFO 02-11 09:14:07 pynccl.py:65] vLLM is using nccl==2.21.5INFO 02-11 09:14:08 custom_all_reduce_utils.py:234] reading GPU P2P access cache from /root/.cache/vllm/gpu_p2p_access_cache_for_0,1,2,3.json",
    ];
    await eachWrap(lines, (r, at) => {
      expect(r.facts.nccl.version, at).toBe("2.21.5");
    });
  });

  it("the plain line, the nccl4py tail and a `+cuda` tail read as before", async () => {
    for (const [line, want] of [
      ["(Worker_TP1 pid=811) INFO 03-02 10:00:01 [pynccl.py:111] vLLM is using nccl==2.27.3 (via nccl4py)", "2.27.3"],
      ["[2025-03-02 10:00:01 TP3] sglang is using nccl==2.21.5+cuda12.4", "2.21.5"],
      ["(VllmWorkerProcess pid=301) INFO 03-02 10:00:01 pynccl.py:63] vLLM is using nccl==2.20.5", "2.20.5"],
    ] as const) {
      const r = await analyzeText(line + "\n");
      expect(r.facts.nccl.version, line).toMatch(new RegExp(`^${want.replace(/\./g, "\\.")}`));
    }
  });
});

describe("pytest's result word glued to Ray's own logger line", () => {
  const lines = [
    "(allreduce_worker pid=2207) WARNING 06-02 11:20:41 custom_all_reduce.py:166] Custom allreduce is disabled because your platform lacks GPU P2P capability or P2P test failed. To silence this warning, specify disable_custom_all_reduce=True explicitly.",
    "PASSED",
    "tests/distributed/test_ar.py::test_ar[2-eager] SKIPPED2026-06-02 11:20:42,118\tERROR worker.py:409 -- Unhandled error (suppress with 'RAY_IGNORE_UNHANDLED_ERRORS=1'): ray::allreduce_worker() (pid=2207, ip=10.4.0.12)",
  ];
  it("reads the Ray error behind the result word as the first error, and the custom all-reduce warning", async () => {
    await eachWrap(lines, (r, at) => {
      expect(r.facts.firstError?.line, at).toBe(3);
      expect(ids(r), at).toContain("vllm/custom-allreduce-disabled");
    });
  });

  it("a result word before ordinary words, or a Ray INFO line, is no error", async () => {
    const r = await analyzeText(["tests/test_x.py::test_y PASSED2026-06-02 was the date of the run", "FAILED2026-06-02 11:20:42,118\tINFO worker.py:1749 -- Started a local Ray instance."].join("\n") + "\n");
    expect(r.facts.firstError).toBeNull();
  });
});

describe("pynccl could not load the NCCL library (vllm/nccl-library-load-failed)", () => {
  it("0.4.0's line from the driver and a Ray worker: one finding naming both processes and the library", async () => {
    const lines = [
      "ERROR 05-02 08:01:10 pynccl.py:53] Failed to load NCCL library from libnccl.so.2 .It is expected if you are not running on NVIDIA/AMD GPUs.Otherwise please set the environment variable VLLM_NCCL_SO_PATH to point to the correct nccl library path.",
      "INFO 05-02 08:01:10 pynccl_utils.py:17] Failed to import NCCL library: libnccl.so.2: cannot open shared object file: No such file or directory",
      "(RayWorkerVllm pid=3301) ERROR 05-02 08:01:13 pynccl.py:53] Failed to load NCCL library from libnccl.so.2 .It is expected if you are not running on NVIDIA/AMD GPUs.Otherwise please set the environment variable VLLM_NCCL_SO_PATH to point to the correct nccl library path.",
    ];
    await eachWrap(lines, (r, at) => {
      const f = finding(r, "vllm/nccl-library-load-failed");
      expect(f, at).toBeDefined();
      expect(f!.severity, at).toBe("error");
      expect(f!.message, at).toContain("2 processes could not load the NCCL library libnccl.so.2");
      expect(f!.remediation.join("\n"), at).toContain("VLLM_NCCL_SO_PATH");
      expect(f!.evidence.map((e) => e.line), at).toEqual([1, 3]);
      expect(r.facts.firstError?.line, at).toBe(1);
    });
  });

  it("0.4.1's wording, with its INFO repeat of the message: one process; the engine's failure points at it", async () => {
    const lines = [
      "INFO 05-09 12:00:00 utils.py:580] Found nccl from library libnccl.so.2",
      "ERROR 05-09 12:00:00 pynccl.py:44] Failed to load NCCL library from libnccl.so.2 .It is expected if you are not running on NVIDIA/AMD GPUs.Otherwise, the nccl library might not exist, be corrupted or it does not support the current platform Linux-5.4.0-150-generic-x86_64-with-glibc2.31.One solution is to download libnccl2 version 2.18 from https://developer.download.nvidia.com/compute/cuda/repos/ and extract the libnccl.so.2 file. If you already have the library, please set the environment variable VLLM_NCCL_SO_PATH to point to the correct nccl library path.",
      "INFO 05-09 12:00:00 pynccl_utils.py:17] Failed to import NCCL library: Failed to load NCCL library from libnccl.so.2 .",
      "ERROR 05-09 12:00:01 worker_base.py:145] Error executing method init_device. This might cause deadlock in distributed execution.",
    ];
    await eachWrap(lines, (r, at) => {
      const f = finding(r, "vllm/nccl-library-load-failed");
      expect(f?.message, at).toMatch(/^A process could not load the NCCL library libnccl\.so\.2/);
      expect(f!.evidence.map((e) => e.line), at).toEqual([2]);
      expect(finding(r, "vllm/engine-init-failed")?.causedBy, at).toContain("vllm/nccl-library-load-failed");
    });
  });

  it("a start-up traceback that ends in NCCL after the library failed to load: the engine's failure points at the library, not at nccl/* alone", async () => {
    const lines = [
      "ERROR 05-09 12:00:00 pynccl.py:44] Failed to load NCCL library from libnccl.so.2 .It is expected if you are not running on NVIDIA/AMD GPUs.",
      "ERROR 05-09 12:00:01 worker_base.py:145] Error executing method init_device. This might cause deadlock in distributed execution.",
      "Traceback (most recent call last):",
      '  File "/usr/lib/python3.10/site-packages/vllm/distributed/device_communicators/pynccl.py", line 48, in __init__',
      "    self.nccl = NCCLLibrary(library_path)",
      "RuntimeError: NCCL error: unhandled system error",
    ];
    await eachWrap(lines, (r, at) => {
      const advice = finding(r, "vllm/engine-init-failed")?.remediation[0];
      expect(advice, at).toContain("see vllm/nccl-library-load-failed");
      expect(advice, at).not.toContain("nccl/* findings");
    });
  });

  it("the newest wording names the path; SGLang's copy names its own variable; tensor parallel size 1 makes it a warning", async () => {
    const newest = await analyzeText([
      "(Worker_TP0 pid=901) ERROR 08-01 10:00:00 [pynccl_wrapper.py:320] Failed to load NCCL library from /opt/nccl/lib/libnccl.so.2 (Linux-6.8.0-x86_64-with-glibc2.39). Set VLLM_NCCL_SO_PATH to the correct path.",
    ].join("\n") + "\n");
    expect(finding(newest, "vllm/nccl-library-load-failed")?.message).toContain("the NCCL library /opt/nccl/lib/libnccl.so.2:");
    const sglang = await analyzeText("[2025-06-01 10:00:00 TP1] Failed to load NCCL library from libnccl.so.2. It is expected if you are not running on NVIDIA/AMD/MTHREADS GPUs. Otherwise, the nccl library might not exist, be corrupted or it does not support the current platform Linux-x86_64. If you already have the library, please set the environment variable SGLANG_NCCL_SO_PATH to point to the correct nccl library path.\n");
    expect(finding(sglang, "vllm/nccl-library-load-failed")?.remediation.join("\n")).toContain("SGLANG_NCCL_SO_PATH");
    const single = await analyzeText([
      "INFO 04-19 09:33:57 llm_engine.py:75] Initializing an LLM engine (v0.4.0) with config: model='/m/x', tokenizer='/m/x', tensor_parallel_size=1, disable_custom_all_reduce=True, seed=0)",
      "ERROR 04-19 09:33:57 pynccl.py:53] Failed to load NCCL library from libnccl.so.2 .It is expected if you are not running on NVIDIA/AMD GPUs.Otherwise please set the environment variable VLLM_NCCL_SO_PATH to point to the correct nccl library path.",
    ].join("\n") + "\n");
    expect(finding(single, "vllm/nccl-library-load-failed")?.severity).toBe("warning");
  });

  it("near misses: the library found, a loaded version, and an unrelated library", async () => {
    const r = await analyzeText([
      "INFO 05-09 12:00:00 utils.py:580] Found nccl from library /root/.config/vllm/nccl/cu12/libnccl.so.2.18.1",
      "INFO 05-09 12:00:00 pynccl.py:58] vLLM is using nccl==2.18.1",
      "ERROR 05-09 12:00:02 loader.py:12] Failed to load library libfoo.so from /opt/x",
    ].join("\n") + "\n");
    expect(ids(r)).not.toContain("vllm/nccl-library-load-failed");
    expect(r.facts.nccl.version).toBe("2.18.1");
  });
});
