import { describe, expect, it } from "vitest";
import { analyzeText, ids, eachWrapped } from "./rules/analyze-text.js";
import type { Report } from "../src/model.js";

/**
 * Formats found in round 75rs, an unbiased sample of vllm-project/vllm and NVIDIA/nccl issues over their whole number
 * range (nineteen logs and five wrapped copies). The tool read all but two shapes:
 * - an NCCL prefix whose `:pid:tid` the quoter cut out altogether (`gpu-server320 [5] NCCL INFO ...`, behind a
 *   container runtime's timestamp and NCCL's own `[date time]` stamp) named no host, so the run had no node count;
 *   the blanked forms (`host:XXXX`, `host:<pid>:<tid>`) were read already;
 * - vLLM's V1 configuration check refusing a standalone draft model for speculative decoding (0.9 → 0.13,
 *   `NotImplementedError: Speculative decoding with draft model is not supported yet. ...`) had no rule, so a server
 *   that never started got no diagnosis.
 * Every log text here is written for the test in the printed layout, under wrappers the logs did not all show.
 */

const WRAPS: [string, (l: string) => string][] = [
  ["plain", (l) => l],
  ["kubectl --timestamps", (l) => `2026-12-07T05:20:41.300118245Z ${l}`],
  ["docker compose", (l) => `llm-api-1  | ${l}`],
  ["Ray", (l) => `(ServeReplica:app:LLMServer pid=3301, ip=10.4.0.9) ${l}`],
];

const eachWrap = (lines: string[], check: (r: Report, at: string) => void) => eachWrapped(WRAPS, lines, check);
// the cases after the first read behind two of the wrappers (one line end each), to keep the file cheap
const eachWrapTwo = (lines: string[], check: (r: Report, at: string) => void) => eachWrapped(WRAPS.slice(1, 3), lines, check);

describe("an NCCL prefix with the host but no pid:tid", () => {
  const chain = (host: string, stamp: string) => [
    `${stamp}${host} [3] misc/socket.cc:46 NCCL WARN socketProgressOpt: Call to send to 10.20.1.7<40113> failed : Connection reset by peer`,
    `${host} [3] NCCL INFO misc/socket.cc:64 -> 6`,
    `${host} [3] NCCL INFO bootstrap.cc:868 -> 6`,
  ];

  it("names the host, so the run has one node, and keeps the WARN as the first failure", async () => {
    await eachWrap(chain("gpu-node17", "[2026-11-30 08:12:44] "), (r, at) => {
      expect(r.facts.nccl.nodes, at).toBe(1);
      expect(r.facts.nccl.hosts, at).toEqual(["gpu-node17"]);
      expect(r.facts.nccl.firstWarn?.line, at).toBe(1);
      expect(r.facts.firstError?.line, at).toBe(1);
      expect(ids(r), at).toContain("nccl/remote-process-exited");
    });
  });

  it("counts two such hosts as two nodes, dotted names too", async () => {
    await eachWrapTwo([...chain("worker-a.cluster.local", ""), ...chain("worker-b.cluster.local", "")], (r, at) => {
      expect(r.facts.nccl.nodes, at).toBe(2);
    });
  });

  it("takes no level word, date, launcher tag or record field for a host", async () => {
    const rec = "[0] NCCL INFO Channel 00/0 : 0[0] -> 1[1] via P2P/IPC";
    for (const head of ["stdout F", "INFO", "Fri Aug 11 2023", "rank3", "local_rank-1", "trainer2", "(pid=4410)", "[1,0]<stdout>:", "[2026-11-30 08:12:44]", "host-"]) {
      const r = await analyzeText(`${head} ${rec}\n`);
      expect(r.facts.nccl.nodes, head).toBeNull();
      expect(r.facts.nccl.transports?.["P2P/IPC"], head).toBe(1);
    }
    // the full prefix still wins over the word before it
    const full = await analyzeText(`2026-11-30 box-7:41:42 ${rec}\n`);
    expect(full.facts.nccl.hosts).toEqual(["box-7"]);
  });
});

describe("vLLM refusing a standalone draft model for speculative decoding", () => {
  const refusal = (cls: string, words: string, methods: string) =>
    `(APIServer pid=2210) ${cls}: ${words} is not supported yet. Please consider using other speculative decoding methods such as ngram, medusa, eagle, or ${methods}.`;

  it("names the refusal with the methods the release lists, as the first failure (0.11-0.13 wording)", async () => {
    const lines = [
      "(APIServer pid=2210) INFO 01-08 09:14:02 [api_server.py:1896] vLLM API server version 0.13.0",
      "(APIServer pid=2210) Traceback (most recent call last):",
      '(APIServer pid=2210)   File "/opt/venv/lib/python3.12/site-packages/vllm/config/speculative.py", line 380, in __post_init__',
      "(APIServer pid=2210)     raise NotImplementedError(",
      refusal("NotImplementedError", "Speculative decoding with draft model", "mtp"),
    ];
    await eachWrap(lines, (r, at) => {
      const f = r.findings.find((x) => x.ruleId === "vllm/spec-decode-draft-unsupported");
      expect(f, at).toBeDefined();
      expect(f!.severity, at).toBe("error");
      expect(f!.message, at).toContain("vLLM 0.13.0 has no standalone draft-model proposer");
      expect(f!.message, at).toContain("ngram, medusa, eagle, or mtp");
      expect(f!.evidence[0].line, at).toBe(5);
      expect(f!.remediation.join("\n"), at).toContain('"method": "ngram"');
      expect(r.facts.firstError?.line, at).toBe(5);
    });
  });

  it("reads 0.9's and 0.10's wordings, a pydantic re-raise, and a traceback flattened onto one line", async () => {
    const cases = [
      refusal("NotImplementedError", "Speculative decoding with draft model", "deepseek_mtp"),
      refusal("NotImplementedError", "Draft model speculative decoding", "mtp"),
      "  Value error, Speculative decoding with draft model is not supported yet. Please consider using other speculative decoding methods such as ngram, medusa, eagle, or mtp. [type=value_error, input_value=ArgsKwargs((), {}), input_type=ArgsKwargs]",
      `(APIServer pid=51) File "/usr/lib/python3/site-packages/vllm/config/speculative.py", line 380, in __post_init__ (APIServer pid=51)     raise NotImplementedError( ${refusal("NotImplementedError", "Speculative decoding with draft model", "mtp")}`,
    ];
    for (const line of cases) await eachWrapTwo([line], (r, at) => expect(ids(r), `${at} ${line.slice(0, 60)}`).toContain("vllm/spec-decode-draft-unsupported"));
  });

  it("not on the source line a traceback quotes, an accepted draft, or prose", async () => {
    for (const line of [
      '                "Speculative decoding with draft model is not supported yet. "',
      "INFO 03-02 10:11:12 [speculative.py:291] Speculative decoding with draft model: Qwen/Qwen3-0.6B, num_speculative_tokens=5",
      "Note: a draft model is not supported yet by our wrapper, we use ngram instead.",
    ]) {
      const r = await analyzeText(`${line}\n`);
      expect(ids(r), line).not.toContain("vllm/spec-decode-draft-unsupported");
    }
  });
});
