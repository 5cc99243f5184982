/**
 * A log that mixes plain NCCL COLL and TRACE lines with lines that look like them but must not be counted the
 * fast way (see test/fast-path.test.ts and test/split.test.ts).
 */

const ranks = [
  { host: "node-a", pid: 500, tid: 500, dev: 0, comm: "0x55d0c9a1b2c0" },
  { host: "node-b", pid: 500, tid: 500, dev: 0, comm: "0x55d0c9a1b3c0" }, // same pid/tid/dev, other host
  { host: "node-a", pid: 507, tid: 507, dev: 1, comm: "0x55d0c9a1b4c0" },
  { host: "node-c", pid: 514, tid: 514, dev: 2, comm: "0x55D0C9A1B5C0" },
];

const coll = (r: (typeof ranks)[number], op: string, n: number, rest = "") =>
  `${r.host}:${r.pid}:${r.tid} [${r.dev}] NCCL INFO ${op}: opCount ${n.toString(16)} sendbuff 0x7f3a80000000 recvbuff 0x7f3a90000000 count 1024 datatype 7 op 0 root 0 comm ${r.comm} [nranks=4] stream 0x55d0c9a1c000${rest}`;
const trace = (r: (typeof ranks)[number], n: number, rest = "") =>
  `${r.host}:${r.pid}:${r.tid + 140} [${r.dev}] ${(5120 + n / 1000).toFixed(6)} sendProxy:380 NCCL TRACE sendProxy [${n % 8}/0] Isend posted, req 0x7f3b10000040, size 2048, proto 2, myRank 0, channelId 0${rest}`;

/** Lines that resemble the fast ones but differ where the ordinary path reads them differently. */
function lookalikes(n: number): string[] {
  const r = ranks[n % ranks.length];
  return [
    coll(r, "AllReduce", n, " \x1b[0m"),
    coll(r, "AllReduce", n, " ESC[0m"),
    coll(r, "AllReduce", n, " [1m"),
    coll(r, "AllReduce", n, " [repeated 3x across cluster]"),
    coll(r, "AllReduce", n, "   [1,0]<stdout>:node-z:1:2 [0] NCCL INFO Broadcast: opCount 5 comm 0x1"),
    coll(r, "AllReduce", n, "   node-z:9:9 [3] NCCL INFO AllGather: opCount 7 comm 0x2"),
    coll(r, "AllReduce", n, " vERROR"),
    coll(r, "AllReduce", n, "(VllmWorker rank=1 pid=77) INFO hello"),
    coll(r, "AllReduce", n, "\rprogress 50%"),
    coll(r, "AllReduce", n, " - Init START"),
    coll(r, "AllReduce", n, " Init COMPLETE"),
    coll(r, "AllReduce", n, " [7/9]"),
    coll(r, "AllReduce", n, "  "),
    coll(r, "CustomOp", n),
    coll(r, "proxyProgressOp", n),
    coll(r, "CollNetOp", n, " collnet"),
    coll(r, "NVLSop", n),
    `${r.host}:${r.pid}:${r.tid} [${r.dev}] NCCL INFO AllReduce: opCount ${n.toString(16)}z comm ${r.comm}`,
    `${r.host}:${r.pid}:${r.tid} [${r.dev}] NCCL INFO AllReduce: opCount ${n.toString(16)} comm (nil) comm 0xabc`,
    `${r.host}:${r.pid}:${r.tid} [${r.dev}] NCCL INFO AllReduce: opCount ${n.toString(16)} sendbuff 0x1 count 8`,
    `${r.host}:${r.pid}:${r.tid} [${r.dev}] NCCL INFO Send: opCount ${n.toString(16)} comm ${r.comm}f`,
    trace(r, n, " \x1b[31m"),
    trace(r, n, " (Ray deduplicates logs by default. Set RAY_DEDUP_LOGS=0 to disable log deduplication, or see https://docs.ray.io/ for more options.)"),
    trace(r, n, "   [0,1]<stderr>: x"),
    trace(r, n, " WARNING"),
    trace(r, n, " NCCL INFO x CRITICAL"),
    trace(r, n, "   ip-1:2:3 [0] NCCL WARN oops"),
    `${r.host}:${r.pid}:${r.tid} [${r.dev}] NCCL TRACE`,
    `${r.host}:${r.pid}:${r.tid} [${r.dev}] 12.5 NCCL TRACE done`,
    `${r.host}:${r.pid}:${r.tid} [${r.dev}] NCCL CALL ncclAllReduce(7f,7f,1024,7,0,0,0x55,0x56)`,
    `2024-05-11T10:41:00 [0] NCCL INFO AllReduce: opCount ${n.toString(16)} comm 0x1`,
    `[pod/x/y] ${coll(r, "AllReduce", n)}`,
    `{"log":"${coll(r, "AllReduce", n)}"}`,
    ` ${coll(r, "AllReduce", n)}`,
    `${r.host}:${r.pid}:${r.tid} [${r.dev}] NCCL INFO Channel 00/0 : 0[0] -> 1[1] via P2P/IPC`,
    `${r.host}:${r.pid}:${r.tid} [${r.dev}] transport/net_ib.cc:1295 NCCL WARN NET/IB : Got async event : GID table change`,
    "",
  ];
}

/** `steps` rounds of collectives on every rank (the look-alikes come every tenth round, the non-ASCII line in round 390) */
export function mixedLog(steps = 400): string {
  const out: string[] = ["NCCL version 2.26.2+cuda12.2"];
  ranks.forEach((r, i) => out.push(`${r.host}:${r.pid}:${r.tid} [${r.dev}] NCCL INFO ncclCommInitRank comm ${r.comm} rank ${i} nranks 4 cudaDev ${r.dev} nvmlDev ${r.dev} busId 1000 commId 0x7a3e - Init COMPLETE`));
  // a header seen first on a line that is not NCCL's: its host is not noted until an NCCL record names it
  out.push(`${ranks[3].host}:${ranks[3].pid}:${ranks[3].tid} [${ranks[3].dev}] starting`);
  const ops = ["AllReduce", "AllGather", "ReduceScatter", "Broadcast", "Send", "Recv", "AllGatherV"];
  for (let n = 0; n < steps; n++) {
    for (const r of ranks) {
      out.push(coll(r, ops[n % ops.length], n));
      out.push(trace(r, n));
    }
    // a rank's lines without a communicator, and a second communicator on the same header
    out.push(coll(ranks[0], "AllReduce", n).replace(/ comm 0x\w+/, ""));
    if (n % 3 === 0) out.push(coll({ ...ranks[2], comm: "0x77aa" }, "Broadcast", n));
    if (n % 10 === 0) out.push(...lookalikes(n));
    // a non-ASCII line: its chunk is read the ordinary way
    if (n === 390) out.push(coll(ranks[1], "AllReduce", n, " ümlaut"));
  }
  return out.join("\n");
}

