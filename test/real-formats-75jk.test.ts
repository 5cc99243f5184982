import { describe, expect, it } from "vitest";
import { analyzeText, eachWrapped, ids } from "./rules/analyze-text.js";
import type { Report } from "../src/model.js";

/**
 * Formats found in the 75jk round of real logs: Japanese and Korean venues (a Japanese team's SLURM logs from a
 * multi-node LLM competition, a Korean blog post). torchrun's elastic agent gave up on its rendezvous with a bare
 * `torch.distributed.elastic.rendezvous.api.RendezvousTimeoutError` (the class alone, no message), which no signature
 * read, so a job whose nodes never met was reported with no finding. A Korean post quoted vLLM V1's KV-cache check by
 * its middle clause only (`KV cache is needed, which is larger than the available KV cache memory`), behind an emoji,
 * and the check's opening with max_model_len was gone: only its head and its full form were read. Every log text here
 * is written for the test in the printed layout, under wrappers the logs did not all show.
 */

const WRAPS = [
  ["plain", (l: string) => l],
  ["kubectl --timestamps", (l: string) => `2026-12-07T05:10:44.902113871Z ${l}`],
  ["docker compose", (l: string) => `trainer-1  | ${l}`],
  ["Ray", (l: string) => `(RayWorkerWrapper pid=4410, ip=10.20.0.7) ${l}`],
] as const;

const finding = (r: Report, id: string) => r.findings.find((f) => f.ruleId === id);

describe("torchrun's rendezvous that timed out (RendezvousTimeoutError)", () => {
  const traceback = [
    "W1203 21:14:02.551000 88120 torch/distributed/run.py:792] master_addr is only used for static rdzv_backend and when rdzv_endpoint is not specified.",
    "Traceback (most recent call last):",
    '  File "/opt/conda/envs/sft/bin/torchrun", line 8, in <module>',
    "    sys.exit(main())",
    '  File "/opt/conda/envs/sft/lib/python3.11/site-packages/torch/distributed/elastic/agent/server/api.py", line 496, in _rendezvous',
    "    rdzv_info = spec.rdzv_handler.next_rendezvous()",
    '  File "/opt/conda/envs/sft/lib/python3.11/site-packages/torch/distributed/elastic/rendezvous/dynamic_rendezvous.py", line 702, in run',
    "    raise RendezvousTimeoutError",
    "torch.distributed.elastic.rendezvous.api.RendezvousTimeoutError",
  ];

  it("reads the bare class line as the agents never meeting, before NCCL", async () => {
    await eachWrapped(WRAPS, traceback, (r, at) => {
      const f = finding(r, "nccl/bootstrap-failure");
      expect(f, at).toBeDefined();
      expect(f!.severity, at).toBe("error");
      expect(f!.message, at).toContain("torchrun's rendezvous timed out: this agent waited for the other agents its --nnodes counts");
      expect(f!.message, at).toContain("NCCL was not reached yet.");
      expect(f!.remediation.join("\n"), at).toContain("--rdzv-conf join_timeout=<seconds>");
      expect(f!.evidence.map((e) => e.line), at).toContain(9);
      expect(r.facts.firstError?.line, at).toBe(9);
    });
  });

  it("keeps a message after the class", async () => {
    const lines = ["[rank0]: torch.distributed.elastic.rendezvous.api.RendezvousTimeoutError: Rendezvous operation timed out"];
    await eachWrapped(WRAPS, lines, (r, at) => {
      expect(finding(r, "nccl/bootstrap-failure")?.message, at).toContain("timed out (Rendezvous operation timed out): this agent");
    });
  });

  it("the code line, an import, an except clause and etcd's INFO line report nothing", async () => {
    const lines = [
      "from torch.distributed.elastic.rendezvous.api import RendezvousTimeoutError",
      "    raise RendezvousTimeoutError",
      "        except RendezvousTimeoutError:",
      "INFO:torch.distributed.elastic.rendezvous.etcd_rendezvous:Rendezvous timeout occurred in EtcdRendezvousHandler",
    ];
    await eachWrapped(WRAPS, lines, (r, at) => {
      expect(ids(r), at).not.toContain("nccl/bootstrap-failure");
    });
  });
});

describe("vLLM V1's KV-cache check quoted by its middle clause", () => {
  it("reads the clause behind non-ASCII marks, without sizes or max_model_len", async () => {
    const lines = [
      "❌ ValueError: No available memory for the cache blocks.",
      "❌ KV cache is needed, which is larger than the available KV cache memory.",
    ];
    await eachWrapped(WRAPS, lines, (r, at) => {
      const f = finding(r, "vllm/kv-cache-too-small");
      expect(f, at).toBeDefined();
      expect(f!.message, at).toBe("One request at the configured max_model_len needs more KV cache than is available (the sizes vLLM states are not in the excerpt).");
      expect(f!.evidence[0].line, at).toBe(2);
      expect(ids(r, "error"), at).toContain("vllm/no-kv-cache-memory");
      expect(r.facts.firstError?.line, at).toBe(1);
    });
  });

  it("states the sizes when the clause kept them, and the max_model_len the log printed", async () => {
    const lines = [
      "(APIServer pid=2210) INFO 11-02 16:20:31 [model.py:1681] Using max model len 98304",
      "(EngineCore_DP0 pid=2391) ERROR 11-02 16:22:05 [core.py:779] ValueError: (12.50 GiB KV cache is needed, which is larger than the available KV cache memory (3.10 GiB).",
    ];
    await eachWrapped(WRAPS, lines, (r, at) => {
      expect(finding(r, "vllm/kv-cache-too-small")?.message, at).toBe("One request at max_model_len 98,304 needs more KV cache than is available: 12.50 GiB is needed, 3.10 GiB is available.");
    });
  });

  it("the full message keeps its own reading; the available-memory line alone is no failure", async () => {
    const full = [
      "ValueError: To serve at least one request with the models's max seq len (98304), (12.50 GiB KV cache is needed, which is larger than the available KV cache memory (3.10 GiB). Based on the available memory, the estimated maximum model length is 24320. Try increasing `gpu_memory_utilization` or decreasing `max_model_len` when initializing the engine.",
    ];
    await eachWrapped(WRAPS, full, (r, at) => {
      expect(finding(r, "vllm/kv-cache-too-small")?.message, at).toContain("max_model_len 98,304 needs 12.5 GiB of KV cache for one request");
    });
    await eachWrapped(WRAPS, ["(EngineCore_DP0 pid=2391) INFO 11-02 16:22:05 [gpu_worker.py:298] Available KV cache memory: 3.10 GiB"], (r, at) => {
      expect(ids(r), at).not.toContain("vllm/kv-cache-too-small");
    });
  });
});
