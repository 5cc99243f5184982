import { describe, expect, it } from "vitest";
import { analyzeText, ids, eolsFor } from "./rules/analyze-text.js";
import { renderText } from "../src/report/text.js";

/**
 * Formats found in a forty-fourth round of real NCCL logs pasted in other projects' trackers (TensorFlow, PyTorch,
 * torchtitan, NeMo, verl, DeepSpeed, Horovod, Lightning, SageMaker containers). Every log text here is written for the
 * test in the printed layout, with wrappers the logs did not all show (mpirun, kubectl, Ray, docker compose, CRLF).
 */

const WRAPS: [string, (l: string) => string][] = [
  ["plain", (l) => l],
  ["mpirun --tag-output", (l) => `[1,2]<stdout>:${l}`],
  ["kubectl --timestamps", (l) => `2026-12-06T08:09:10.123456789Z ${l}`],
  ["docker compose", (l) => `trainer-1  | ${l}`],
  ["Ray actor", (l) => `(TrainWorker pid=4242, ip=10.8.0.5) ${l}`],
  ["SageMaker leading space", (l) => ` ${l}`],
];

describe("aws-ofi-nccl giving up its initialisation (`NET/OFI Only EFA provider is supported`, `aws-ofi-nccl initialization failed`): NCCL's own network when a line shows it, else OFI as its words say", () => {
  // aws-ofi-nccl's ofi_init (older) returns ncclSystemError on an AWS platform whose provider is not efa; later releases
  // print `Unable to find a protocol that worked.  Failing initialization.` and `Initializing plugin failed`. NCCL then
  // leaves the plugin for its internal IB or socket transport: a line of that transport names the network; with none, the
  // corpus's convention reads `NET/OFI` inside error text as OFI (../shared/corpus/nccl/NOTES.md, net).
  const gaveUp = [
    "trn-node-7:811:811 [0] ofi_init:1288 NCCL WARN NET/OFI Only EFA provider is supported",
    "trn-node-7:811:811 [0] ofi_init:1339 NCCL WARN NET/OFI aws-ofi-nccl initialization failed",
  ];
  const newer = [
    "trn-node-7:811:840 [0] NCCL INFO NET/OFI Initializing aws-ofi-nccl 1.14.0",
    "trn-node-7:811:840 [0] NCCL INFO NET/OFI Using Libfabric version 2.1",
    "trn-node-7:811:840 [0] NCCL INFO NET/OFI No eligible providers were found",
    "trn-node-7:811:840 [0] int nccl_net_ofi_create_plugin(nccl_net_ofi_plugin_t**):334 NCCL WARN NET/OFI Unable to find a protocol that worked.  Failing initialization.",
    "trn-node-7:811:840 [0] ncclResult_t nccl_net_ofi_init(ncclDebugLogger_t):79 NCCL WARN NET/OFI Initializing plugin failed",
  ];

  it("the failure alone: OFI by its words, the first WARN is the first error, the NCCL section shows the host", async () => {
    for (const [name, wrap] of WRAPS) {
      for (const eol of eolsFor(wrap)) {
        const at = `${name} ${JSON.stringify(eol)}`;
        const r = await analyzeText(gaveUp.map(wrap).join(eol) + eol);
        expect(r.facts.nccl.net, at).toBe("OFI");
        expect(r.facts.nccl.nodes, at).toBe(1);
        expect(r.facts.firstError?.line, at).toBe(1);
        expect(ids(r, "error"), at).toEqual(["nccl/error"]);
        const text = renderText(r, { color: false });
        expect(text, at).not.toContain("no NCCL lines");
        expect(text, at).toMatch(/network\s+OFI/);
      }
    }
  });

  it("the newer releases' INFO lines before the give-up: OFI alone; NCCL's own transport after it names the network", async () => {
    for (const [name, wrap] of WRAPS) {
      const alone = await analyzeText(newer.map(wrap).join("\n") + "\n");
      expect(alone.facts.nccl.net, name).toBe("OFI");
      const ib = await analyzeText([...newer, "trn-node-7:811:840 [0] NCCL INFO NET/IB : Using [0]mlx5_0:1/IB [1]mlx5_1:1/IB ; OOB eth0:10.8.0.7<0>"].map(wrap).join("\n") + "\n");
      expect(ib.facts.nccl.net, name).toBe("IB");
      expect(ib.facts.nccl.ibHcas, name).toEqual(["mlx5_0:1", "mlx5_1:1"]);
    }
  });

  it("a plugin that came up keeps naming OFI: its provider line, its failures while running, its connections", async () => {
    const up = await analyzeText([
      "p4-node-2:901:955 [3] NCCL INFO NET/OFI Initializing aws-ofi-nccl 1.9.1-aws",
      "p4-node-2:901:955 [3] NCCL INFO NET/OFI Selected Provider is efa (found 4 nics)",
      "",
    ].join("\n"));
    expect(up.facts.nccl.net).toBe("OFI");
    // a failure of a request, after the plugin came up, is no give-up of its initialisation
    const running = await analyzeText("p4-node-2:901:977 [3] nccl_net_ofi_rdma.c:1322 NCCL WARN NET/OFI Request 0x7f00 completed with error. RC: 5. Error: Input/output error\n");
    expect(running.facts.nccl.net).toBe("OFI");
    // the give-up of one process does not hide the connections the others made over the plugin
    const mixed = await analyzeText([
      ...gaveUp,
      "p4-node-2:901:955 [3] NCCL INFO Channel 00/0 : 3[3] -> 7[3] [send] via NET/AWS Libfabric/0/GDRDMA",
      "",
    ].join("\n"));
    expect(mixed.facts.nccl.net).toBe("OFI");
    expect(mixed.facts.nccl.transports["NET/OFI"]).toBe(1);
  });
});

describe("records of frameworks' trackers read as the corpus conventions say", () => {
  it("a single-rank communicator's ring lines (`Channel 07/64 : 0`) are no connections and no rank ids", async () => {
    for (const [name, wrap] of WRAPS) {
      const lines = Array.from({ length: 6 }, (_, i) => `box-3:5151:5151 [0] NCCL INFO Channel ${String(i + 10).padStart(2, "0")}/64 : 0`);
      const r = await analyzeText(lines.map(wrap).join("\n") + "\n");
      expect(r.facts.nccl.ranks, name).toBeNull();
      expect(Object.values(r.facts.nccl.transports).reduce((a, b) => a + b, 0), name).toBe(0);
      expect(r.facts.nccl.nodes, name).toBe(1);
    }
  });

  it("DeepSpeed's launcher echo of NCCL variables (`[launch.py:71:main] 0 NCCL_IB_DISABLE 1`) is no NCCL record", async () => {
    const r = await analyzeText([
      "[2026-12-06 08:00:01,100] [INFO] [launch.py:71:main] 0 NCCL_IB_DISABLE 1",
      "[2026-12-06 08:00:01,100] [INFO] [launch.py:71:main] 0 NCCL_SOCKET_IFNAME lo",
      "[2026-12-06 08:00:01,101] [INFO] [launch.py:87:main] nnodes=1, num_local_procs=2, node_rank=0",
      "[2026-12-06 08:00:01,101] [INFO] [launch.py:100:main] dist_world_size=2",
      "",
    ].join("\r\n"));
    expect(r.facts.nccl.net).toBeNull();
    expect(r.facts.nccl.nodes).toBeNull();
    expect(r.facts.firstError).toBeNull();
    expect(ids(r, "error")).toEqual([]);
  });
});
