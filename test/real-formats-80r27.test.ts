import { describe, expect, it } from "vitest";
import { analyzeText, ids, eachWrapped } from "./rules/analyze-text.js";
import type { Report } from "../src/model.js";

/**
 * Formats met in round 80r27 (vLLM output pasted outside GitHub: the vLLM forum, blog posts, pages mirroring issues, a
 * community knowledge base). The tool read every labelled fact and problem at first sight; two shapes it said nothing
 * about were newer Ray ones: vLLM's Ray V2 executor (a multiprocessing executor over Ray actors) logging a worker whose
 * busy loop ended, `RayWorkerProc rank=[3] died unexpectedly, shutting down executor.` (the multiprocessing executor's
 * `Worker proc ... died unexpectedly` was already read), and an exception raised on a Ray compiled graph's GPU tensor
 * channel, `AttributeError: '_TorchTensorAcceleratorChannel' object has no attribute ...`, here hard-wrapped by the
 * author after `object`. Every log text here is written for the test.
 */

const WRAPS: [string, (l: string) => string][] = [
  ["plain", (l) => l],
  ["kubets", (l) => `2026-03-09T21:40:12.123456789Z ${l}`],
  ["mpi-tag", (l) => `[1,0]<stderr>:${l}`],
];

const eachWrap = (lines: string[], check: (r: Report, at: string) => void) => eachWrapped(WRAPS, lines, check);
const text = (lines: string[]) => lines.join("\n") + "\n";

describe("vLLM's Ray V2 executor reporting a worker whose busy loop ended", () => {
  const died = (ranks: string, prefix = "(EngineCore_DP0 pid=7731) ERROR 03-09 21:40:12") =>
    `${prefix} [ray_executor_v2.py:464] RayWorkerProc rank=${ranks} died unexpectedly, shutting down executor.`;
  it("is an engine that did not start when the log shows no serving engine, behind wrappers and CRLF", async () => {
    await eachWrap([
      "(EngineCore_DP0 pid=7731) INFO 03-09 21:28:40 [core.py:93] Initializing a V1 LLM engine (v0.21.0) with config: model='org/some-moe', tensor_parallel_size=4",
      died("[3]"),
      "ray.exceptions.RayTaskError(RuntimeError)",
    ], (r, at) => {
      expect(ids(r, "error"), at).toContain("vllm/engine-init-failed");
      const f = r.findings.find((x) => x.ruleId === "vllm/engine-init-failed");
      expect(f?.evidence.map((e) => e.text), at).toContainEqual(expect.stringMatching(/RayWorkerProc rank=\[3\] died unexpectedly/));
    });
  });
  it("is an engine that died while serving when the server had come up; several ranks and an elided prefix read alike", async () => {
    const r = await analyzeText(text([
      "(APIServer pid=7702) INFO 03-09 21:31:02 [api_server.py:1900] Starting vLLM API server 0 on http://0.0.0.0:8000",
      "(APIServer pid=7702) INFO:     Application startup complete.",
      died("[0, 5]"),
    ]));
    expect(ids(r, "error")).toContain("vllm/engine-dead");
    expect(ids(r, "error")).not.toContain("vllm/engine-init-failed");
    const elided = await analyzeText(text([died("[2]", "ERROR ...")]));
    expect(ids(elided, "error")).toContain("vllm/engine-init-failed");
    // a worker that reports ready, and prose about a dead rank, are no death
    const quiet = await analyzeText(text([
      "(EngineCore_DP0 pid=7731) INFO 03-09 21:29:10 [ray_executor_v2.py:301] RayWorkerProc rank=[3] is ready.",
      "we saw rank 3 die unexpectedly after about an hour",
    ]));
    expect(ids(quiet, "error")).toEqual([]);
  });
});

describe("an exception on a Ray compiled graph's GPU tensor channel", () => {
  const lines = (cls: string) => [
    `AttributeError: '${cls}' object`,
    "has no attribute '_accelerator_group'.",
    "Did you mean: '_accelerator_group_id'?",
    "",
    "ray.exceptions.ActorUnavailableError: The actor is temporarily unavailable:",
    "  RpcError: RPC error: Socket closed rpc_code: 14.",
  ];
  it("names the channel and the error, behind wrappers and CRLF", async () => {
    await eachWrap(lines("_TorchTensorAcceleratorChannel"), (r, at) => {
      expect(ids(r, "error"), at).toEqual(["vllm/ray-compiled-graph-failed"]);
      const f = r.findings.find((x) => x.ruleId === "vllm/ray-compiled-graph-failed");
      expect(f?.message, at).toMatch(/AttributeError on its _TorchTensorAcceleratorChannel/);
      expect(f?.evidence.map((e) => e.text), at).toEqual([expect.stringMatching(/AttributeError: '_TorchTensorAcceleratorChannel' object$/)]);
      expect(r.facts.firstError?.line, at).toBe(1);
    });
  });
  it("reads the older NCCL channel inside a Ray worker's prefix", async () => {
    const r = await analyzeText(text(["(RayWorkerWrapper pid=2217, ip=10.0.3.7) AttributeError: '_TorchTensorNcclChannel' object has no attribute '_nccl_group'"]));
    expect(ids(r, "error")).toEqual(["vllm/ray-compiled-graph-failed"]);
    // an import of the channel and another class's AttributeError are no channel failure
    const quiet = await analyzeText(text([
      "    from ray.experimental.channel.torch_tensor_accelerator_channel import _TorchTensorAcceleratorChannel",
      "AttributeError: 'TorchTensorType' object has no attribute 'device'",
    ]));
    expect(ids(quiet)).not.toContain("vllm/ray-compiled-graph-failed");
  });
});
