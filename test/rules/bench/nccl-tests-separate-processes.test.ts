import { describe, expect, it } from "vitest";
import { analyzeText } from "../analyze-text.js";

/**
 * nccl-tests headers written for the test in src/common.cu's printed layout: proc 0 of a job lists every rank's device
 * line once; a build without the launcher's MPI makes each launched process Rank 0 of a job of its own.
 */
const mine = async (text: string) => (await analyzeText(text)).findings.filter((f) => f.ruleId === "bench/nccl-tests-separate-processes");

const SETTINGS = "# nThread 1 nGpus 1 minBytes 1048576 maxBytes 67108864 step: 4(factor) warmup iters: 5 iters: 20 agg iters: 1 validation: 1 graph: 0";
const dev = (rank: number, pid: number, host: string) => `#  Rank ${String(rank).padStart(2)} Group  0 Pid ${String(pid).padStart(6)} on ${host.padStart(10)} device  ${rank % 8} [0x4e] NVIDIA L40S`;
const header = (pid: number, host: string) => [SETTINGS, "#", "# Using devices", dev(0, pid, host)];
const ROW = "    67108864      16777216     float     sum      -1   1702.5   39.42    0.00      0   1699.8   39.48    0.00      0";
const FOOT = ["# Out of bounds values : 0 OK", "# Avg bus bandwidth    : 0 ", "#"];
const text = (lines: string[]) => lines.join("\n") + "\n";
const MSG2 = "2 processes on node-l40s-3, node-l40s-4 each printed their own nccl-tests header, listing the same rank numbers (each is Rank 0 of a job of its own): they were launched together but ran as separate jobs, so no collective spanned their GPUs and the bandwidth is not the multi-process one.";

describe("bench/nccl-tests-separate-processes", () => {
  it("is an error when two launched processes each print a header listing Rank 0, before any result row", async () => {
    const lines = ["$ mpirun -np 2 -H node-l40s-3,node-l40s-4 ./all_reduce_perf -b 1M -e 64M -f 4", ...header(73120, "node-l40s-3"), ...header(51877, "node-l40s-4"), ROW, ROW, ...FOOT];
    const f = await mine(text(lines));
    expect(f).toHaveLength(1);
    expect(f[0].severity).toBe("error");
    expect(f[0].message).toBe(MSG2);
    expect(f[0].evidence.map((e) => e.line)).toEqual([2, 6]);
    expect(f[0].remediation[0]).toMatch(/^Build nccl-tests with MPI support against the MPI of the launcher/);
  });

  it("counts processes by host and pid, and shortens a long host list", async () => {
    const hosts = ["gn01", "gn02", "gn03", "gn04", "gn05"];
    const f = await mine(text(hosts.flatMap((h, i) => header(9000 + i, h))));
    expect(f).toHaveLength(1);
    expect(f[0].message).toMatch(/^5 processes on gn01, gn02, gn03 and 2 more each printed their own nccl-tests header/);
    expect(f[0].evidence).toHaveLength(4);
    // two processes of one host without MPI are two jobs too
    const oneHost = await mine(text([...header(4101, "box"), ...header(4102, "box")]));
    expect(oneHost[0].message).toMatch(/^2 processes on box each printed/);
  });

  it("stays quiet on one job listing its ranks once, and on one process's runs one after another", async () => {
    const oneJob = [SETTINGS.replace("nGpus 1", "nGpus 1"), "#", "# Using devices", dev(0, 73120, "node-l40s-3"), dev(1, 51877, "node-l40s-4"), "#", ROW, ...FOOT];
    expect(await mine(text(oneJob))).toEqual([]);
    const again = [...header(73120, "node-l40s-3"), ROW, ...FOOT, ...header(73188, "node-l40s-3"), ROW, ...FOOT];
    expect(await mine(text(again))).toEqual([]);
  });

  it("reads the headers the same behind kubectl --timestamps", async () => {
    const lines = [...header(73120, "node-l40s-3"), ...header(51877, "node-l40s-4"), ROW, ...FOOT].map((l) => `2026-02-11T07:30:41.004518225Z ${l}`);
    const f = await mine(text(lines));
    expect(f.map((x) => x.message)).toEqual([MSG2]);
    expect(f[0].evidence.map((e) => e.line)).toEqual([1, 5]);
  });
});
