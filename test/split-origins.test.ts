import { describe, expect, it } from "vitest";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { analyzeSource, buildReport } from "../src/analyze.js";
import { fileSource } from "../src/input/sources.js";
import { greedyRangeCounter } from "./helpers/range-counter.js";

/**
 * Behind a wrapper that names its origin (Ray's and vLLM's process prefixes, a compose service), the second thread
 * counts speculatively too (src/events/nccl-fast-counter.ts, `armed`): the report and events of a file read in two
 * parts must be those of reading it in one, while origins come and go: several processes interleaved, a pid that
 * moves to another node and back (on NCCL lines and on lines handed back: a vLLM line, a journald line), a process
 * and a service first seen late in the file, nested prefixes, a process noted under a known origin.
 */

function originsLog(kind: "ray" | "compose", lines: number, seed: number): string {
  let x = seed;
  const rnd = (n: number) => {
    x = (Math.imul(x, 1103515245) + 12345) >>> 0;
    return (x >>> 8) % n;
  };
  const out: string[] = ["NCCL version 2.21.5+cuda12.4", "(APIServer pid=40) INFO 11-20 09:14:00 [api_server.py:1] vLLM API server version 0.10.1"];
  const hosts = ["node-a", "node-b"];
  for (let i = 0; i < lines; i++) {
    // a fifth rank (pid 600, on node-b) only from 60% on, under a process name not seen before
    const late = i > lines * 0.6;
    const r = rnd(late ? 5 : 4);
    const pid = 500 + r * 7 + (r === 4 ? 72 : 0);
    const host = hosts[r % 2];
    const head = `${host}:${pid}:${pid} [${r}]`;
    const coll = `${head} NCCL INFO AllReduce: opCount ${i.toString(16)} sendbuff 0x1 recvbuff 0x2 count 8 datatype 7 op 0 root 0 comm 0xabc${r} [nranks=5] stream 0x9`;
    const trace = `${host}:${pid}:${pid + 9} [${r}] ${(i / 10).toFixed(6)} sendProxy:380 NCCL TRACE sendProxy [0/1] Isend posted, req 0x7f${i}, size 64`;
    const body = rnd(4) === 0 ? trace : coll;
    // pid 507 sometimes shows up from another node (a pid reused there), then its own again
    const ip = r === 1 && rnd(25) === 0 ? "10.0.0.9" : `10.0.0.${r % 2}`;
    let wrapper: string;
    if (kind === "ray") {
      const name = r === 4 ? "RayWorkerProc" : r === 3 && i > lines / 2 ? "VllmWorker rank=3" : "RayWorkerWrapper";
      wrapper = name.startsWith("VllmWorker") ? `(${name} pid=${pid}) ` : `(${name} pid=${pid}, ip=${ip}) `;
    } else wrapper = `vllm-${r === 4 ? "late" : r % 2 ? "worker" : "head"}-1  | ${rnd(30) === 0 ? `(RayWorkerWrapper pid=${pid}, ip=${ip}) ` : ""}`;
    out.push(wrapper + body);
    switch (rnd(60)) {
      case 0:
        // a vLLM line behind the same process prefix, or the same pid from the other node
        out.push(`(RayWorkerWrapper pid=${pid}, ip=${rnd(3) === 0 ? "10.0.0.9" : ip}) INFO 11-20 09:14:0${i % 10} [worker.py:12] step ${i}`);
        break;
      case 1:
        // journald names the pid on another host: the NCCL reader notes the process again
        out.push(`Nov 20 09:14:02 node-z python[${pid}]: worker ${i} alive`);
        break;
      case 2:
        out.push(`(APIServer pid=40) INFO 11-20 09:14:0${i % 10} [loggers.py:123] Engine 000: Avg prompt throughput: 12.0 tokens/s, Avg generation throughput: 3.0 tokens/s, Running: 1 reqs, Waiting: 0 reqs, GPU KV cache usage: 1.0%, Prefix cache hit rate: 0.0%`);
        break;
      case 3:
        // nested prefixes: counted by no thread but the one reading in order
        out.push(`(EngineCore_DP0 pid=40) (RayWorkerWrapper pid=${pid}, ip=10.0.0.${r % 2}) ${coll}`);
        break;
      case 4:
      case 5: {
        // one origin under two wrappers, the second nesting a process name first seen late in the file: after the
        // first, the vLLM origin observer has nothing to say of it (the same origin as the line before)
        const nested = `(EngineCore_DP0 pid=41) (${i % 2 ? "RayWorkerProc" : "VllmWorkerProcess"} pid=9, ip=10.0.0.1) ${trace}`;
        if (rnd(2)) out.push(`(EngineCore_DP0 pid=41, ip=10.0.0.1) ${coll}`);
        if (i > lines * 0.7) out.push(nested);
        break;
      }
    }
  }
  return out.join("\n") + "\n";
}

describe("behind origin-naming wrappers, a file read in two parts gives the report of reading it in one", () => {
  const dir = mkdtempSync(join(tmpdir(), "vd-origins-"));
  const read = async (path: string, opts: Parameters<typeof analyzeSource>[2]) => {
    const part = await analyzeSource(await fileSource(path), 0, { limits: { chunkBytes: 4096 }, ...opts });
    return JSON.stringify({ report: buildReport(part.state), events: part.events });
  };

  it.each([
    ["ray", 11, 0.3, 65536],
    ["ray", 12, 0.1, 4096],
    ["ray", 13, 0.5, 30_000],
    ["compose", 11, 0.3, 65536],
    ["compose", 14, 0.2, 4096],
  ] as const)("%s log (seed %s) cut at %s, segments of %s bytes", async (kind, seed, share, segmentBytes) => {
    const path = join(dir, `${kind}-${seed}.log`);
    // 6,000 lines (about 0.9 MB, a dozen segments or more after the cut): each case of the log's switch comes about a
    // hundred times, the late rank on some 2,400 lines, the pid seen from another node some 60 times
    writeFileSync(path, originsLog(kind, 6_000, seed));
    const one = await read(path, { jobs: 1 });
    const s = greedyRangeCounter();
    expect(await read(path, { jobs: 2, split: { minBytes: 0, share, segmentBytes, counter: s.counter } })).toBe(one);
    // the second thread counted most lines of its segments, and noted the wrappers it counted behind
    expect(s.counted).toHaveLength(1);
    const segments = [...s.counted[0].values()];
    const lines = segments.reduce((n, r) => n + r.lines, 0);
    const handed = segments.reduce((n, r) => n + r.residual.length, 0);
    expect(segments.length).toBeGreaterThan(3);
    expect(segments.every((r) => r.stoppedAt === 0)).toBe(true);
    // (each segment hands back the first line of every process, communicator and wrapper: a few dozen lines)
    if (segmentBytes >= 30_000) expect(handed).toBeLessThan(lines * 0.25);
    expect(segments.filter((r) => r.behind.length > 0).length).toBeGreaterThan(segments.length / 2);
  }, 30_000);
});
