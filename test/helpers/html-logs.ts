import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { analyze } from "../../src/analyze.js";
import { renderHtml } from "../../src/report/html.js";

/* Logs for the HTML report's tests: a big job, and a failed run as hostile as logs get. */

/** The HTML report of `text` read as one log file. */
export async function htmlOf(text: string, name = "run.log"): Promise<string> {
  const file = join(mkdtempSync(join(tmpdir(), "vd-html-review-")), name);
  writeFileSync(file, text);
  const { report } = await analyze([file]);
  return renderHtml(report);
}

/** An NCCL set-up log of `hosts` nodes of one GPU each, in one ring over IB with GPU Direct RDMA. */
export function ringLog(hosts: number, name = (i: number) => `node-${String(i).padStart(3, "0")}`): string {
  const lines: string[] = [];
  for (let i = 0; i < hosts; i++) {
    const p = `${name(i)}:${1000 + i}:${2000 + i} [0] NCCL INFO`;
    const comm = `comm 0x55d0${(0xa000 + i).toString(16)} rank ${i} nranks ${hosts} cudaDev 0 nvmlDev 0 busId 18000 commId 0x7a3e5c1d9b2f4e60`;
    lines.push(
      `${p} Bootstrap : Using ib0:10.0.${i}.1<0>`,
      `${p} Using network IB`,
      `${p} ncclCommInitRank ${comm} - Init START`,
      `${p} Channel 00/0 : ${i}[0] -> ${(i + 1) % hosts}[0] [send] via NET/IB/0/GDRDMA`,
      `${p} ncclCommInitRank ${comm} - Init COMPLETE`,
    );
  }
  return lines.join("\n") + "\n";
}

/**
 * A failed run as hostile as logs get: host names of 160 characters, an OOM line of 3,000 with markup, right-to-left
 * text and colour codes in it, TP 2 over TCP sockets between the two hosts.
 */
export function hostileLog(): string {
  const host = (x: string) => `gpu-${"verylonghostname".repeat(10)}-${x}`;
  return [
    "\x1b[32mINFO\x1b[0m 08-19 10:00:01 [api_server.py:1805] vLLM API server version 0.10.1.1",
    "INFO 08-19 10:00:02 [utils.py:326] non-default args: {'model': 'meta-llama/<script>alert(1)</script>\u202eevil', 'tensor_parallel_size': 2}",
    `${host("a")}:100:200 [0] NCCL INFO Bootstrap : Using eth0:10.0.0.1<0>`,
    `${host("a")}:100:200 [0] NCCL INFO Using network Socket`,
    `${host("b")}:101:201 [0] NCCL INFO Using network Socket`,
    `${host("a")}:100:200 [0] NCCL INFO Channel 00/0 : 0[0] -> 1[0] [send] via NET/Socket/0`,
    `${host("b")}:101:201 [0] NCCL INFO Channel 00/0 : 1[0] -> 0[0] [send] via NET/Socket/0`,
    `(EngineCore_0 pid=42010) ERROR 08-19 10:03:02 [core.py:700] torch.OutOfMemoryError: CUDA out of memory. Tried to allocate 896.00 MiB. GPU 0 has a total capacity of 79.19 GiB of which 612.06 MiB is free. <b>bold</b> \u05e9\u05dc\u05d5\u05dd \u0645\u0631\u062d\u0628\u0627 ${"A".repeat(3000)} \x1b[31mEND-OF-LINE\x1b[0m`,
    "(EngineCore_0 pid=42010) ERROR 08-19 10:03:02 [core.py:700] EngineCore failed to start.",
    "RuntimeError: Engine core initialization failed. See root cause above. Failed core proc(s): {}",
  ].join("\n") + "\n";
}
