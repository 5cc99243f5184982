import { describe, expect, it } from "vitest";
import { analyzeText, ids, eachWrapped } from "./rules/analyze-text.js";
import type { Report } from "../src/model.js";

/**
 * Formats met in round 80r19 (multi-node vLLM: the mp backend over two nodes launched by a script, Ray clusters whose
 * placement group never filled, Ray's pre-check of the world size against the GPUs of one node, NIXL / Mooncake / LMCache
 * disaggregated serving, Slurm and older NCCL). What the tool missed at first sight:
 *  - a worker's traceback that vLLM logged at ERROR, wrapped by the terminal at blanks so that each `File` record holds
 *    only the word `File` and the file name and `line N, in f` sit flush left on the physical lines below it: no frame
 *    was read, so a cut traceback through `init_process_group` said nothing (the unwrapped window is engine-init-failed);
 *  - Ray's `ValueError: Cannot provide a placement group ... within 1800 seconds.` named no executor backend, though
 *    only the Ray executor reserves a placement group;
 *  - Ray's pre-check `Tensor parallel size (N) exceeds available GPUs (M)` prints `parallel_config.world_size` (TP × PP)
 *    under the tensor parallel size's name: it gave no world size, and with a pipeline of several stages stated and no
 *    TP it was taken for the TP (`-pp 4` read as TP 4 × PP 4).
 * Every log text here is written for the test in the layouts the logs printed.
 */

const WRAPS: [string, (l: string) => string][] = [
  ["plain", (l) => l],
  ["kubets", (l) => `2026-08-03T13:35:33.120554301Z ${l}`],
  ["mpi-tag", (l) => `[1,0]<stderr>:${l}`],
];

const eachWrap = (lines: string[], check: (r: Report, at: string) => void) => eachWrapped(WRAPS, lines, check);

const head = "(Worker_TP1 pid=4711) ERROR 05-02 10:11:12 [multiproc_executor.py:760]";

describe("a worker's ERROR traceback wrapped at blanks by the terminal: each frame line over three physical lines", () => {
  const wrapped = [
    `${head}   File`,
    '"/opt/venv/lib/python3.12/site-packages/vllm/v1/worker/gpu_worker.py",',
    "line 188, in init_device",
    `${head}     init_worker_distributed_environment(self.vllm_config,`,
    "self.rank,",
    `${head}   File`,
    '"/opt/venv/lib/python3.12/site-packages/torch/distributed/distributed_c10d.py",',
    "line 1710, in init_process_group",
    `${head}     store, rank, world_size =`,
    "next(rendezvous_iterator)",
    `${head}                               `,
    "^^^^^^^^^^^^^^^^^^^^^^^^^",
  ];

  it("reads the frames: a cut traceback through the start-up path, no first error (frames only)", async () => {
    await eachWrap(wrapped, (r, at) => {
      expect(ids(r, "error"), at).toEqual(["vllm/engine-init-failed"]);
      expect(r.facts.firstError, at).toBeNull();
      expect(r.facts.config.executorBackend, at).toBe("mp");
    });
    // a `File` record that nothing finishes takes nothing from the record after it
    await eachWrap([...wrapped, `${head}   File`, `${head} ValueError: rank 1 could not reach the master at 10.20.0.11:29500`], (r, at) => {
      expect(r.facts.firstError?.line, at).toBe(wrapped.length + 2);
      expect(r.facts.firstError?.text, at).toContain("ValueError: rank 1 could not reach");
    });
  });

  it("a file name the width cut inside (no blank at the break) and a function name on the next line", async () => {
    const cutInside = [
      `${head}   File "/opt/venv/lib/python3.12/site-packages/vllm/v1/wor`,
      'ker/gpu_worker.py", line 188, in init_device',
      `${head}     init_worker_distributed_environment(self.vllm_config, self.rank,`,
      `${head}   File "/opt/venv/lib/python3.12/site-packages/torch/distributed/distributed_c10d.py", line 1710, in`,
      "init_process_group",
      `${head}     store, rank, world_size = next(rendezvous_iterator)`,
    ];
    await eachWrap(cutInside, (r, at) => {
      expect(ids(r, "error"), at).toEqual(["vllm/engine-init-failed"]);
      expect(r.facts.firstError, at).toBeNull();
    });
  });

});

describe("Ray's placement-group timeout names the Ray executor", () => {
  const v1 = [
    "(EngineCore_DP0 pid=902) ERROR 04-20 18:08:14 [core.py:1100] ValueError: Cannot provide a placement group requiring 8.0 GPUs (placement_group_specs=[{'node:10.4.0.21': 0.001, 'GPU': 1.0}, {'GPU': 1.0}, {'GPU': 1.0}, {'GPU': 1.0}, {'GPU': 1.0}, {'GPU': 1.0}, {'GPU': 1.0}, {'GPU': 1.0}]) within 1800 seconds.",
    "(EngineCore_DP0 pid=902) ERROR 04-20 18:08:14 [core.py:1100] Tensor parallel size may exceed available GPUs in your cluster. Check resources with `ray status` and `ray list nodes`.",
  ];
  const v0 = [
    "ValueError: Cannot provide a placement group of placement_group_specs=[{'node:10.4.0.21': 0.001, 'GPU': 1.0}, {'GPU': 1.0}] within 1800 seconds. See `ray status` and `ray list nodes` to make sure the cluster has enough resources.",
  ];
  for (const [name, lines] of [["V1, with the GPU count", v1], ["V0 wording", v0]] as const) {
    it(name, async () => {
      await eachWrap([...lines], (r, at) => {
        expect(r.facts.config.executorBackend, at).toBe("ray");
        expect(ids(r, "error"), at).toContain("vllm/ray-insufficient-resources");
        expect(r.facts.firstError?.line, at).toBe(1);
      });
    });
  }
});

describe("Ray's `Tensor parallel size (N) exceeds available GPUs (M)` prints the world size", () => {
  const warning = "(EngineCore_DP0 pid=5120) WARNING 06-14 09:02:40 [ray_utils.py:352] Tensor parallel size (8) exceeds available GPUs (2). This may result in Ray placement group allocation failures. Consider reducing tensor_parallel_size to 2 or less, or ensure your Ray cluster has 8 GPUs available.";

  it("alone: the world size, and the TP (no pipeline known), no error", async () => {
    await eachWrap([warning], (r, at) => {
      expect(r.facts.distributed.worldSize, at).toBe(8);
      expect(r.facts.config.tensorParallelSize, at).toBe(8);
      expect(r.facts.config.executorBackend, at).toBe("ray");
      expect(ids(r, "error"), at).toEqual([]);
    });
  });

  // [name, the non-default args stated before the warning, the TP to read, the PP, the world size]
  const cases: [string, string, number | null, number, number][] = [
    ["a pipeline of 4 stages and no TP: no TP is read from it", "{'model': '/models/m', 'pipeline_parallel_size': 4, 'distributed_executor_backend': 'ray'}", null, 4, 8],
    ["TP 2 x PP 4: the stated TP outranks it", "{'model': '/models/m', 'tensor_parallel_size': 2, 'pipeline_parallel_size': 4, 'distributed_executor_backend': 'ray'}", 2, 4, 8],
  ];
  for (const [name, args, tp, pp, world] of cases) {
    it(name, async () => {
      await eachWrap([`(APIServer pid=5001) INFO 06-14 09:02:31 [utils.py:233] non-default args: ${args}`, warning], (r, at) => {
        expect(r.facts.config.tensorParallelSize, at).toBe(tp);
        expect(r.facts.config.pipelineParallelSize, at).toBe(pp);
        expect(r.facts.distributed.worldSize, at).toBe(world);
        if (tp === null) expect(r.facts.sources["config.tensorParallelSize"], at).toBeUndefined();
      });
    });
  }

  it("the same holds for the ValueError `... cannot be larger than the number of available GPUs` after `--pipeline-parallel-size 2`", async () => {
    await eachWrap(["$ vllm serve /models/m --pipeline-parallel-size 2 --port 8000", "(APIServer pid=77) ValueError: Tensor parallel size (2) cannot be larger than the number of available GPUs (1)."], (r, at) => {
      expect([r.facts.config.tensorParallelSize, r.facts.config.pipelineParallelSize, r.facts.distributed.worldSize], at).toEqual([null, 2, 2]);
    });
  });
});
