import { describe, expect, it } from "vitest";
import { evaluateGate, parseGateSpec } from "../src/gate/check.js";
import { variants } from "./helpers/variants.js";
import { analyzeText, ids } from "./rules/analyze-text.js";

/**
 * Round 39m: vLLM across nodes with NCCL INFO. What the real logs showed that the readers missed: RCCL (ROCm's NCCL, on
 * two Strix Halo boxes under Ray) told only by the INFO line its init prints on every GPU, `GFX9 cheap fence is OFF`
 * (RCCL_GFX9_CHEAP_FENCE_OFF; NVIDIA's NCCL has no such line), was called NCCL; and Ray went unnamed as a writer of the log
 * when vLLM's Ray workers print under the V1 Ray executor's actor class, `(RayWorkerProc pid=N, ip=A.B.C.D)`
 * (vllm/v1/executor/ray_executor_v2.py), or 0.2-0.4's `(RayWorkerVllm pid=N)`, rather than `(RayWorkerWrapper ...)`; and a
 * window of the engine's start-up traceback (logged at ERROR, every line behind the logger's head) that starts on the code
 * line `self._run_workers("init_device")`, the `File` line of its frame cut, and ends before the exception line, went
 * unexplained: the method vLLM's executor dispatches by name (`_run_workers("init_device")`, `collective_rpc("load_model")`)
 * is one it runs on its workers only while the engine starts; a shell session's `root@host:/dir# export NCCL_P2P_DISABLE=1`
 * (bash's prompt before the export) set nothing, and the V0 banner cut right after its version (`Initializing an LLM
 * engine (v0.3.3)`) gave no version.
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
  const run = (net: "IB" | "Socket") => {
    const via = net === "IB" ? "NET/IB/0/GDRDMA" : "NET/Socket/0";
    const at = (host: string, pid: number) => `${host === "node-b" ? `(RayWorkerProc pid=${pid}, ip=10.8.0.2) ` : ""}${host}:${pid}:${pid} [0] NCCL INFO`;
    return [
      `${at("node-a", 510)} Using network ${net}`,
      `${at("node-b", 620)} Using network ${net}`,
      `${at("node-a", 510)} comm 0x5581c0 rank 0 nRanks 2 nNodes 2 localRanks 1 localRank 0 MNNVL 0`,
      `${at("node-b", 620)} comm 0x7712a0 rank 1 nRanks 2 nNodes 2 localRanks 1 localRank 0 MNNVL 0`,
      `${at("node-a", 510)} Channel 00/0 : 1[0] -> 0[0] [receive] via ${via}`,
      `${at("node-b", 620)} Channel 00/0 : 1[0] -> 0[0] [send] via ${via}`,
    ];
  };
  const gate = (r: Awaited<ReturnType<typeof analyzeText>>, opts: { forbidTransport?: string[]; requireTransport?: string[] }) => evaluateGate(r, parseGateSpec({ failOn: "none", ...opts })).passed;

  it("a Socket run fails --forbid-transport NET/Socket; an IB run passes it and --require-transport NET/IB/GDRDMA", async () => {
    for (const r of await reportsOf(run("Socket"))) {
      expect(gate(r, { forbidTransport: ["NET/Socket"] })).toBe(false);
      expect(ids(r)).toContain("nccl/socket-fallback");
    }
    for (const r of await reportsOf(run("IB"))) {
      expect(gate(r, { forbidTransport: ["NET/Socket"] })).toBe(true);
      expect(gate(r, { requireTransport: ["NET/IB/GDRDMA"] })).toBe(true);
      expect(r.facts.nccl.nodes).toBe(2);
    }
  });
});

describe("a window of the engine's start-up traceback that starts on the code line of a frame it cut", () => {
  const head = (n: number) => `ERROR 07-14 09:12:4${n} [core.py:611]`;
  const frames = [
    `${head(4)}   File "/opt/venv/lib/python3.12/site-packages/vllm/executor/ray_distributed_executor.py", line 530, in _run_workers`,
    `${head(4)}     ray_worker_outputs = ray.get(ray_worker_outputs)`,
    `${head(4)}   File "/opt/venv/lib/python3.12/site-packages/ray/_private/auto_init_hook.py", line 21, in auto_init_wrapper`,
    `${head(4)}     return fn(*args, **kwargs)`,
    `${head(4)}   File "/opt/venv/lib/python3.12/site-packages/ray/_private/worker.py", line 2771, in get`,
    `${head(4)}     values, debugger_breakpoint = worker.get_objects(object_refs, timeout=timeout)`,
  ];
  const start = (code: string) => [`${head(4)}     ${code}`, ...frames];

  it("the executor dispatching a start-up method to its workers is the engine failing to start, whatever wraps the lines", async () => {
    for (const r of await reportsOf(start('self._run_workers("init_device")'))) {
      expect(ids(r, "error")).toEqual(["vllm/engine-init-failed"]);
      expect(r.facts.tracebacks?.list[0]?.stage).toBe("init");
      expect(r.facts.firstError).toBeNull();
      expect(r.facts.config.executorBackend).toBe("ray");
    }
  });

  it("behind the engine core's prefix, and V1's collective_rpc loading the weights names the phase", async () => {
    const text = start('self.collective_rpc("load_model")').map((l) => `(EngineCore_DP0 pid=3301) ${l}`).join("\n") + "\n";
    const r = await analyzeText(text);
    expect(ids(r, "error")).toEqual(["vllm/engine-init-failed"]);
    expect(r.facts.tracebacks?.list[0]).toMatchObject({ stage: "init", phase: "while loading the model weights" });
  });

  it("a method the workers run while serving, or no code line above the frames, says no start-up", async () => {
    for (const lines of [start('outputs = self.collective_rpc("execute_model", args=(scheduler_output,))'), frames]) {
      const r = await analyzeText(lines.join("\n") + "\n");
      expect(ids(r, "error")).not.toContain("vllm/engine-init-failed");
      expect(r.facts.tracebacks?.list[0]?.stage).toBeNull();
      expect(r.verdict).toMatch(/^Error with no known cause/);
    }
  });
});

describe("a shell session that exports NCCL's switches before a run on an existing Ray cluster", () => {
  const session = (prompt: string) => [
    `${prompt}export NCCL_IB_DISABLE=1`,
    `${prompt}export NCCL_P2P_DISABLE=1`,
    `${prompt}NCCL_DEBUG=INFO python run_llm.py`,
    "2024-05-02 08:14:09,311\tINFO worker.py:1431 -- Connecting to existing Ray cluster at address: 10.20.0.4:6379...",
    "INFO 05-02 08:14:09 llm_engine.py:70] Initializing an LLM engine (v0.3.3)",
  ];

  it("bash's prompt before an export sets the variable; the banner cut after its version still gives it", async () => {
    for (const prompt of ["root@gpu-box:/work# ", "(vllm) alice@gpu-box:~/llm$ ", "$ "]) {
      for (const r of await reportsOf(session(prompt))) {
        expect(r.facts.vllm, prompt).toEqual({ version: "0.3.3", engine: "v0" });
        expect(ids(r, "warning"), prompt).toContain("nccl/p2p-disabled");
        expect(ids(r), prompt).toContain("nccl/ib-disabled");
      }
    }
  });

  it("a banner that goes on after the version is read whole; a prompt without an export sets nothing", async () => {
    const whole = await analyzeText("INFO 05-02 08:14:09 llm_engine.py:70] Initializing an LLM engine (v0.3.3) with config: model='acme/chat-7b', tensor_parallel_size=2, seed=0)\n");
    expect(whole.facts.vllm.version).toBe("0.3.3");
    expect(whole.facts.config).toMatchObject({ model: "acme/chat-7b", tensorParallelSize: 2 });
    const echo = await analyzeText("root@gpu-box:/work# echo NCCL_P2P_DISABLE=1\n");
    expect(ids(echo)).not.toContain("nccl/p2p-disabled");
  });
});
