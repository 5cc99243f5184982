import { describe, expect, it } from "vitest";
import { analyzeText, ids, eolsFor } from "./rules/analyze-text.js";

/**
 * Formats found in a twenty-first round of real NCCL logs, this time committed to repositories rather than pasted into
 * issues (Slurm and nccl-tests output in READMEs, bring-up notes, benchmark summaries, course notes). Every log text
 * here is written for the test, in the format's shape, with variants the logs did not show (other wrappers, CRLF).
 */

describe("Init records of processes writing one stream unbuffered: the `... commId 0x.. - Init COMPLETE` tail apart", () => {
  // init.cc prints `ncclCommInitRank[Config] comm %p rank %d nranks %d cudaDev %d nvmlDev %d busId %lx commId 0x%llx -
  // Init COMPLETE` (2.19+; earlier `comm %p rank %d nranks %d cudaDev %d busId %lx - Init COMPLETE`, no commId). When
  // eight ranks of one host print at once, one record's head lands on a line and its tail (`000 commId 0x.. - Init
  // COMPLETE`) on a later line, alone or glued after another record's head
  const host = "gpu-node-7f3a";
  const head = (pid: number, dev: number) => `${host}:${pid}:${pid} [${dev}] NCCL INFO`;
  const full = (pid: number, r: number) => `${head(pid, r)} ncclCommInitRankConfig comm 0x55d0aa${r}0 rank ${r} nranks 4 cudaDev ${r} nvmlDev ${r} busId ${r + 1}8000 commId 0x4c1e77d0a2b3c4d5 - Init COMPLETE`;
  const cutHead = (pid: number, r: number) => `${head(pid, r)} ncclCommInitRankConfig comm 0x55d0aa${r}0 rank ${r} nranks 4 cudaDev ${r} nvmlDev ${r} busId ${r + 1}8`;
  const tail = "000 commId 0x4c1e77d0a2b3c4d5 - Init COMPLETE";
  const timingsHead = (pid: number, r: number) => `${head(pid, r)} Init timings - ncclCommInitRankConfig: rank ${r} nranks 4 total 2.41 (kernels 0.30, alloc `;
  const lines = (wrap: (l: string) => string) => [
    wrap(`${head(101, 0)} Using network IB`),
    wrap(full(101, 0)),
    // rank 1's head, then rank 2's timings head with rank 1's tail glued after it
    wrap(cutHead(102, 1) + timingsHead(103, 2) + tail),
    // rank 2's record whole, glued after rank 3's head; rank 3's tail alone on the next line
    wrap(cutHead(104, 3) + full(103, 2)),
    // rank 3's timings head, with the tail of rank 0's record of a second communicator glued after it
    wrap(timingsHead(104, 3) + tail),
    wrap(tail),
    wrap(`${head(101, 0)} comm 0x55d0aa00 rank 0 nranks 4 cudaDev 0 busId 18000 - Destroy COMPLETE`),
  ];

  it("counts every Init COMPLETE, the tails too, and still reads the ranks from the whole records", async () => {
    const wraps: [string, (l: string) => string][] = [
      ["plain", (l) => l],
      ["kubectl --timestamps", (l) => `2026-03-02T11:04:05.123456789Z ${l}`],
      ["docker compose", (l) => `trainer-1  | ${l}`],
      ["Ray worker", (l) => `(RayWorkerWrapper pid=4242, ip=10.0.0.7) ${l}`],
      ["srun --label", (l) => `3: ${l}`],
    ];
    for (const [name, wrap] of wraps) {
      for (const eol of eolsFor(wrap)) {
        const r = await analyzeText(lines(wrap).join(eol) + eol);
        expect(r.facts.nccl.initComplete, `${name} ${JSON.stringify(eol)}`).toBe(5);
        expect(r.facts.nccl.ranks, name).toBe(4);
        expect(r.facts.nccl.rankMap.map((x) => [x.rank, x.pid]), name).toEqual([[0, 101], [1, 102], [2, 103], [3, 104]]);
        expect(r.facts.nccl.nodes, name).toBe(1);
      }
    }
  });

  it("a line that ends so is no tail without an NCCL record before it in its input", async () => {
    const r = await analyzeText(["INFO 03-02 11:04:05 launcher.py:12] waiting for peers", tail, ""].join("\n"));
    expect(r.facts.nccl.initComplete).toBe(0);
  });
});

describe("Python's socket error text next to NCCL lines is no NCCL bootstrap failure", () => {
  // a benchmark harness quotes a server's log tail under its own health-check error (httpx `ConnectError`, requests'
  // `NewConnectionError`, Python's `ConnectionRefusedError`): `[Errno 111] Connection refused` is Python's OSError text
  const ncclTail = (wrap: (l: string) => string) => [
    wrap("node-a:201:201 [0] NCCL INFO Bootstrap: Using eth0:10.1.0.5<0>"),
    wrap("node-a:201:201 [0] NCCL INFO NET/OFI Selected Provider is efa (found 4 nics)"),
    wrap("node-a:201:201 [0] NCCL INFO ncclCommInitRankConfig comm 0x5601 rank 0 nranks 2 cudaDev 0 nvmlDev 0 busId 53000 commId 0x11 - Init COMPLETE"),
  ];
  const pythonErrors = [
    "Last health check: ConnectError: [Errno 111] Connection refused",
    "ConnectionRefusedError: [Errno 111] Connection refused",
    "requests.exceptions.ConnectionError: HTTPConnectionPool(host='localhost', port=8000): Max retries exceeded with url: /health (Caused by NewConnectionError('<urllib3.connection.HTTPConnection object at 0x7f>: Failed to establish a new connection: [Errno 111] Connection refused'))",
    "OSError: [Errno 113] No route to host",
  ];

  it("raises no bootstrap error for a harness's health check quoting the server's log tail below it", async () => {
    // the tail's first line is cut mid-record (`Using nccl_ofi_tuner (v3)`), so it reads as more of the error's text
    for (const lead of ["Log tail:", "--- server log (last 40 lines) ---"]) {
      for (const first of ["Using nccl_ofi_tuner (v3)", "NCCL INFO TUNER/Plugin: Using nccl_ofi_tuner (v3)"]) {
        const text = ["[bench] Server did not become ready within 900s.", "Last health check: ConnectError: [Errno 111] Connection refused", lead, first, ...ncclTail((l) => l), ""];
        const r = await analyzeText(text.join("\n"));
        expect(ids(r), `${lead} ${first}`).not.toContain("nccl/bootstrap-failure");
      }
    }
  });

  it("raises no bootstrap error for it, before or after the NCCL lines, with or without a wrapper", async () => {
    for (const wrap of [(l: string) => l, (l: string) => `(APIServer pid=77) ${l}`]) {
      for (const err of pythonErrors) {
        for (const eol of ["\n", "\r\n"]) {
          for (const text of [[wrap(err), ...ncclTail(wrap)], [...ncclTail(wrap), wrap(err)]]) {
            const r = await analyzeText(text.join(eol) + eol);
            expect(ids(r), err).not.toContain("nccl/bootstrap-failure");
            expect(r.facts.nccl.initComplete).toBe(1);
          }
        }
      }
    }
  });

  it("still reads NCCL's and c10d's own connection failures", async () => {
    const nccl = [
      "node-a:201:230 [0] NCCL INFO Call to connect returned Connection refused, retrying",
      "node-a:201:230 [0] misc/socket.cc:484 NCCL WARN socketStartConnect: exceeded retries (20000)",
    ];
    const r = await analyzeText([...ncclTail((l) => l), ...nccl, ""].join("\n"));
    expect(ids(r, "error")).toContain("nccl/bootstrap-failure");
  });
});

describe("RCCL's NUMA-balancing advice at start-up is no failure", () => {
  // ROCm/rccl src/init.cc reads /proc/sys/kernel/numa_balancing and, when it is on, WARNs `NUMA auto balancing enabled
  // which can lead to variability in the RCCL performance! Disable by "sudo sysctl kernel.numa_balancing=0"`, then
  // comes up normally; the path is the build's (`/data/jenkins_workspace/.../hipify/src/init.cc:115`) or short
  const numa = (path: string) => `nodeA:311:311 [0] ${path}init.cc:115 NCCL WARN NUMA auto balancing enabled which can lead to variability in the RCCL performance! Disable by "sudo sysctl kernel.numa_balancing=0"`;
  const failing = "nodeA:311:325 [0] ucx_plugin.c:498 NCCL WARN Failed: UCX error ucx_plugin.c:498 '-5' Invalid parameter";

  it("is the first WARN but not the first error, and raises no finding of its own", async () => {
    for (const path of ["/data/jenkins_workspace/workspace/rccl_release/build/hipify/src/", "src/", ""]) {
      for (const eol of ["\n", "\r\n"]) {
        const head = [numa(path), "nodeA:311:311 [0] NCCL INFO ROCr version 1.1", "RCCL version 2.18.3+hip5.7 HEAD:b502725", "nodeA:311:325 [0] NCCL INFO comm 0x2a rank 0 nranks 2 cudaDev 0 busId b7000 commId 0x5 - Init START"];
        const healthy = await analyzeText(head.join(eol) + eol);
        expect(healthy.facts.nccl.firstWarn?.text).toBe(numa(path));
        expect(healthy.facts.firstError).toBeNull();
        expect(ids(healthy, "error")).toEqual([]);
        const failed = await analyzeText([...head, failing, ""].join(eol));
        expect(failed.facts.firstError?.text).toBe(failing);
      }
    }
  });
});
