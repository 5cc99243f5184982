import { describe, expect, it } from "vitest";
import { analyzeText, ids, eachWrapped } from "./rules/analyze-text.js";
import type { Report } from "../src/model.js";

/**
 * Formats met in round 80r24 (NCCL_DEBUG output pasted in sglang, accelerate, LlamaFactory, PyTorch, Megatron-LM,
 * mmdetection, awsome-distributed-ai and aws-ofi-nccl threads). The tool read the round's scored facts and problems at
 * first sight; two shapes it misread were:
 * - a bootstrap connection that failed with no WARN naming the call: NCCL 2.18 prints only the error-return chain,
 *   from the socket code (`misc/socket.cc:NNN -> 2 (Operation now in progress)`, errno in parentheses) up through
 *   `bootstrap.cc:NNN -> 2` and `init.cc`, which was called an unhandled system error but not a bootstrap failure;
 * - a NET plugin that failed under Ray Train with Ray's dedup suffix on every record: the plugin's `net.cc:NN -> 2
 *   [repeated 15x across cluster]` return was taken for a failure NCCL did not recover from (nccl/system-error), though
 *   NCCL went on with its socket transport.
 * Every log text here is written for the test.
 */

const WRAPS: [string, (l: string) => string][] = [
  ["plain", (l) => l],
  ["kubets", (l) => `2026-03-04T05:06:07.891234567Z ${l}`],
  ["mpi-tag", (l) => `[1,2]<stderr>:${l}`],
];

const eachWrap = (lines: string[], check: (r: Report, at: string) => void) => eachWrapped(WRAPS, lines, check);
const text = (lines: string[]) => lines.join("\n") + "\n";

describe("a bootstrap socket chain with no WARN (socket.cc -> 2 (errno) ... bootstrap.cc -> 2)", () => {
  const chain = (tid: number, dev: number) => [
    `gpu-b07:41210:${tid} [${dev}] NCCL INFO misc/socket.cc:505 -> 2 (Operation now in progress)`,
    `gpu-b07:41210:${tid} [${dev}] NCCL INFO misc/socket.cc:570 -> 2`,
    `gpu-b07:41210:${tid} [${dev}] NCCL INFO misc/socket.cc:621 -> 2`,
    `gpu-b07:41210:${tid} [${dev}] NCCL INFO bootstrap.cc:275 -> 2`,
    `gpu-b07:41210:${tid} [${dev}] NCCL INFO init.cc:1493 -> 2`,
    `gpu-b07:41210:${tid} [${dev}] NCCL INFO group.cc:64 -> 2 [Async thread]`,
  ];
  const log = [
    "gpu-b07:41210:41320 [3] NCCL INFO Using non-device net plugin version 0",
    "gpu-b07:41210:41320 [3] NCCL INFO Using network IB",
    ...chain(41322, 1),
    ...chain(41325, 5),
  ];
  it("is a bootstrap failure, naming the chain and the errno, behind wrappers and CRLF", async () => {
    await eachWrap(log, (r, at) => {
      expect(ids(r, "error"), at).toContain("nccl/bootstrap-failure");
      expect(ids(r, "error"), at).toContain("nccl/system-error");
      const f = r.findings.find((x) => x.ruleId === "nccl/bootstrap-failure");
      expect(f?.message, at).toMatch(/NCCL's bootstrap could not connect ranks/);
      expect(f?.message, at).toMatch(/misc\/socket\.cc, errno Operation now in progress\) up through bootstrap\.cc/);
      expect(f?.evidence[0].text, at).toMatch(/misc\/socket\.cc:505 -> 2 \(Operation now in progress\)$/);
      expect(r.facts.firstError?.line, at).toBe(3);
      expect(r.facts.nccl.net, at).toBe("IB");
      expect(r.facts.nccl.nodes, at).toBe(1);
    });
    // and only there: a transport's chain (net.cc, proxy.cc), and a chain that never reaches bootstrap.cc, stay
    // nccl/system-error
    const transport = await analyzeText(text([
      "gpu-b07:41210:41390 [2] NCCL INFO misc/socket.cc:567 -> 2",
      "gpu-b07:41210:41390 [2] NCCL INFO transport/net_socket.cc:336 -> 2",
      "gpu-b07:41210:41390 [2] NCCL INFO transport/net.cc:592 -> 2",
      "gpu-b07:41210:41390 [2] NCCL INFO proxy.cc:1306 -> 2",
    ]));
    expect(ids(transport)).toContain("nccl/system-error");
    expect(ids(transport)).not.toContain("nccl/bootstrap-failure");
    // a bootstrap.cc return of another thread does not make this thread's socket return a bootstrap one
    const split = await analyzeText(text([
      "gpu-b07:41210:41390 [2] NCCL INFO misc/socket.cc:567 -> 2",
      "gpu-b07:41210:41390 [2] NCCL INFO transport/net.cc:592 -> 2",
      "gpu-b07:41210:41391 [4] NCCL INFO bootstrap.cc:546 -> 2",
    ]));
    expect(ids(split)).not.toContain("nccl/bootstrap-failure");
  });
});

describe("a NET plugin that failed under Ray with the dedup suffix on its error return", () => {
  const ray = "(RayTrainWorker pid=3120, ip=10.4.8.21) p5-node-a:3120:3301 [2]";
  const log = [
    `${ray} nccl_net_ofi_create_plugin:1067 NCCL WARN NET/OFI aws-ofi-nccl initialization failed [repeated 7x across cluster]`,
    `${ray} NCCL INFO net.cc:56 -> 2 [repeated 7x across cluster]`,
    `${ray} NCCL INFO NET/IB : No device found. [repeated 7x across cluster]`,
    `${ray} NCCL INFO NET/Socket : Using [0]eth0:10.4.8.21<0> [repeated 7x across cluster]`,
    `${ray} NCCL INFO Using network Socket [repeated 7x across cluster]`,
    `${ray} NCCL INFO comm 0x7f00aa3f8c00 rank 2 nranks 16 cudaDev 2 nvmlDev 2 busId 53000 commId 0x1a2b3c4d5e6f7081 - Init START [repeated 7x across cluster]`,
  ];
  it("is a plugin fallback to sockets, not an unhandled system error, behind wrappers and CRLF", async () => {
    await eachWrap(log, (r, at) => {
      expect(ids(r, "error"), at).toEqual([]);
      expect(ids(r), at).toEqual(expect.arrayContaining(["nccl/net-plugin-fallback", "nccl/socket-fallback"]));
      expect(r.facts.nccl.net, at).toBe("Socket");
      expect(r.facts.nccl.ranks, at).toBe(1);
      expect(r.facts.firstError?.line, at).toBe(1);
      expect(r.facts.nccl.firstWarn?.line, at).toBe(1);
    });
    // the same return with nothing after it that shows NCCL went on is still a system error
    const r = await analyzeText(text([
      `${ray} NCCL INFO net.cc:56 -> 2 [repeated 7x across cluster]`,
      `${ray} NCCL INFO init.cc:1493 -> 2 [repeated 7x across cluster]`,
      `${ray} NCCL INFO group.cc:64 -> 2 [Async thread] [repeated 7x across cluster]`,
    ]));
    expect(ids(r, "error")).toContain("nccl/system-error");
  });
});
