import { describe, expect, it } from "vitest";
import { analyzeText, eachWrapped } from "./rules/analyze-text.js";
import type { Report } from "../src/model.js";

/**
 * Formats met in round 80r35 (vLLM logs pasted in the issues of projects that deploy vLLM on clusters: ai-dynamo/dynamo,
 * vllm-project/aibrix, ray-project/kuberay and ray, LMCache, and vLLM issues about Kubernetes and Ray clusters). The tool
 * read the round's facts and problems at first sight but one: a Kubernetes head pod's NCCL output where two processes'
 * records were glued on physical lines and a plugin line was hard-wrapped inside `libnccl-` / `net.so`, so the second
 * process's next record began `net.so<host>:<pid>:<tid> [dev] NCCL INFO ..`. That process's earlier lines were Bootstrap
 * and plugin lines (no init, no connection), so its pid was never tied to the whole host name, and the glued name counted
 * as a second node. Every log text here is written for the test.
 */

const WRAPS: [string, (l: string) => string][] = [
  ["plain", (l) => l],
  ["kubets", (l) => `2026-03-14T08:02:11.402118733Z ${l}`],
  ["mpi-tag", (l) => `[1,0]<stderr>:${l}`],
];

const eachWrap = (lines: string[], check: (r: Report, at: string) => void) => eachWrapped(WRAPS, lines, check);

const HOST = "llm-serve-7c4d9-head-0";

describe("a host name glued after the tail of a hard-wrapped record", () => {
  const pod = [
    `${HOST}:5120:5120 [0] NCCL INFO cudaDriverVersion 12080`,
    `${HOST}:5120:5120 [0] NCCL INFO Bootstrap : Using eth0:10.42.3.17<0>${HOST}:5121:5121 [1] NCCL INFO Bootstrap : Using eth0:10.42.3.17<0>`,
    `${HOST}:5121:5121 [1] NCCL INFO NET/Plugin: Plugin load returned 2 : libnccl-net.so: cannot open shared object file: No such file or directory : when loading libnccl-`,
    `net.so${HOST}:5121:5121 [1] NCCL INFO NET/Plugin: Using internal network plugin.`,
    `${HOST}:5120:5120 [0] NCCL INFO NET/Plugin: Using internal network plugin.`,
    `${HOST}:5120:5120 [0] NCCL INFO Comm config Blocking set to 1`,
  ];
  it("counts the glued name as the host of the process it names, behind wrappers and CRLF", async () => {
    await eachWrap(pod, (r, at) => {
      expect(r.facts.nccl.nodes, at).toBe(1);
      expect((r.facts.nccl as unknown as { hosts: string[] }).hosts, at).toEqual([HOST]);
      expect(r.facts.nccl.ranks, at).toBeNull();
    });
  });
  it("joins it when the process's only other line is a record glued after another's, and keeps apart pods that share a pid", async () => {
    // the second process shows itself only inside the first line's glued Bootstrap record, then in the glued name
    const r = await analyzeText([pod[0], pod[1], pod[3], pod[4]].join("\n") + "\n");
    expect(r.facts.nccl.nodes).toBe(1);
    expect((r.facts.nccl as unknown as { hosts: string[] }).hosts).toEqual([HOST]);
    // two pods of one job print the same small pids (each container numbers its own processes): the names tell them apart
    const other = "llm-serve-7c4d9-worker-1";
    const two = await analyzeText([...[pod[0], pod[1], pod[3], pod[4]], `${other}:5121:5121 [1] NCCL INFO Bootstrap : Using eth0:10.42.5.9<0>`].join("\n") + "\n");
    expect(two.facts.nccl.nodes).toBe(2);
    expect((two.facts.nccl as unknown as { hosts: string[] }).hosts).toEqual([HOST, other]);
  });
});
