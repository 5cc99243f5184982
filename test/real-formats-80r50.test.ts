import { describe, expect, it } from "vitest";
import { analyzeText, ids, eachCommonWrap, logText } from "./rules/analyze-text.js";

/**
 * Formats met in round 80r50 (vLLM data parallelism and expert parallelism on the V1 engine: vLLM, vllm-ascend and
 * gpustack issues with DP/EP start-up and failure logs, and DeepEP issues with NCCL_DEBUG output of its intranode and
 * internode tests). The tool read the round's scored facts and problems at first sight. Two readings were wrong outside
 * the score: a test banner that DeepEP prints with no newline (`[testing] Running ... ...host:pid:tid [6] NCCL INFO`)
 * left its ellipsis in the host's name, and a pasted two-node command whose `--data-parallel-address` was a bracketed
 * placeholder (`[master ip addr]`) gave `[master` as the master's address. Every log text here is written for the test.
 */

describe("an ellipsis printed with no newline before an NCCL record", () => {
  const chain = (glue: string) => [
    `[bench] dispatch FP8, top-k 8 (async=True) ${glue}node-h20-07:41210:41577 [2] NCCL INFO misc/socket.cc:64 -> 3`,
    "node-h20-07:41210:41577 [2] NCCL INFO misc/socket.cc:80 -> 3",
    "node-h20-07:41213:41580 [5] NCCL INFO misc/socket.cc:829 -> 3",
    `${glue}node-h20-09:7730:7791 [0] NCCL INFO misc/socket.cc:64 -> 3`,
  ];
  it("is no part of the host's name, behind wrappers and CRLF; dots inside a name stay", async () => {
    for (const glue of ["...", "\u2026"])
      await eachCommonWrap(chain(glue), (r, at) => {
        expect(r.facts.nccl.hosts, `${glue} ${at}`).toEqual(["node-h20-07", "node-h20-09"]);
        expect(r.facts.nccl.nodes, `${glue} ${at}`).toBe(2);
        expect(r.facts.firstError?.line, `${glue} ${at}`).toBe(1);
        expect(ids(r, "error"), `${glue} ${at}`).toContain("nccl/internal-error");
      });
    const r = await analyzeText(logText(["...gpu.rack-3.example:812:901 [1] NCCL INFO misc/socket.cc:64 -> 3"]));
    expect(r.facts.nccl.hosts).toEqual(["gpu.rack-3.example"]);
  });
});
