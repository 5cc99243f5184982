import { describe, expect, it } from "vitest";
import { analyzeText, ids, eolsFor } from "./rules/analyze-text.js";
import { peel } from "../src/records/peel.js";
import type { Report } from "../src/model.js";

/**
 * Formats found in a fifty-first round of real logs: multi-node failures from PyTorch's and NCCL's issue trackers.
 * TorchX's log printer sets `{role}/{replica_id} ` before each line of a replica, and torch elastic's --tee tag with an
 * empty role is `[N]:` (the local rank): `trainer/0 [1]:[E socket.cpp:610] [c10d] ...` was read as one unknown line,
 * so the c10d error was not the first error. PyTorch up to 1.10 raised a bare `RuntimeError: connect() timed out.`
 * (from 1.9 with ` Original timeout was N ms.`) when a rank could not reach the c10d store, which no signature read.
 * Every log text here is written for the test in the printed layout, under wrappers the logs did not all show.
 */

const WRAPS: [string, (l: string) => string][] = [
  ["plain", (l) => l],
  ["kubectl --timestamps", (l) => `2026-12-06T16:20:11.518204113Z ${l}`],
  ["docker compose", (l) => `trainer-node0-1  | ${l}`],
  ["Ray", (l) => `(TorchTrainer pid=4410, ip=10.6.0.12) ${l}`],
];

const join = (lines: string[], wrap: (l: string) => string, eol = "\n"): string => lines.map(wrap).join(eol) + eol;

async function eachWrap(lines: string[], check: (r: Report, at: string) => void): Promise<void> {
  for (const [name, wrap] of WRAPS)
    for (const eol of eolsFor(wrap)) check(await analyzeText(join(lines, wrap, eol)), `${name} ${JSON.stringify(eol)}`);
}

const finding = (r: Report, id: string) => r.findings.find((f) => f.ruleId === id);

describe("TorchX's replica column before torch elastic's `[N]:` tag", () => {
  const lines = [
    "worker/0 [0]:[W socket.cpp:558] [c10d] The client socket has failed to connect to [node-a.cluster]:29511 (errno: 113 - No route to host).",
    "worker/0 [1]:[W socket.cpp:558] [c10d] The client socket has failed to connect to [node-a.cluster]:29511 (errno: 113 - No route to host).",
    "worker/0 [0]:[E socket.cpp:610] [c10d] The client socket has failed to connect to any network address of (node-a.cluster, 29511).",
    "worker/0 [1]:[E socket.cpp:610] [c10d] The client socket has failed to connect to any network address of (node-a.cluster, 29511).",
  ];

  it("peels both, so the c10d error line is the first error and names the store", async () => {
    await eachWrap(lines, (r, at) => {
      expect(r.facts.firstError?.line, at).toBe(3);
      const f = finding(r, "nccl/bootstrap-failure");
      expect(f, at).toBeDefined();
      expect(f!.severity, at).toBe("error");
      expect(f!.message, at).toContain("could not connect to torch's c10d store at node-a.cluster port 29511 (no address of it answered)");
      expect(f!.evidence[0].line, at).toBe(3);
    });
  });

  it("reads a coloured column, a replica id of several digits and a named role tag the same way", async () => {
    const coloured = lines.map((l) => l.replace(/^worker\/0 /, "\x1b[32mworker/12\x1b[0m "));
    const r = await analyzeText(coloured.join("\n") + "\n");
    expect(r.facts.firstError?.line).toBe(3);
    expect(ids(r, "error")).toEqual(["nccl/bootstrap-failure"]);
    expect(peel("trainer/3 [trainer1]:[E socket.cpp:610] [c10d] x").text).toBe("[E socket.cpp:610] [c10d] x");
    expect(peel("trainer/0 [1]:hello from rank one").text).toBe("hello from rank one");
    expect(peel("trainer/0 [1]:hello").origin.process).toBe("trainer");
  });

  it("takes `[N]:` alone off only before a record that says what it is", async () => {
    expect(peel("[0]:node7:4121:4180 [0] NCCL INFO Using network IB").text).toBe("node7:4121:4180 [0] NCCL INFO Using network IB");
    expect(peel("[1]:RuntimeError: connect() timed out.").text).toBe("RuntimeError: connect() timed out.");
    // near misses: an answer list, an IPython prompt, a path with a slash before a bracket that is no tag
    expect(peel("[1]: the first answer").text).toBe("[1]: the first answer");
    expect(peel("In [1]: import torch").text).toBe("In [1]: import torch");
    expect(peel("checkpoints/7 [saved]: ok").text).toBe("checkpoints/7 [saved]: ok");
  });
});

describe("PyTorch ≤1.10's c10d client timeout (`RuntimeError: connect() timed out.`)", () => {
  const traceback = [
    "Traceback (most recent call last):",
    '  File "/opt/conda/lib/python3.8/site-packages/torch/distributed/elastic/rendezvous/c10d_rendezvous_backend.py", line 155, in _create_tcp_store',
    "    store = TCPStore(",
    "RuntimeError: connect() timed out. Original timeout was 45000 ms.",
    "",
    "The above exception was the direct cause of the following exception:",
    "",
    "Traceback (most recent call last):",
    '  File "/opt/conda/bin/torchrun", line 33, in <module>',
  ];

  it("is a store connection failure with the timeout it gave up after", async () => {
    await eachWrap(traceback, (r, at) => {
      const f = finding(r, "nccl/bootstrap-failure");
      expect(f, at).toBeDefined();
      expect(f!.message, at).toContain("could not connect to torch's c10d store at the master's address (it gave up after 45000ms)");
      expect(f!.message, at).toContain("no NCCL network setting is involved yet");
      expect(r.facts.firstError?.line, at).toBe(4);
    });
  });

  it("reads the 1.8 form without the timeout, and torchrun's JSON error record", async () => {
    const bare = await analyzeText(traceback.map((l) => l.replace(" Original timeout was 45000 ms.", "")).join("\n") + "\n");
    expect(finding(bare, "nccl/bootstrap-failure")?.message).toContain("could not connect to torch's c10d store at the master's address.");
    const json = [
      "ERROR:torch.distributed.elastic.multiprocessing.errors.error_handler:{",
      '  "message": {',
      '    "message": "RendezvousError: timed out",',
      '    "extraInfo": {',
      '      "py_callstack": "Traceback (most recent call last):\\n  File \\"/x/c10d_rendezvous_backend.py\\", line 155, in _create_tcp_store\\n    store = TCPStore(\\nRuntimeError: connect() timed out.\\n\\nThe above exception was the direct cause",',
    ];
    const r = await analyzeText(json.join("\n") + "\n");
    expect(ids(r)).toContain("nccl/bootstrap-failure");
  });

  it("other software's connect timeouts are not the c10d store", async () => {
    for (const line of ["RuntimeError: connect() timed out. Retrying with a longer backoff", "WARNING: redis connect() timed out. Original timeout was 5 s."]) {
      const r = await analyzeText(`${line}\n`);
      expect(ids(r), line).not.toContain("nccl/bootstrap-failure");
    }
  });
});

describe("multi-node NCCL IB failures: the cluster facts", () => {
  const lines = [
    "gpu-b07:19989:20082 [1] transport/net_ib.cc:1295 NCCL WARN NET/IB : Got completion from peer fe80::a0c:29ff:fe11:2233%ib0<53249> with error 4, opcode 32564, len 32564, vendor err 81 (Send)",
    "gpu-b07:19989:20082 [1] NCCL INFO transport/net.cc:1008 -> 6",
    "gpu-b07:19989:20082 [1] NCCL INFO proxy.cc:858 -> 6 [Proxy Thread]",
    "",
    "gpu-b03:9821:9920 [1] transport/net_ib.cc:1295 NCCL WARN NET/IB : Got completion from peer fe80::a0c:29ff:fe11:4455%ib0<44413> with error 4, opcode 32613, len 32613, vendor err 81 (Send)",
    "gpu-b03:9821:9920 [1] NCCL INFO proxy.cc:858 -> 6 [Proxy Thread]",
  ];
  it("counts the hosts, not the IPv6 peers, and names the IB error", async () => {
    await eachWrap(lines, (r, at) => {
      expect(r.facts.nccl.nodes, at).toBe(2);
      expect(r.facts.nccl.net, at).toBe("IB");
      expect(r.facts.nccl.firstWarn?.line, at).toBe(1);
      expect(ids(r, "error"), at).toEqual(expect.arrayContaining(["nccl/ib-error", "nccl/remote-process-exited"]));
    });
  });
});

describe("cluster/rendezvous-store-lost: torchrun's agent lost the c10d store mid-run", () => {
  const keepAlive = (head: string) => [
    `${head}The node 'gpu-n03_5120_0' has failed to send a keep-alive heartbeat to the rendezvous 'job42' due to an error of type RendezvousConnectionError.`,
    "Traceback (most recent call last):",
    '  File "/opt/conda/lib/python3.11/site-packages/torch/distributed/elastic/rendezvous/c10d_rendezvous_backend.py", line 117, in _call_store',
    "    return getattr(self._store, store_op)(*args, **kwargs)",
    "torch.distributed.DistNetworkError: Failed to recv, got 0 bytes. Connection was likely closed. Did the remote server shutdown or crash?",
  ];
  const HEADS = [
    "WARNING:torch.distributed.elastic.rendezvous.dynamic_rendezvous:",
    "[2025-02-01 10:11:12,345] torch.distributed.elastic.rendezvous.dynamic_rendezvous: [WARNING] ",
    "W0201 10:11:12.345000 5120 torch/distributed/elastic/rendezvous/dynamic_rendezvous.py:1290] ",
  ];

  it("a failed keep-alive is an error that points at the rendezvous endpoint's node, in every logger shape", async () => {
    for (const head of HEADS)
      await eachWrap(keepAlive(head), (r, at) => {
        const f = finding(r, "cluster/rendezvous-store-lost");
        expect(f, at).toBeDefined();
        expect(f!.severity, at).toBe("error");
        expect(f!.message, at).toContain("The agent of node 'gpu-n03_5120_0' lost the c10d store of rendezvous 'job42' while the job ran");
        expect(f!.remediation[0], at).toContain("--rdzv-endpoint");
        expect(f!.evidence[0].line, at).toBe(1);
        expect(ids(r, "error"), at).not.toContain("nccl/bootstrap-failure");
      });
  });

  it("torchrun's RendezvousConnectionError after a lost keep-alive is no start-up failure; alone it still is", async () => {
    const summary = '    "message": "RendezvousConnectionError: The connection to the C10d store has failed. See inner exception for details.",';
    const both = await analyzeText([...keepAlive(HEADS[0]), summary].join("\n") + "\n");
    expect(ids(both, "error")).toEqual(["cluster/rendezvous-store-lost"]);
    const alone = await analyzeText(`${summary}\n`);
    expect(ids(alone)).toContain("nccl/bootstrap-failure");
    expect(ids(alone)).not.toContain("cluster/rendezvous-store-lost");
  });

  it("a failed leave alone, or one after an earlier failure, is only a note", async () => {
    const leave = `${HEADS[0]}The node 'gpu-n03_5120_0' has failed to shutdown the rendezvous 'job42' due to an error of type RendezvousConnectionError.`;
    const r = await analyzeText(["epoch 3 done, saving checkpoint", leave].join("\n") + "\n");
    expect(finding(r, "cluster/rendezvous-store-lost")?.severity).toBe("info");
    expect(finding(r, "cluster/rendezvous-store-lost")?.message).toContain("noise at exit");
    const after = await analyzeText(["torch.OutOfMemoryError: CUDA out of memory. Tried to allocate 2.00 GiB.", ...keepAlive(HEADS[0])].join("\n") + "\n");
    const f = finding(after, "cluster/rendezvous-store-lost")!;
    expect(f.severity).toBe("info");
    expect(f.message).toMatch(/after the failure at \S*run\.log:1: /);
  });

  it("another error type is not the store", async () => {
    const r = await analyzeText(`${HEADS[0]}The node 'gpu-n03_5120_0' has failed to shutdown the rendezvous 'job42' due to an error of type RendezvousStateError.\n`);
    expect(ids(r)).not.toContain("cluster/rendezvous-store-lost");
  });
});
