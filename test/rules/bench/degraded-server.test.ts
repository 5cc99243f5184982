import { describe, expect, it } from "vitest";
import { rule } from "../../../src/rules/bench/degraded-server.js";
import { benchContext } from "./ctx.js";

const socketLines = [
  "gpu-a-017:52310:52347 [0] NCCL INFO Using network Socket",
  "gpu-a-017:52310:52347 [0] NCCL INFO comm 0x55d0a4e0 rank 0 nRanks 16 nNodes 2 localRanks 8 localRank 0",
  "gpu-a-017:52317:52354 [7] NCCL INFO Channel 00/0 : 7[7] -> 8[0] [send] via NET/Socket/0",
];
// the facts the readers make of socketLines (the rules read facts, not lines)
const socketFacts = {
  nccl: { net: "Socket", nodes: 2, transports: { "NET/Socket": 1 }, interNode: { "NET/Socket": 1 }, multiNode: true },
  sources: {
    "nccl.net": { file: "t.log", line: 1, text: socketLines[0] },
    "nccl.interNode.NET/Socket": { file: "t.log", line: 3, text: socketLines[2] },
  },
};
const serve = { kind: "serve" as const, values: { successfulRequests: 1000, outputThroughput: 1258.5 }, line: 40 };

describe("bench/degraded-server", () => {
  it("fires when a serve benchmark's server log shows a socket fallback, naming the rule", () => {
    const f = rule.check(benchContext([serve], { lines: socketLines, facts: socketFacts }));
    expect(f).toHaveLength(1);
    expect(f[0].message).toBe(
      "The serve benchmark ran on a server whose log shows: inter-node NCCL traffic over TCP sockets (nccl/socket-fallback). Its throughput and latency measure that problem, not what the hardware can do.",
    );
    expect(f[0].evidence.map((e) => e.line)).toEqual([40, 3]);
    expect(f[0].remediation[1]).toBe("Do not record this run as a --baseline; rerun the benchmark once the server log is clean.");
  });

  it("lists several problems and counts the other runs", () => {
    const lines = [...socketLines, "(VllmWorker rank=0 pid=88) WARNING 11-05 09:13:02 [custom_all_reduce.py:85] Custom allreduce is disabled because it's not supported on more than two PCIe-only GPUs. To silence this warning, specify disable_custom_all_reduce=True explicitly."];
    const f = rule.check(benchContext([serve, { kind: "throughput", values: { requestsPerS: 3 }, line: 90 }], { lines, facts: socketFacts }));
    expect(f).toHaveLength(1);
    expect(f[0].message).toMatch(/^The serve benchmark \(and 1 more run\) ran on a server whose log shows: inter-node NCCL traffic over TCP sockets \(nccl\/socket-fallback\); vLLM's custom all-reduce off \(vllm\/custom-allreduce-disabled\)\./);
  });

  it("stays quiet on a healthy server, without a benchmark, and for nccl-tests runs (bench/low-busbw covers those)", () => {
    expect(rule.check(benchContext([serve], { lines: ["gpu-a-017:1:2 [0] NCCL INFO Using network IB"] }))).toEqual([]);
    expect(rule.check(benchContext([], { lines: socketLines, facts: { nccl: { net: "Socket", nodes: 2 } } }))).toEqual([]);
    expect(rule.check(benchContext([{ kind: "ncclTests", values: {} }], { lines: socketLines, facts: { nccl: { net: "Socket", nodes: 2 } } }))).toEqual([]);
  });
});
