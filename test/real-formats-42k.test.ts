import { describe, expect, it } from "vitest";
import { analyzeText, ids } from "./rules/analyze-text.js";

/**
 * Shapes of a forty-second round of real vLLM logs from Kubernetes (LeaderWorkerSet with Ray, KServe's Hugging Face
 * runtime, OpenShift CI, llm-d): PyTorch's c10 log head as c10 writes it when PyTorch is built without glog
 * (`[W416 00:56:59.886593933 socket.cpp:204] ` from 2.4 on: the month not padded and no thread id; `[W socket.cpp:464] `
 * before), behind a collector's tag: stern's `pod container `, pdsh's `host: ` and srun `--label`'s `N: `. The tag came
 * off only before glog's own head (`W0714 23:06:54.603780 1404 file.cc:12] `), so such a line kept its pod's name in its
 * text, lost its host and was no warning or error of its own. Every text is written for the test in the printed layout
 * of vLLM (`INFO 04-16 00:56:38 [file.py:N] msg`, Ray's process prefix) and of c10's MessageLogger; the wrappers are the
 * formats of stern's default template (with and without `--timestamps`), kubectl's `--prefix`, pdsh and srun.
 */

// a LeaderWorkerSet leader starting a TP=16 Ray run: its first warning is c10d's, in c10's own head
const leaderStart = (head: string): string[] => [
  "INFO 03-05 08:14:02 [ray_distributed_executor.py:352] non_carry_over_env_vars from config: set()",
  "(RayWorkerWrapper pid=731) INFO 03-05 08:14:05 [cuda.py:292] Using Flash Attention backend.",
  "DEBUG 03-05 08:14:09 [parallel_state.py:822] world_size=16 rank=0 local_rank=0 distributed_init_method=tcp://10.42.0.17:41873 backend=nccl",
  `${head} [c10d] The hostname of the client socket cannot be retrieved. err=-3`,
  "INFO 03-05 08:14:12 [pynccl.py:69] vLLM is using nccl==2.21.5",
];
const heads: Array<[string, string]> = [
  ["c10 2.4+ (month not padded, no thread id)", "[W305 08:14:11.402118734 socket.cpp:204]"],
  ["c10 before 2.4 (no time)", "[W socket.cpp:464]"],
  ["c10 2.4+ in December (month 12)", "[W1205 08:14:11.402118734 socket.cpp:204]"],
];
const tags: Array<[string, (i: number) => string, string]> = [
  ["stern", () => "vllm-lws-0 vllm ", "vllm-lws-0"],
  ["stern --timestamps", (i) => `vllm-lws-0 vllm 2026-03-05T08:14:${String(10 + i).padStart(2, "0")}.118204551Z `, "vllm-lws-0"],
  ["pdsh", () => "gpu-node-07: ", "gpu-node-07"],
];
const wrap = (lines: string[], tag: (i: number) => string, eol = "\n"): string => lines.map((l, i) => tag(i) + l).join(eol) + eol;

describe("c10's own log head behind a collector's tag", () => {
  for (const [headName, head] of heads) {
    for (const [tagName, tag, host] of tags) {
      for (const eol of ["\n", "\r\n"]) {
        const at = `${headName}, ${tagName}${eol === "\r\n" ? ", CRLF" : ""}`;
        it(`${at}: the c10d line is the first warning, the tag is its host, the run's facts stay`, async () => {
          const r = await analyzeText(wrap(leaderStart(head), tag, eol));
          expect(r.facts.firstWarning?.line, at).toBe(4);
          expect(r.facts.firstWarning?.text, at).toContain("The hostname of the client socket cannot be retrieved");
          expect(r.facts.distributed.worldSize, at).toBe(16);
          expect(r.facts.config.executorBackend, at).toBe("ray");
          expect(r.facts.timeline.map((t) => t.host), at).toEqual([host]);
          expect(r.facts.firstError, at).toBeNull();
        });
      }
    }
  }

  it("reads the same untagged and behind kubectl --prefix (the reference the tags must match)", async () => {
    for (const text of [leaderStart(heads[0][1]).join("\n") + "\n", wrap(leaderStart(heads[0][1]), () => "[pod/vllm-lws-0/vllm] ")]) {
      const r = await analyzeText(text);
      expect(r.facts.firstWarning?.line).toBe(4);
      expect(r.facts.distributed.worldSize).toBe(16);
    }
  });

  it("a watchdog timeout in c10's head on two pods of one stern paste: one timeout, each pod its own host", async () => {
    const lines = [
      "vllm-lws-0 vllm INFO 03-05 09:02:40 [pynccl.py:69] vLLM is using nccl==2.21.5",
      "vllm-lws-0-1 vllm INFO 03-05 09:02:41 [pynccl.py:69] vLLM is using nccl==2.21.5",
      "vllm-lws-0 vllm [E305 09:12:41.550917206 ProcessGroupNCCL.cpp:632] [Rank 0] Watchdog caught collective operation timeout: WorkNCCL(SeqNum=12, OpType=ALLREDUCE, NumelIn=4096, NumelOut=4096, Timeout(ms)=600000) ran for 600031 milliseconds before timing out.",
      "vllm-lws-0-1 vllm [E305 09:12:41.551204477 ProcessGroupNCCL.cpp:632] [Rank 8] Watchdog caught collective operation timeout: WorkNCCL(SeqNum=12, OpType=ALLREDUCE, NumelIn=4096, NumelOut=4096, Timeout(ms)=600000) ran for 600033 milliseconds before timing out.",
    ];
    const r = await analyzeText(lines.join("\n") + "\n");
    expect(ids(r)).toContain("nccl/collective-timeout");
    expect(r.facts.firstError?.line).toBe(3);
    expect(r.facts.timeline.map((t) => t.host).sort()).toEqual(["vllm-lws-0", "vllm-lws-0-1"]);
  });

  it("leaves two words of prose before a bracket alone: no tag is taken off a line that is no record", async () => {
    const r = await analyzeText("see also [W socket.cpp] for details\nnode check: [E notes.txt] pending\n");
    expect(r.facts.firstWarning).toBeNull();
    expect(r.facts.firstError).toBeNull();
    expect(r.facts.timeline.map((t) => t.host).filter(Boolean)).toEqual([]);
  });
});

// KServe's Hugging Face runtime in its predictor pod: kserve/logging.py's `date time PID kserve LEVEL [file:func():N] msg`
// between vLLM's own records
const kservePod = [
  "INFO 04-07 08:49:40 [__init__.py:256] Automatically detected platform cuda.",
  "2026-04-07 08:49:41.625 41 kserve INFO [model_server.py:register_model():398] Registering model: qwen",
  "INFO 04-07 08:49:47 [llm_engine.py:241] Initializing a V0 LLM engine (v0.8.1) with config: model='Qwen/Qwen2.5-7B-Instruct', speculative_config=None, tokenizer='Qwen/Qwen2.5-7B-Instruct', dtype=torch.bfloat16, max_seq_len=8192, tensor_parallel_size=1, pipeline_parallel_size=1, disable_custom_all_reduce=False",
  "2026-04-07 08:49:52.118 41 kserve ERROR [__main__.py:<module>():254] Failed to start model server: CUDA out of memory while loading the model",
];
const podTags: Array<[string, (i: number) => string]> = [
  ["stern", () => "qwen-predictor-7c9f6d8b5-x2kqp kserve-container "],
  ["stern --timestamps", (i) => `qwen-predictor-7c9f6d8b5-x2kqp kserve-container 2026-04-07T08:49:${String(40 + i)}.500113920Z `],
  ["kubectl --prefix", () => "[pod/qwen-predictor-7c9f6d8b5-x2kqp/kserve-container] "],
  ["none", () => ""],
];

describe("stern before a Python logger's `date time` stamp (a KServe predictor pod)", () => {
  for (const [name, tag] of podTags) {
    for (const eol of ["\n", "\r\n"]) {
      const at = `${name}${eol === "\r\n" ? ", CRLF" : ""}`;
      it(`${at}: KServe's ERROR record is the first error, vLLM's facts read, one host`, async () => {
        const r = await analyzeText(wrap(kservePod, tag, eol));
        expect(r.facts.firstError?.line, at).toBe(4);
        expect(r.facts.firstError?.text, at).toContain("Failed to start model server");
        expect(r.facts.vllm.version, at).toBe("0.8.1");
        expect(r.facts.config.maxModelLen, at).toBe(8192);
        expect(r.facts.timeline.map((t) => t.host), at).toEqual([name === "none" ? null : "qwen-predictor-7c9f6d8b5-x2kqp"]);
      });
    }
  }
});
