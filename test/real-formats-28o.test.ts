import { describe, expect, it } from "vitest";
import { analyzeText, ids } from "./rules/analyze-text.js";
import { variants } from "./helpers/variants.js";

/**
 * Formats found in a round of real logs pasted in the threads of projects that run vLLM (serving frameworks, RL
 * trainers, platform plugins): a serving framework's own ERROR record (GPUStack's `stamp - gpustack.… - ERROR - msg`,
 * BentoML's `stamp [ERROR] [runner:…] msg`) is the run's first error, as KServe's is, while another program's stays
 * none; a markdown bold span a paste opened before a record and closed lines later; and a traceback cut inside the
 * constructor of a worker's part (a platform plugin's model runner building its input batch) is a start-up failure;
 * a command written as an array whose items run over lines (a Dockerfile's exec form continued with `\`, a YAML flow
 * sequence wrapped in a manifest) is read as one command.
 * Every log text here is written for the test, in the format's shape, with variants the threads did not show
 * (kubectl timestamps, compose, colour, CRLF).
 */

describe("a serving framework's own error record", () => {
  it("is GPUStack's first error, in its ISO stamp and in its newer spaced stamp with microseconds", async () => {
    for (const [stamp, level] of [
      ["2025-03-01T08:09:10+08:00", "ERROR"],
      ["2026-02-25 09:58:44.960623+08:00", "CRITICAL"],
      ["2025-03-01T08:09:10Z", "ERROR"],
    ]) {
      const lines = [
        `${stamp} - gpustack.worker.backends.vllm - INFO - Starting vllm server`,
        `${stamp} - gpustack.worker.serve_manager - WARNING - Model instance qwen-7b-abc is slow to start`,
        `${stamp} - gpustack.worker.serve_manager - ${level} - Failed to start model instance qwen-7b-abc: exit code 1`,
      ];
      for (const text of variants(lines, { compose: true })) {
        const r = await analyzeText(text + "\n");
        const what = JSON.stringify(text.slice(0, 80));
        expect(r.facts.firstError?.line, what).toBe(3);
        expect(r.facts.firstError?.text, what).toContain("Failed to start model instance qwen-7b-abc");
      }
    }
  });

  it("is BentoML's for its CLI, API server, runner and service components", async () => {
    for (const component of ["runner:vllm-runner:1", "entry_service:bentovllm-qwen-service:1", "api_server:3", "service:llm:2", "cli"]) {
      const lines = [
        `2024-05-06T07:08:09+0000 [INFO] [${component}] Service llm initialized`,
        `2024-05-06T07:08:10-0700 [ERROR] [${component}] Exception in startup hook: init_engine`,
      ];
      for (const text of variants(lines, { compose: true })) {
        const r = await analyzeText(text + "\n");
        expect(r.facts.firstError?.line, JSON.stringify(text.slice(0, 80))).toBe(2);
      }
    }
  });

  it("is no error when it only opens a traceback, and another program's record stays none", async () => {
    const r = await analyzeText(
      [
        "2024-05-06T07:08:09+0000 [ERROR] [runner:vllm-runner:1] Traceback (most recent call last):",
        "2025-03-01T08:09:10+08:00 - gpustack.worker.serve_manager - ERROR - Traceback (most recent call last):",
        "2024-05-06T07:08:09+0000 [ERROR] [myapp] retrying",
        "2025-03-01T08:09:10+08:00 - gpustackish.jobs - ERROR - retrying",
        "2025-03-01T08:09:10+08:00 - myapp.gpustack - ERROR - retrying",
        "2025-03-01T08:09:10+08:00 - gpustack.worker.serve_manager - INFO - Model instance qwen-7b-abc is running",
      ].join("\n") + "\n",
    );
    expect(r.facts.firstError).toBeNull();
    expect(ids(r, "error")).toEqual([]);
  });
});

describe("a markdown bold span a paste opened before a record", () => {
  it("still lets the record be read: Ray's driver record and vLLM's own", async () => {
    const ray = [
      "**2023-08-23 08:52:55,683\tERROR services.py:1207 -- Failed to start the dashboard, return code -11",
      "2023-08-23 08:52:55,685\tERROR services.py:1232 -- Error should be written to 'dashboard.log' or 'dashboard.err'.",
      "2023-08-23 08:52:56,847\tINFO worker.py:1636 -- Started a local Ray instance.**",
    ];
    const vllm = [
      "**ERROR 05-06 07:08:09 [core.py:708] EngineCore failed to start.",
      "ERROR 05-06 07:08:09 [core.py:708] Traceback (most recent call last):",
      "ERROR 05-06 07:08:09 [core.py:708]   File \"/usr/local/lib/python3.12/dist-packages/vllm/v1/engine/core.py\", line 699, in run_engine_core**",
    ];
    for (const lines of [ray, vllm]) {
      for (const text of variants(lines, { compose: true })) {
        const r = await analyzeText(text + "\n");
        expect(r.facts.firstError?.line, JSON.stringify(text.slice(0, 80))).toBe(1);
      }
    }
  });

  it("leaves bold prose alone", async () => {
    const r = await analyzeText("**Note**: ERROR 05-06 is what I saw\n**2x faster** after the upgrade\n");
    expect(r.facts.firstError).toBeNull();
  });
});

describe("a traceback cut inside the constructor of a worker's part", () => {
  const pluginRunner = (prefix: string) => [
    `${prefix}   File "/vllm-workspace/vllm-ascend/vllm_ascend/worker/model_runner_v1.py", line 498, in __init__`,
    `${prefix}     self.input_batch = InputBatch(`,
    `${prefix}                        ^^^^^^^^^^^`,
    `${prefix}   File "/vllm-workspace/vllm-ascend/vllm_ascend/worker/npu_input_batch.py", line 140, in __init__`,
    `${prefix}     self.block_table = MultiGroupBlockTable(`,
    `${prefix}   File "/vllm-workspace/vllm-ascend/vllm_ascend/worker/block_table.py", line 55, in __init__`,
  ];
  const coreRunner = (prefix: string) => [
    `${prefix}   File "/usr/local/lib/python3.12/dist-packages/vllm/v1/worker/gpu_model_runner.py", line 301, in __init__`,
    `${prefix}     self.input_batch = InputBatch(`,
    `${prefix}   File "/usr/local/lib/python3.12/dist-packages/vllm/v1/worker/gpu_input_batch.py", line 95, in __init__`,
    `${prefix}     self.block_table = MultiGroupBlockTable(`,
  ];

  it("is a start-up failure, behind the engine core's prefix in any colour or none", async () => {
    for (const prefix of ["(EngineCore_DP0 pid=6444)", "^[[1;36m(EngineCore_DP0 pid=6444)^[[0;0m", "(Worker_TP1 pid=77)", ""]) {
      for (const lines of [pluginRunner(prefix), coreRunner(prefix)]) {
        for (const text of variants(lines.map((l) => l.trimStart()))) {
          const r = await analyzeText(text + "\n");
          expect(ids(r), JSON.stringify(text.slice(0, 80))).toContain("vllm/engine-init-failed");
        }
      }
    }
  });

  it("is not one when a step builds its inputs (V0's per-step builder) or the engine is serving", async () => {
    const perStep = [
      "ERROR 03-04 05:06:07 engine.py:135]   File \"/usr/local/lib/python3.10/dist-packages/vllm/worker/model_runner.py\", line 1370, in prepare_model_input",
      "ERROR 03-04 05:06:07 engine.py:135]     model_input = self._prepare_model_input_tensors(",
      "ERROR 03-04 05:06:07 engine.py:135]   File \"/usr/local/lib/python3.10/dist-packages/vllm/worker/model_runner.py\", line 1040, in _prepare_model_input_tensors",
      "ERROR 03-04 05:06:07 engine.py:135]     builder = self._builder_cls(weakref.proxy(self), finished_requests_ids)",
      "ERROR 03-04 05:06:07 engine.py:135]   File \"/usr/local/lib/python3.10/dist-packages/vllm/worker/model_runner.py\", line 480, in __init__",
    ];
    const serving = [
      "(EngineCore_DP0 pid=9) ERROR 10-11 12:13:14 [core.py:866]   File \"/usr/local/lib/python3.12/dist-packages/vllm/v1/engine/core.py\", line 890, in run_busy_loop",
      "(EngineCore_DP0 pid=9) ERROR 10-11 12:13:14 [core.py:866]     self._process_engine_step()",
      "(EngineCore_DP0 pid=9) ERROR 10-11 12:13:14 [core.py:866]   File \"/usr/local/lib/python3.12/dist-packages/vllm/v1/worker/gpu_input_batch.py\", line 95, in __init__",
    ];
    for (const lines of [perStep, serving]) {
      for (const text of variants(lines)) {
        const r = await analyzeText(text + "\n");
        expect(ids(r), JSON.stringify(text.slice(0, 80))).not.toContain("vllm/engine-init-failed");
      }
    }
  });
});

describe("a command written as an array whose items run over lines", () => {
  const forms: [string, string[]][] = [
    ["Dockerfile exec form continued with backslashes, in markdown backticks", [
      '`CMD [ "python", "-m", "vllm.entrypoints.openai.api_server", \\',
      '        "--model", "Qwen/Qwen2.5-7B-Instruct", \\',
      '        "--gpu-memory-utilization", "0.85", "--tensor-parallel-size", "2" ]`',
    ]],
    ["a YAML flow sequence wrapped in a manifest", [
      '        command: ["python3", "-m", "vllm.entrypoints.openai.api_server",',
      '                  "--model", "Qwen/Qwen2.5-7B-Instruct",',
      "                  '--gpu-memory-utilization', '0.85',",
      '                  "--tensor-parallel-size", "2"]',
    ]],
    ["an ENTRYPOINT whose last line closes the bracket alone", [
      'ENTRYPOINT ["vllm", "serve", "Qwen/Qwen2.5-7B-Instruct", \\',
      '    "--gpu-memory-utilization", "0.85", \\',
      '    "--tensor-parallel-size", "2" \\',
      "    ]",
    ]],
  ];
  it("reads the model and the flags from every line of it", async () => {
    for (const [what, lines] of forms) {
      for (const text of variants(lines)) {
        const c = (await analyzeText(text + "\n")).facts.config;
        const tag = `${what}: ${JSON.stringify(text.slice(0, 60))}`;
        expect(c.model, tag).toBe("Qwen/Qwen2.5-7B-Instruct");
        expect(c.gpuMemoryUtilization, tag).toBe(0.85);
        expect(c.tensorParallelSize, tag).toBe(2);
      }
    }
  });

  it("leaves an argument dump's open list and an unrelated array alone", async () => {
    const c = (
      await analyzeText(
        [
          "args: Namespace(host=None, port=8000, allowed_origins=['*'], lora_modules=['vllm-lora',",
          "    'second'], model='meta-llama/Llama-3.1-8B')",
          'tags: ["vllm", "--fast",',
          '  "gpu"]',
        ].join("\n") + "\n",
      )
    ).facts.config;
    expect(c.tensorParallelSize).toBeNull();
    expect(c.gpuMemoryUtilization).toBeNull();
  });
});
