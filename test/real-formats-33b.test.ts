import { describe, expect, it } from "vitest";
import { analyzeText } from "./rules/analyze-text.js";

/**
 * Formats found in real benchmark pastes (round 33b) that the readers missed. Every text here is written for the test in
 * the printed layout (values and names are made up); the facts checked are exact.
 */

const HEADER = [
  "#                                                              out-of-place                       in-place          ",
  "#       size         count      type   redop    root     time   algbw   busbw #wrong     time   algbw   busbw #wrong",
  "#        (B)    (elements)                               (us)  (GB/s)  (GB/s)            (us)  (GB/s)  (GB/s)       ",
];
const ROWS = [
  "    16777216       4194304     float     sum      -1    212.4   78.99  148.10      0    210.9   79.55  149.16      0",
  "    33554432       8388608     float     sum      -1    361.7   92.77  173.94      0    360.2   93.16  174.67      0",
];

describe("Open MPI's --timestamp-output before nccl-tests' lines", () => {
  // orte's iof writes ctime's date (newline dropped), the [job,rank] tag when --tag-output is given too, then the stream
  const stamped = (tag: string) =>
    [
      "mpirun -np 16 -H a:8,b:8 --timestamp-output ./build/all_reduce_perf -b 16M -e 32M -f 2 -g 1",
      "",
      ...[...HEADER, ...ROWS].map((l) => `Mon Mar  3 09:12:44 2025${tag}<stdout>:${l}`),
      `Mon Mar  3 09:12:45 2025${tag}<stdout>:# Out of bounds values : 0 OK`,
      `Mon Mar  3 09:12:45 2025${tag}<stdout>:# Avg bus bandwidth    : 161.4675 `,
    ].join("\n") + "\n";

  it("reads the table behind the date and the stream (a one-digit day is padded by a blank)", async () => {
    const r = await analyzeText(stamped(""));
    const t = r.facts.bench?.ncclTests;
    expect(t?.collective).toBe("all_reduce_perf");
    expect(t?.maxBusbwGBs).toBe(173.94);
    expect(t?.wrongTotal).toBe(0);
    expect(t?.avgBusbwGBs).toBe(161.4675);
    expect(t?.outOfBoundsOk).toBe(true);
  });

  it("reads it with the --tag-output tag after the date, in a kubectl --timestamps pane, and with CRLF", async () => {
    for (const text of [
      stamped("[1,0]"),
      stamped("[1,12]")
        .split("\n")
        .map((l) => (l ? `2025-03-03T09:12:44.518820311Z ${l}` : l))
        .join("\n"),
      stamped("").replace(/\n/g, "\r\n"),
    ]) {
      const t = (await analyzeText(text)).facts.bench?.ncclTests;
      expect(t?.maxBusbwGBs).toBe(173.94);
      expect(t?.avgBusbwGBs).toBe(161.4675);
    }
  });

  it("an NCCL record behind the same prefix (stderr too) still reads", async () => {
    const r = await analyzeText(
      [
        "Tue Nov 12 21:03:07 2024<stdout>:gpu-a:4411:4411 [0] NCCL INFO NCCL version 2.21.5+cuda12.4",
        "Tue Nov 12 21:03:07 2024[1,1]<stderr>:gpu-a:4412:4412 [1] NCCL INFO Bootstrap : Using eth0:10.1.2.3<0>",
      ].join("\n") + "\n",
    );
    expect(r.facts.nccl?.version).toBe("2.21.5");
  });

  it("a line that only starts with a date and has no stream tag is not peeled", async () => {
    const r = await analyzeText(["Mon Mar  3 09:12:44 2025 ran the tests", ...HEADER, ...ROWS].join("\n") + "\n");
    expect(r.facts.bench?.ncclTests?.maxBusbwGBs).toBe(173.94);
  });
});

describe("nccl-tests device lines of a machine whose host name is empty", () => {
  // `on %10s device`: an empty name prints ten blanks
  const devices = (prefix: string) =>
    [0, 1, 2, 3].map((i) => `${prefix}#  Rank  ${i} Group  0 Pid   7001 on            device  ${i} [0x${(0x1b + i * 16).toString(16)}] NVIDIA H100 PCIe`);
  const run = (prefix: string) =>
    [
      `${prefix}# nThread 1 nGpus 4 minBytes 16777216 maxBytes 33554432 step: 2(factor) warmup iters: 5 iters: 20 agg iters: 1 validation: 1 graph: 0`,
      `${prefix}#`,
      `${prefix}# Using devices`,
      ...devices(prefix),
      `${prefix}#`,
      ...[...HEADER, ...ROWS].map((l) => prefix + l),
    ].join("\n") + "\n";

  it("counts the ranks, names the GPU and lists no host", async () => {
    const t = (await analyzeText(run(""))).facts.bench?.ncclTests;
    expect(t?.ranks).toBe(4);
    expect(t?.nGpus).toBe(4);
    expect(t?.gpuNames).toEqual(["NVIDIA H100 PCIe"]);
    expect(t?.hosts).toEqual([]);
    expect(t?.processes).toBe(1);
    expect(t?.maxBusbwGBs).toBe(173.94);
  });

  it("the same in a docker compose pane and with the `#` a markdown page dropped", async () => {
    const compose = (await analyzeText(run("bench-1  | "))).facts.bench?.ncclTests;
    expect(compose?.ranks).toBe(4);
    expect(compose?.hosts).toEqual([]);
    const bare = (await analyzeText(run("").replace(/^#/gm, " "))).facts.bench?.ncclTests;
    expect(bare?.ranks).toBe(4);
    expect(bare?.gpuNames).toEqual(["NVIDIA H100 PCIe"]);
  });

  it("a named host still reads as before next to it", async () => {
    const t = (await analyzeText(run("").replace(/on            device  2/, "on     node07 device  2"))).facts.bench?.ncclTests;
    expect(t?.ranks).toBe(4);
    expect(t?.hosts).toEqual(["node07"]);
  });
});
