import { describe, expect, it } from "vitest";
import { analyzeText, ids, eolsFor } from "./rules/analyze-text.js";

/**
 * Formats found in a forty-fifth round of real logs of data parallel and expert parallel vLLM deployments (the Ray
 * data parallel backend, Ray Serve data parallel deployments, multi-node DP). Every log text here is written for the
 * test in the printed layout, with wrappers the logs did not all show (kubectl --timestamps, docker compose, CRLF).
 */

const WRAPS: [string, (l: string) => string][] = [
  ["plain", (l) => l],
  ["kubectl --timestamps", (l) => `2026-12-06T08:09:10.123456789Z ${l}`],
  ["docker compose", (l) => `vllm-head-1  | ${l}`],
];

async function eachWrap(lines: string[], check: (r: Awaited<ReturnType<typeof analyzeText>>, at: string) => void): Promise<void> {
  for (const [name, wrap] of WRAPS) {
    for (const eol of eolsFor(wrap)) {
      check(await analyzeText(lines.map(wrap).join(eol) + eol), `${name} ${JSON.stringify(eol)}`);
    }
  }
}

describe("an engine-core actor of the Ray data parallel backend dying in its creation task is the engine failing to start", () => {
  const command = [
    "vllm serve my-org/moe-model --tensor-parallel-size 2 --data-parallel-size 2 --data-parallel-size-local 1 \\",
    "    --data-parallel-backend ray",
  ];
  // a paste rendered as markdown loses `__init__`'s underscores: `ray::DPEngineCoreActor.init()`
  const died = (init: string) =>
    `(DPEngineCoreActor pid=7301) Exception raised in creation task: The actor died because of an error raised in its creation task, ray::DPEngineCoreActor.${init}() (pid=7301, ip=10.4.0.12, actor_id=3f2a9c, repr=<vllm.v1.engine.core.DPEngineCoreActor object at 0x7f11aa20>)`;

  for (const init of ["init", "__init__", "**init**"]) {
    it(`\`ray::DPEngineCoreActor.${init}()\` after the command gives vllm/engine-init-failed citing that line`, async () => {
      await eachWrap([...command, died(init), "(DPEngineCoreActor pid=7301)            ^^^^^^^^^^^^^^^^^^^^^^^^"], (r, at) => {
        expect(ids(r, "error"), at).toEqual(["vllm/engine-init-failed"]);
        const f = r.findings[0];
        expect(f.evidence.map((e) => e.line), at).toContain(3);
        expect(r.facts.config.dataParallelSize, at).toBe(2);
        expect(r.facts.config.tensorParallelSize, at).toBe(2);
      });
    });
  }

  it("the engine-core actor named without a repr (Ray's ActorDiedError) counts too", async () => {
    const r = await analyzeText("ray.exceptions.ActorDiedError: The actor died because of an error raised in its creation task, ray::EngineCoreActor.__init__() (pid=512, ip=10.4.0.13)\n");
    expect(ids(r, "error")).toEqual(["vllm/engine-init-failed"]);
  });

  it("a trainer's actor with the underscores lost is no vLLM engine", async () => {
    const r = await analyzeText("(TrainWorker pid=5) Exception raised in creation task: The actor died because of an error raised in its creation task, ray::TrainWorker.init() (pid=5, ip=10.4.0.2)\n");
    expect(ids(r)).not.toContain("vllm/engine-init-failed");
  });
});

describe("the Ray data parallel backend not finding the DP master address among the Ray nodes (vllm/ray-dp-master-missing)", () => {
  const command = ["vllm serve my-org/moe-model --data-parallel-size 4 --data-parallel-backend ray --enable-expert-parallel"];

  it("the sentence form with a loopback address says where 127.0.0.1 comes from, and is the root cause", async () => {
    await eachWrap([...command, "(APIServer pid=88) AssertionError: The DP master node (ip: 127.0.0.1) is missing or dead"], (r, at) => {
      expect(ids(r, "error"), at).toEqual(["vllm/ray-dp-master-missing"]);
      const f = r.findings[0];
      expect(f.message, at).toContain("the DP master address (127.0.0.1), and no live node of the Ray cluster has that address");
      expect(f.message, at).toContain("neither --data-parallel-address nor VLLM_DP_MASTER_IP is set");
      expect(f.evidence.map((e) => e.line), at).toEqual([2]);
      expect(r.verdict, at).toContain("vllm/ray-dp-master-missing");
      expect(r.facts.config.dataParallelSize, at).toBe(4);
    });
  });

  it("the older tuple form reads the address from the tuple, and a routable address gets no loopback sentence", async () => {
    const r = await analyzeText([...command, "(APIServer pid=88) AssertionError: ('The DP master node (ip: %s) is missing or dead', '10.30.1.9')"].join("\n") + "\n");
    expect(ids(r, "error")).toEqual(["vllm/ray-dp-master-missing"]);
    expect(r.findings[0].message).toContain("(10.30.1.9)");
    expect(r.findings[0].message).not.toContain("loopback");
    expect(r.findings[0].message).toContain("not the one Ray registered a node under");
  });

  it("vLLM choosing a Ray-based data parallel address is no failure", async () => {
    const r = await analyzeText("INFO 12-06 08:00:00 [arg_utils.py:1300] Using host IP 10.30.1.9 as ray-based data parallel address\n");
    expect(ids(r)).not.toContain("vllm/ray-dp-master-missing");
  });
});

describe("vllm/ray-node-ip-mismatch tells more addresses than nodes from a shared address", () => {
  const line = (nodes: number, ids_: string, ips: number, addrs: string) =>
    `RuntimeError: Every node should have a unique IP address. Got ${nodes} nodes with node ids [${ids_}] and ${ips} unique IP addresses {${addrs}}. Please check your network configuration. If you set \`VLLM_HOST_IP\` environment variable, make sure it is unique for each node.`;

  it("one node and two addresses: the engine away from its workers, with the placement advice first", async () => {
    await eachWrap([line(1, "'c0ffee01'", 2, "'192.168.7.2', '192.168.7.3'")], (r, at) => {
      expect(ids(r, "error"), at).toEqual(["vllm/ray-node-ip-mismatch"]);
      const f = r.findings[0];
      expect(f.message, at).toContain("more addresses were reported than its workers' nodes");
      expect(f.message, at).toContain("It found 1 node but 2 distinct IP addresses (192.168.7.2, 192.168.7.3).");
      expect(f.message, at).not.toContain("two nodes reported the same one");
      expect(f.remediation[0], at).toContain("Place each engine on a node that holds its own workers");
    });
  });

  it("two nodes and one address stays the shared-address case", async () => {
    const r = await analyzeText(line(2, "'c0ffee01', 'c0ffee02'", 1, "'192.168.7.2'") + "\n");
    expect(r.findings[0].message).toContain("two nodes reported the same one");
    expect(r.findings[0].message).toContain("It found 2 nodes but 1 distinct IP address (192.168.7.2).");
    expect(r.findings[0].remediation[0]).toContain("Set VLLM_HOST_IP on each node");
  });
});

describe("torch's store waiting for the ranks of every data parallel engine says who should have started them", () => {
  const v0 = [
    "VLLM_USE_V1=0 python3 -m vllm.entrypoints.openai.api_server --model /models/moe-30b --tensor-parallel-size 1 --data-parallel-size 4",
    "ERROR 12-06 08:20:44 [engine.py:458] Timed out after 601 seconds waiting for clients. 1/4 clients joined.",
    "ERROR 12-06 08:20:44 [engine.py:458] Traceback (most recent call last):",
    'ERROR 12-06 08:20:44 [engine.py:458]   File "/usr/lib/python3/site-packages/vllm/engine/multiprocessing/engine.py", line 446, in run_mp_engine',
    "ERROR 12-06 08:20:44 [engine.py:458]     engine = MQLLMEngine.from_vllm_config(",
  ];

  it("V0 with --data-parallel-size: the other engines are never started, V1 first in the advice", async () => {
    await eachWrap(v0, (r, at) => {
      const f = r.findings.find((x) => x.ruleId === "nccl/bootstrap-failure");
      expect(f, at).toBeDefined();
      expect(f!.message, at).toContain("The store counts the ranks of all 4 data parallel engines (TP × PP × DP = 4), each engine a process of its own: vLLM's V0 engine never starts the other data parallel engines itself");
      expect(f!.remediation[0], at).toContain("Run data parallel on the V1 engine");
    });
  });

  it("V1 across nodes: the advice is to start the other nodes' engines, with no V0 sentence", async () => {
    const r = await analyzeText([
      "(APIServer pid=9) INFO 12-06 08:00:01 [utils.py:300] non-default args: {'model': '/models/moe-30b', 'tensor_parallel_size': 2, 'data_parallel_size': 4, 'data_parallel_size_local': 2}",
      "(EngineCore_DP0 pid=310) ERROR 12-06 08:10:02 [core.py:700] torch.distributed.DistStoreError: Timed out after 601 seconds waiting for clients. 4/8 clients joined.",
    ].join("\n") + "\n");
    const f = r.findings.find((x) => x.ruleId === "nccl/bootstrap-failure");
    expect(f).toBeDefined();
    expect(f!.message).toContain("all 4 data parallel engines (TP × PP × DP = 8)");
    expect(f!.message).not.toContain("V0");
    expect(f!.remediation[0]).toContain("--headless --data-parallel-start-rank");
  });

  it("a store of another size than the data parallel world gets no data parallel sentence", async () => {
    const r = await analyzeText("torch.distributed.DistStoreError: Timed out after 601 seconds waiting for clients. 1/3 clients joined.\n");
    const f = r.findings.find((x) => x.ruleId === "nccl/bootstrap-failure");
    expect(f).toBeDefined();
    expect(f!.message).not.toContain("data parallel");
  });
});

describe("a conda environment or project folder named vllm is not vLLM's package in a traceback's paths", () => {
  const frames = (root: string) => [
    "Traceback (most recent call last):",
    `  File "${root}/lib/python3.12/site-packages/torch/distributed/rendezvous.py", line 194, in _create_c10d_store`,
    "    return TCPStore(",
    "torch.distributed.DistStoreError: Timed out after 601 seconds waiting for clients. 1/2 clients joined.",
  ];
  for (const root of ["/opt/conda/envs/vllm", "/home/ana/vllm/.venv"]) {
    it(`torch's frames under ${root} are PyTorch's, not vLLM's`, async () => {
      const r = await analyzeText(frames(root).join("\n") + "\n");
      const names = (r.facts.dialects ?? []).map((d) => d.name);
      expect(names).toContain("pytorch");
      expect(names).not.toContain("vllm");
    });
  }
  it("vLLM's own frames inside such an environment still show vLLM", async () => {
    const r = await analyzeText([
      "Traceback (most recent call last):",
      '  File "/opt/conda/envs/vllm/lib/python3.12/site-packages/vllm/v1/engine/core.py", line 700, in run_engine_core',
      "    engine_core = EngineCoreProc(*args, **kwargs)",
      "RuntimeError: boom",
    ].join("\n") + "\n");
    expect((r.facts.dialects ?? []).map((d) => d.name)).toContain("vllm");
  });
});
