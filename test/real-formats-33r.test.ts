import { describe, expect, it } from "vitest";
import { analyzeText, ids } from "./rules/analyze-text.js";

/**
 * Round 33r (vLLM over several nodes with Ray): shapes of real pastes the readers missed. The log texts are written
 * for the test in the printed layouts; the facts checked are exact.
 */

// a Windows console (conhost, code page 437) shows the ESC byte of Ray's colour codes as `←`
const ARROW = (prefix: string) => `←[36m${prefix}←[0m `;

const RAY_SOCKET_RUN = (wrap: (prefix: string) => string) => [
  `${wrap("(RayWorkerWrapper pid=211, ip=10.8.4.21)")}node-b:211:211 [0] NCCL INFO cudaDriverVersion 12040`,
  `${wrap("(RayWorkerWrapper pid=211, ip=10.8.4.21)")}NCCL version 2.21.5+cuda12.4`,
  `${wrap("(RayWorkerWrapper pid=402)")}node-a:402:402 [1] NCCL INFO NET/IB : No device found.`,
  `${wrap("(RayWorkerWrapper pid=402)")}node-a:402:402 [1] NCCL INFO NET/Socket : Using [0]eth0:10.8.4.20<0>`,
  `${wrap("(RayWorkerWrapper pid=402)")}node-a:402:402 [1] NCCL INFO Using network Socket`,
];

describe("Ray prefixes coloured with ESC shown as `←` (Windows console copy)", () => {
  const variants: Array<[string, (s: string) => string]> = [
    ["bare", (s) => s],
    ["CRLF", (s) => s.replace(/\n/g, "\r\n")],
    ["kubectl --timestamps", (s) => s.split("\n").map((l, i) => `2025-01-08T10:00:0${i % 10}.123456789Z ${l}`).join("\n")],
  ];
  for (const [name, wrap] of variants)
    it(`reads the Ray workers, their addresses and the Socket fallback (${name})`, async () => {
      const r = await analyzeText(wrap(RAY_SOCKET_RUN(ARROW).join("\n")));
      expect(r.facts.config.executorBackend).toBe("ray");
      expect(r.facts.nccl.version).toBe("2.21.5");
      expect(r.facts.nccl.net).toBe("Socket");
      expect(r.facts.nccl.nodes).toBe(2);
      expect(ids(r)).toContain("nccl/socket-fallback");
    });

  it("reads the same log as with the real ESC byte", async () => {
    const esc = await analyzeText(RAY_SOCKET_RUN((p) => `\x1b[36m${p}\x1b[0m `).join("\n"));
    const arrow = await analyzeText(RAY_SOCKET_RUN(ARROW).join("\n"));
    expect(arrow.facts.config.executorBackend).toBe(esc.facts.config.executorBackend);
    expect(arrow.facts.nccl.nodes).toBe(esc.facts.nccl.nodes);
    expect(ids(arrow)).toEqual(ids(esc));
  });

  it("keeps an arrow that is no colour code", async () => {
    const r = await analyzeText("INFO 01-08 10:00:00 [api_server.py:1000] route ←[docs] maps to /docs");
    expect(r.facts.firstError).toBeNull();
  });
});

describe("Ray's driver logger with `--` typeset as a dash by a forum", () => {
  const ENGINE = "INFO 02-03 09:10:11 llm_engine.py:70] Initializing an LLM engine with config: model='org/small-model', tokenizer='org/small-model', tensor_parallel_size=2, seed=0)";
  for (const dash of ["--", "\u2013", "\u2014"])
    it(`takes \`worker.py:N ${dash} Connected to Ray cluster\` for the Ray executor`, async () => {
      const r = await analyzeText([`2024-02-03 09:10:01,100 INFO worker.py:1540 ${dash} Connecting to existing Ray cluster at address: 10.1.1.1:6379...`, ENGINE].join("\n"));
      expect(r.facts.config.executorBackend).toBe("ray");
      expect(r.facts.config.tensorParallelSize).toBe(2);
    });

  it("an ERROR record of Ray's logger after an en dash is the first error", async () => {
    const r = await analyzeText("2024-02-03 09:10:01,100 ERROR worker.py:409 \u2013 Unhandled error (suppress with 'RAY_IGNORE_UNHANDLED_ERRORS=1'): ray::RayWorkerWrapper.execute_method() (pid=77, ip=10.1.1.2)");
    expect(r.facts.firstError?.line).toBe(1);
    expect(r.facts.config.executorBackend).toBe("ray");
  });

  it("reads the dash only in the logger's layout, never in prose", async () => {
    const r = await analyzeText("INFO notes.py:12 \u2013 we connected to a Ray cluster yesterday");
    expect(r.facts.config.executorBackend).toBe("ray");
    const plain = await analyzeText("we connected \u2013 Ray cluster yesterday");
    expect(plain.facts.config.executorBackend).toBeNull();
  });
});

describe("a caller's method run by a vLLM Ray worker is not the engine's start-up", () => {
  const frames = (prefix: string, file: string) => [
    `${prefix}Unhandled error (suppress with 'RAY_IGNORE_UNHANDLED_ERRORS=1'): ray::RayWorkerWrapper.execute_method() (pid=5120, ip=10.2.0.7, actor_id=aa11, repr=<vllm.executor.ray_utils.RayWorkerWrapper object at 0x7f00>)`,
    `${prefix}  File "/opt/env/lib/python3.10/site-packages/vllm/worker/worker_base.py", line 566, in execute_method`,
    `${prefix}    raise e`,
    `${prefix}  File "/opt/env/lib/python3.10/site-packages/vllm/utils.py", line 2220, in run_method`,
    `${prefix}    return func(*args, **kwargs)`,
    `${prefix}  File "${file}", line 31, in init_process_group`,
    `${prefix}    group = make_group(world_size=world_size, rank=rank)`,
  ];
  const wrappers: Array<[string, string]> = [
    ["an RL framework's actor with ip=", "(TrainerActor pid=4410, ip=10.2.0.7) "],
    ["no prefix", ""],
  ];
  for (const [name, prefix] of wrappers) {
    for (const file of ["/home/u/rl/trainer/worker_ext.py", "/opt/env/lib/python3.10/site-packages/rlpkg/worker_ext.py"])
      it(`raises no engine start-up failure (${name}, ${file.includes("site-packages") ? "installed" : "source"} extension)`, async () => {
        const r = await analyzeText(frames(prefix, file).join("\n"));
        expect(ids(r)).not.toContain("vllm/engine-init-failed");
        expect(r.facts.config.executorBackend).toBe("ray");
      });
  }

  it("still reads vLLM's own start-up run through execute_method as one", async () => {
    const p = "(RayWorkerWrapper pid=88) ERROR 02-12 19:57:26 worker_base.py:572] ";
    const text = [
      `${p}Error executing method init_device. This might cause deadlock in distributed execution.`,
      `${p}Traceback (most recent call last):`,
      `${p}  File "/opt/env/lib/python3.10/site-packages/vllm/worker/worker_base.py", line 564, in execute_method`,
      `${p}    return run_method(target, method, args, kwargs)`,
      `${p}  File "/opt/env/lib/python3.10/site-packages/vllm/utils.py", line 2208, in run_method`,
      `${p}    return func(*args, **kwargs)`,
      `${p}  File "/opt/env/lib/python3.10/site-packages/vllm/worker/worker.py", line 165, in init_device`,
      `${p}    init_worker_distributed_environment(self.vllm_config, self.rank,`,
    ].join("\n");
    expect(ids(await analyzeText(text))).toContain("vllm/engine-init-failed");
  });

  it("still reads torch's init_process_group under vLLM's start-up as one", async () => {
    const text = [
      "Traceback (most recent call last):",
      '  File "/opt/env/lib/python3.10/site-packages/vllm/worker/worker_base.py", line 564, in execute_method',
      "    return run_method(target, method, args, kwargs)",
      '  File "/opt/env/lib/python3.10/site-packages/vllm/utils.py", line 2208, in run_method',
      "    return func(*args, **kwargs)",
      '  File "/opt/env/lib/python3.10/site-packages/vllm/worker/worker.py", line 505, in init_worker_distributed_environment',
      "    init_distributed_environment(parallel_config.world_size, rank,",
      '  File "/opt/env/lib/python3.10/site-packages/torch/distributed/distributed_c10d.py", line 1520, in init_process_group',
      "    store, rank, world_size = next(rendezvous_iterator)",
      "torch.distributed.DistNetworkError: The client socket has timed out after 600s while trying to connect to (10.2.0.1, 29500).",
    ].join("\n");
    expect(ids(await analyzeText(text))).toContain("vllm/engine-init-failed");
  });
});

describe("Python's unraisable report (`Exception ignored in:`) is no failure", () => {
  const ignored = (p: string, header: string) => [
    `${p}${header}`,
    `${p}Traceback (most recent call last):`,
    `${p}  File "/usr/lib/python3/dist-packages/vllm/distributed/device_communicators/pynccl.py", line 120, in __del__`,
    `${p}    self._destroy(self.handle)`,
    `${p}AttributeError: 'PyNcclComm' object has no attribute 'handle'`,
  ];
  const headers = [
    "Exception ignored in: <function PyNcclComm.__del__ at 0x7f1a2b3c4d50>",
    "Exception ignored while calling deallocator <function PyNcclComm.__del__ at 0x7f1a2b3c4d50>:",
  ];
  const prefixes = ["", "(RayWorkerVllm pid=3301) ", "\x1b[36m(RayWorkerWrapper pid=3301, ip=10.4.0.9)\x1b[0m "];
  for (const header of headers)
    for (const p of prefixes)
      it(`names neither a first error nor an NCCL failure (${header.slice(0, 24)}…, prefix ${JSON.stringify(p.slice(0, 16))})`, async () => {
        const r = await analyzeText(ignored(p, header).join("\n"));
        expect(r.facts.firstError).toBeNull();
        expect(ids(r, "error")).toEqual([]);
      });

  it("the failure after it is the first error and names no ignored exception as the root cause", async () => {
    const p = "(RayWorkerVllm pid=3301) ";
    const r = await analyzeText([
      ...ignored(p, headers[0]),
      `${p}ERROR 04-17 09:00:33 ray_utils.py:44] Error executing method init_device. This might cause deadlock in distributed execution.`,
      `${p}ERROR 04-17 09:00:33 ray_utils.py:44] Traceback (most recent call last):`,
      `${p}ERROR 04-17 09:00:33 ray_utils.py:44]   File "/usr/lib/python3/dist-packages/vllm/worker/worker.py", line 100, in init_device`,
    ].join("\n"));
    expect(r.facts.firstError?.line).toBe(6);
    expect(ids(r)).toContain("vllm/engine-init-failed");
    expect(ids(r)).not.toContain("nccl/error");
    expect(r.facts.tracebacks?.rootCause ?? null).toBeNull();
  });

  it("an exception line right after the header, without frames, is ignored too; the next one is not", async () => {
    const lines = ["Exception ignored in: <function Pool.__del__ at 0x7f00>", "ValueError: pool already closed", "RuntimeError: NCCL error: unhandled system error"];
    expect((await analyzeText(lines.join("\n"))).facts.firstError?.line).toBe(3);
  });
});
