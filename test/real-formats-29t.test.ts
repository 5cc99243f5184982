import { describe, expect, it } from "vitest";
import { analyzeText, ids } from "./rules/analyze-text.js";

/**
 * Shapes of a twenty-ninth round of real PyTorch-distributed logs around NCCL (ProcessGroupNCCL watchdog timeouts,
 * heartbeat-monitor aborts, DistBackendError): a viewer's bare time of day before every torchrun `[rankN]:` record,
 * and a runner's per-stream tag (`<name> [stderr] `) before each line of a child's output, with the runner's own wrap
 * leaving untagged continuation lines. Every text is written for the test in the printed layout of
 * ProcessGroupNCCL.cpp (`[Rank N] Watchdog caught collective operation timeout: WorkNCCL(SeqNum=.., OpType=..,
 * NumelIn=.., NumelOut=.., Timeout(ms)=..) ran for N milliseconds before timing out.`, the `Timeout at NCCL work: N,
 * last enqueued NCCL work: N, last completed NCCL work: N.` record) and NCCL's `host:pid:tid [dev] NCCL INFO` lines.
 */

const watchdog = (rank: number, seq: number, line = 632): string =>
  `[rank${rank}]:[E712 03:14:15.926535897 ProcessGroupNCCL.cpp:${line}] [Rank ${rank}] Watchdog caught collective operation timeout: WorkNCCL(SeqNum=${seq}, OpType=ALLGATHER, NumelIn=4096, NumelOut=32768, Timeout(ms)=300000) ran for 300417 milliseconds before timing out.`;

const stuck = (rank: number): string =>
  `[rank${rank}]:[E712 03:14:15.9265${rank}5897 ProcessGroupNCCL.cpp:1890] [PG ID 0 PG GUID 0(default_pg) Rank ${rank}] ProcessGroupNCCL's watchdog got stuck for 480 seconds without making progress in monitoring enqueued collectives. This typically indicates a NCCL/CUDA API (e.g., CudaEventDestroy) hang blocking the watchdog.`;

describe("a bare time of day before each torchrun record", () => {
  const clocks: Array<[string, string]> = [
    ["milliseconds", "07:41:09.318 "],
    ["comma milliseconds", "07:41:09,318 "],
    ["whole seconds, tab", "07:41:09\t"],
    ["microseconds, two spaces", "07:41:09.318204  "],
  ];
  for (const [name, clock] of clocks) {
    for (const eol of ["\n", "\r\n"]) {
      it(`${name}${eol === "\r\n" ? ", CRLF" : ""}: the heartbeat monitor's record is the first failure`, async () => {
        const text = [
          `${clock}INFO:trainer:step 1200 loss 1.734`,
          `${clock}${stuck(3)}`,
          `${clock}[rank3]:[E712 03:14:15.931002113 ProcessGroupNCCL.cpp:1606] [PG ID 0 PG GUID 0(default_pg) Rank 3] ProcessGroupNCCL preparing to dump debug info. Include stack trace: 1, only active collectives: 0`,
          `${clock}${stuck(5)}`,
          "",
        ].join(eol);
        const r = await analyzeText(text);
        const at = `${name} ${JSON.stringify(eol)}`;
        expect(r.facts.firstError?.line, at).toBe(2);
        expect(r.facts.nccl.ranks, at).toBe(2);
        // (the heartbeat monitor's stuck watchdog is PyTorch 2.2-2.3's `Heartbeat monitor timed out!`, which was read as one)
        expect(ids(r), at).toContain("nccl/collective-timeout");
      });
    }
  }

  it("before watchdog timeout records: the collective timeout is found and its record is the first failure", async () => {
    for (const clock of ["07:41:09.318 ", "07:41:09 "]) {
      const r = await analyzeText([`${clock}INFO:trainer:step 1200 loss 1.734`, `${clock}${watchdog(3, 8812)}`, `${clock}${watchdog(5, 8812)}`, ""].join("\n"));
      expect(r.facts.firstError?.line, clock).toBe(2);
      expect(r.facts.nccl.ranks, clock).toBe(2);
      expect(ids(r), clock).toContain("nccl/collective-timeout");
    }
  });

  it("in colour, and before NCCL's own host-prefixed lines", async () => {
    const text = [
      "\x1b[32m11:02:33.004\x1b[0m gpu-b7:5120:5120 [0] NCCL INFO Bootstrap : Using ens5:10.4.1.7<0>",
      "11:02:33.010 gpu-b7:5120:5120 [0] NCCL INFO NET/IB : Using [0]mlx5_0:1/IB [1]mlx5_3:1/IB ; OOB ens5:10.4.1.7<0>",
      "11:02:33.011 gpu-b7:5120:5120 [0] NCCL INFO Using network IB",
      "11:02:34.402 gpu-b7:5121:5190 [1] NCCL INFO Channel 00/0 : 1[1] -> 0[0] via P2P/IPC/read",
      "",
    ].join("\n");
    const r = await analyzeText(text);
    expect(r.facts.nccl.net).toBe("IB");
    expect(r.facts.nccl.nodes).toBe(1);
    expect(r.facts.nccl.ibHcas).toEqual(["mlx5_0:1", "mlx5_3:1"]);
    expect(r.facts.nccl.transports["P2P/IPC"]).toBe(1);
    expect(r.facts.firstError).toBeNull();
    expect(ids(r)).toEqual([]);
  });

  it("a time of day before prose is not a prefix: the line stays text and no failure is read from it", async () => {
    const r = await analyzeText(["07:41:09 restarted the job after the timeout", "07:41:10 Rank 3 looked slow", ""].join("\n"));
    expect(r.facts.firstError).toBeNull();
    expect(r.facts.nccl.ranks).toBeNull();
  });
});

describe("a runner's per-stream tag before each line", () => {
  const tag = "resnet-ddp.gpu-n04.log [stderr] ";
  it("tagged records, a tagged blank line and the runner's untagged wrap: the tagged watchdog record is the first failure", async () => {
    const text = [
      `${tag}frame #5: <unknown function> + 0x8609 (0x7f00aa12b609 in /lib/x86_64-linux-gnu/libpthread.so.0)`,
      `${tag}`,
      `${tag}[rank2]:[E1007 22:10:41.118230554 ProcessGroupNCCL.cpp:1709] [PG 0 (default_pg) Rank 2] Timeout at NCCL work: 431, last enqueued `,
      "NCCL work: 433, last completed NCCL work: 430.",
      `${tag}[rank2]:[E1007 22:10:41.118271006 ProcessGroupNCCL.cpp:621] [Rank 2] Some NCCL operations have failed or timed out. Due to the asynchronous nature of CUDA kernels, subsequent GPU operations might run on corrupted/incomplete data.`,
      `${tag}${watchdog(6, 431, 1515)}`,
      "",
    ].join("\n");
    const r = await analyzeText(text);
    expect(r.facts.firstError?.line).toBe(3);
    expect(r.facts.nccl.ranks).toBe(2);
    expect(ids(r)).toContain("nccl/collective-timeout");
  });

  it("a [stdout] tag before NCCL INFO lines: connections and the network are read through it", async () => {
    const t = "bert-large.node-a [stdout] ";
    const text = [
      `${t}node-a:301:301 [0] NCCL INFO Using network Socket`,
      `${t}node-a:301:388 [0] NCCL INFO Channel 00/0 : 0[0] -> 1[1] via P2P/CUMEM`,
      `${t}node-a:302:389 [1] NCCL INFO Channel 00/0 : 1[1] -> 0[0] via P2P/CUMEM`,
      `${t}node-a:301:388 [0] NCCL INFO comm 0x55d0c1a0 rank 0 nranks 2 cudaDev 0 nvmlDev 0 busId 1b000 commId 0x9f2c - Init COMPLETE`,
      "",
    ].join("\n");
    const r = await analyzeText(text);
    expect(r.facts.nccl.transports["P2P/CUMEM"]).toBe(2);
    expect(r.facts.nccl.net).toBe("Socket");
    expect(r.facts.nccl.ranks).toBe(2);
    expect(r.facts.nccl.initComplete).toBe(1);
    expect(r.facts.nccl.nodes).toBe(1);
  });

  it("a bracketed word inside a sentence is not a tag", async () => {
    const r = await analyzeText(["see the job [stderr] output for details", ""].join("\n"));
    expect(r.facts.firstError).toBeNull();
    expect(ids(r)).toEqual([]);
  });
});
