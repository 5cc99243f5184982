import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { mayCountFrom } from "../src/input/split-point.js";

/** A file is cut for a second thread only where that thread would find NCCL lines to count (src/parallel/read-plan.ts). */
describe("mayCountFrom", () => {
  const dir = mkdtempSync(join(tmpdir(), "vd-sample-"));
  const line = "(APIServer pid=1) INFO 08-19 10:09:01 [async_llm.py:269] Added request chatcmpl-1.\n";
  const body = line.repeat(20000); // ~1.7 MB, far more than the three 64 KiB samples
  const file = (name: string, text: string) => {
    const path = join(dir, name);
    writeFileSync(path, text);
    return path;
  };
  const nccl = "host-1:812:812 [0] NCCL INFO AllReduce: opCount 1a sendbuff 0x7f buff 0x7f count 1 datatype 7 op 0 root 0 comm 0x55 [nranks=8] stream 0x55\n";

  it("is false for a server log of request lines, true when NCCL lines stand at the cut, in the middle or at the end", () => {
    const size = Buffer.byteLength(body);
    expect(mayCountFrom(file("server.log", body), 1000, size)).toBe(false);
    expect(mayCountFrom(file("cut.log", body.slice(0, 1000) + nccl + body.slice(1000)), 1000, size + nccl.length)).toBe(true);
    const half = Math.floor((1000 + size) / 2) + line.length;
    expect(mayCountFrom(file("middle.log", body.slice(0, half) + nccl + body.slice(half)), 1000, size + nccl.length)).toBe(true);
    expect(mayCountFrom(file("end.log", body + nccl), 1000, size + nccl.length)).toBe(true);
    // (an NCCL line between the samples is not seen: the file is then read on one thread, with the same report)
    expect(mayCountFrom(file("between.log", body.slice(0, 300000) + nccl + body.slice(300000)), 1000, size + nccl.length)).toBe(false);
    expect(mayCountFrom(join(dir, "missing.log"), 0, 10)).toBe(false);
    // NCCL's set-up lines only: nothing the second thread counts (it would hand each back)
    const setup = "host-1:812:812 [0] NCCL INFO Channel 00/0 : 0[0] -> 1[1] via P2P/IPC\nhost-1:812:812 [0] NCCL INFO comm 0x55 rank 0 nranks 8 cudaDev 0 busId 1b000 - Init COMPLETE\n";
    expect(mayCountFrom(file("setup.log", setup.repeat(20000)), 1000, setup.length * 20000)).toBe(false);
    const trace = "host-1:812:900 [0] 1234.567 transport/net.cc:873 NCCL TRACE sendProxy [3] posted\n";
    expect(mayCountFrom(file("trace.log", setup.repeat(20000) + trace), 1000, (setup.length * 20000) + trace.length)).toBe(true);
  });
});
