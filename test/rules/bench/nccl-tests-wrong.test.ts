import { describe, expect, it } from "vitest";
import { analyzeText } from "../analyze-text.js";

/** nccl-tests output written for the test in src/common.cu's printed layout (the `#wrong` columns of 2.x). */
const mine = async (text: string) => (await analyzeText(text)).findings.filter((f) => f.ruleId === "bench/nccl-tests-wrong");

const head = (what = "sum") => [
  "# nThread 1 nGpus 8 minBytes 33554432 maxBytes 268435456 step: 2(factor) warmup iters: 5 iters: 20 agg iters: 1 validation: 1 graph: 0",
  "#",
  "# Using devices",
  ...[0, 1, 2, 3, 4, 5, 6, 7].map((i) => `#  Rank ${String(i).padStart(2)} Group  0 Pid  61207 on  hgx-07 device  ${i} [0x${(0x18 + i * 0x10).toString(16)}] NVIDIA H100 80GB HBM3`),
  "#",
  "#                                                              out-of-place                       in-place          ",
  "#       size         count      type   redop    root     time   algbw   busbw #wrong     time   algbw   busbw #wrong",
  "#        (B)    (elements)                               (us)  (GB/s)  (GB/s)            (us)  (GB/s)  (GB/s)       ",
  `    33554432       8388608     float     ${what.padStart(3)}      -1    241.7  138.83  242.95      0    240.9  139.29  243.76      0`,
];
const rows = (wrongA: number, wrongB: number) => [
  `    67108864      16777216     float     sum      -1    452.3  148.37  259.65 ${String(wrongA).padStart(6)}    451.8  148.54  259.94      0`,
  `   134217728      33554432     float     sum      -1    881.6  152.24  266.43      0    880.2  152.49  266.85 ${String(wrongB).padStart(6)}`,
];
const foot = (oob: string) => [`# Out of bounds values : ${oob}`, "# Avg bus bandwidth    : 253.931 ", "#"];
const text = (lines: string[]) => lines.join("\n") + "\n";

describe("bench/nccl-tests-wrong", () => {
  it("is an error on #wrong above 0 and FAILED out-of-bounds values, its evidence the run's first line", async () => {
    const f = await mine(text(["$ ./build/all_reduce_perf -b 32M -e 256M -f 2 -g 8", ...head(), ...rows(12, 4), ...foot("3 FAILED")]));
    expect(f).toHaveLength(1);
    expect(f[0].severity).toBe("error");
    expect(f[0].message).toBe("all_reduce_perf: 16 wrong elements in the #wrong columns, Out of bounds values: 3 FAILED. A collective returned wrong data: this is corruption, not slowness.");
    expect(f[0].evidence[0].line).toBe(2);
    expect(f[0].remediation[0]).toMatch(/^If GPUs talk over PCIe P2P, disable PCI ACS/);
  });

  it("names each kind alone: one wrong element with the bounds OK, and FAILED bounds with no wrong element", async () => {
    const one = await mine(text(["$ ./build/all_reduce_perf -b 32M -e 256M -f 2 -g 8", ...head(), ...rows(1, 0), ...foot("0 OK")]));
    expect(one.map((x) => x.message)).toEqual(["all_reduce_perf: 1 wrong element in the #wrong columns. A collective returned wrong data: this is corruption, not slowness."]);
    const oob = await mine(text(["$ ./build/all_reduce_perf -b 32M -e 256M -f 2 -g 8", ...head(), ...rows(0, 0), ...foot("7 FAILED")]));
    expect(oob.map((x) => x.message)).toEqual(["all_reduce_perf: Out of bounds values: 7 FAILED. A collective returned wrong data: this is corruption, not slowness."]);
  });

  it("stays quiet on a clean run, and on the tables that print N/A in #wrong (no check made)", async () => {
    expect(await mine(text(["$ ./build/all_reduce_perf -b 32M -e 256M -f 2 -g 8", ...head(), ...rows(0, 0), ...foot("0 OK")]))).toEqual([]);
    const unchecked = head().map((l) => l.replace("validation: 1", "validation: 0")).concat([
      "    67108864      16777216     float     sum      -1    452.3  148.37  259.65    N/A    451.8  148.54  259.94    N/A",
    ], foot("0 OK"));
    expect(await mine(text(unchecked))).toEqual([]);
  });

  it("reads the table the same behind mpirun's --tag-output prefix", async () => {
    const lines = [...head(), ...rows(12, 4), ...foot("3 FAILED")].map((l) => `[1,0]<stdout>:${l}`);
    const f = await mine(text(lines));
    expect(f).toHaveLength(1);
    expect(f[0].message).toBe("16 wrong elements in the #wrong columns, Out of bounds values: 3 FAILED. A collective returned wrong data: this is corruption, not slowness.");
    expect(f[0].evidence[0].line).toBe(1);
  });
});
