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

describe("a placeholder the user left as a pasted command's flag value", () => {
  const command = (address: string) => [
    "vllm serve deepseek-ai/DeepSeek-V2-Lite \\",
    "    --tensor-parallel-size 1 --enable-expert-parallel \\",
    "    --data-parallel-size 4 --data-parallel-size-local 2 --data-parallel-start-rank 2 \\",
    `    --data-parallel-address ${address} --data-parallel-rpc-port 13345 \\`,
    "    --headless --trust-remote-code",
  ];
  it("states no address for a bracketed phrase the shell split or a <word>, and keeps a real one", async () => {
    for (const placeholder of ["[head node ip]", "<HEAD_IP>"])
      await eachCommonWrap(command(placeholder), (r, at) => {
        const c = r.facts.config;
        expect(c.masterAddr, `${placeholder} ${at}`).toBeNull();
        expect(c.dataParallelSize, `${placeholder} ${at}`).toBe(4);
        expect(c.tensorParallelSize, `${placeholder} ${at}`).toBe(1);
        expect(c.enableExpertParallel, `${placeholder} ${at}`).toBe(true);
        expect(c.headless, `${placeholder} ${at}`).toBe(true);
        expect(c.nnodes, `${placeholder} ${at}`).toBe(2);
      });
    for (const address of ["[fd00:1::5]", "10.20.0.4"])
      await eachCommonWrap(command(address), (r, at) => {
        expect(r.facts.config.masterAddr, `${address} ${at}`).toBe(address);
      });
  });
});
