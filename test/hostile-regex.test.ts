import { describe, expect, it } from "vitest";
import { analyzeSource, buildReport } from "../src/analyze.js";
import { memorySource } from "../src/input/memory.js";
import { DEFAULT_MAX_LINE_CHARS } from "../src/input/lines.js";
import { cpuMsSince } from "./helpers/cpu.js";

/**
 * A regular expression that backtracks (ReDoS) turns one long crafted line into minutes of CPU. Every reader,
 * whoever adds it, must stay linear: a line at the parsing cap (64 K characters) of each shape below goes
 * through the whole pipeline (peel, classify, every reader, facts, rules) in well under a second of work.
 */
const N = DEFAULT_MAX_LINE_CHARS;
const fillTo = (n: number, prefix: string, unit: string, suffix = "") => prefix + unit.repeat(Math.ceil((n - prefix.length - suffix.length) / unit.length)).slice(0, n - prefix.length - suffix.length) + suffix;
const fill = (prefix: string, unit: string, suffix = "") => [prefix, unit, suffix] as const;

const SHAPES: Record<string, readonly [string, string, string]> = {
  "letters, no colon": fill("", "x"),
  "word:digits pairs": fill("", "a:1"),
  "host:pid: repeated": fill("", "gpu1:23:"),
  digits: fill("", "7"),
  spaces: fill("x", " ", "x"),
  "open brackets": fill("", "["),
  "open parentheses": fill("", "("),
  "equals signs": fill("", "a="),
  "commas and spaces": fill("", ", "),
  "hex words": fill("", "0x1f "),
  "ANSI introducers": fill("", "\x1b["),
  "NCCL INFO then letters": fill("gpu1:23:45 [0] NCCL INFO ", "x"),
  "NCCL channel then arrows": fill("gpu1:23:45 [0] NCCL INFO Channel 00/0 : ", "0[0] -> "),
  "NCCL WARN then colons": fill("gpu1:23:45 [0] misc/socket.cc:1 NCCL WARN ", ": "),
  "vLLM prefix then words": fill("INFO 07-25 10:11:12 [core.py:1] ", "a b "),
  "vLLM config dict": fill("INFO 07-25 10:11:12 [utils.py:1] non-default args: {", "'a': 1, "),
  "Ray prefix then pids": fill("(RayWorkerWrapper pid=1, ip=10.0.0.1) ", "(pid=1) "),
  "torchrun rank prefixes": fill("", "[rank1]: "),
  "mpirun prefixes": fill("", "[1,2]<stdout>:"),
  "traceback frame": fill('  File "', "a/", '", line 1, in f'),
  "exception then dots": fill("RuntimeError: ", "a."),
  "benchmark row": fill("", "| 1.0 "),
  "quotes": fill("", "\"'"),
  "tabs and CRs": fill("x", "\t \r"),
  // issue 17 item 5: a head of 64 K characters before ` NCCL INFO` (the header grammar retried at every position),
  // and a WARN that repeats `NET/IB: ` without `error` (the ib-error signature backtracked once per repeat)
  "brackets then NCCL INFO": fill("", "(", " NCCL INFO x"),
  "NCCL WARN repeating NET/IB": fill("gpu1:23:45 [0] transport/net_ib.cc:1 NCCL WARN ", "NET/IB: "),
  "nccl-tests row then host-like words": fill("     8    2   float  sum ", "ab1 ", "x:1:2 [0] NCCL INFO"),
  "keyword call then pairs": fill("llm = LLM(", "a=1, "),
  "container run then flags": fill("docker run ", "-e NCCL_A=1 "),
  "command array": fill('command: ["', 'vllm", "'),
  "shell assignments": fill("", "NCCL_A=1 "),
  "foreign header then separators": fill("[2025-01-01 10:00:00] ", "[x] "),
  // vLLM records glued on one line (src/records/split.ts): heads after a word (never split), after a bar (each one
  // split), inside a request's prompt (never split)
  "vLLM heads glued to words": fill("", "xINFO 07-25 10:11:12 "),
  "vLLM records glued after a bar": fill("1%|", "]INFO 07-25 10:11:12 a "),
  "vLLM heads in a request's prompt": fill("INFO 07-25 10:11:12 [logger.py:1] Received request x: prompt: '", "%INFO 07-25 10:11:12 "),
  // round 25v: vLLM records after a terminal's padding, a quote bar's glyphs, a compose name before frames, an escaped
  // header, IPython frames and arrows, a rank prefix repeated after blanks
  "vLLM heads after padding": fill("INFO 07-25 10:11:12 [a.py:1] x", "    INFO 07-25 10:11:12 "),
  "quote bars": fill("", "\u258e "),
  "compose name before frame text": fill("vllm_server  |  ", " File \"a\", line 1"),
  "escaped header brackets": fill("INFO 07-25 10:11:12 \\[", "a\\_"),
  "IPython frame paths": fill("File ", "a/b:1, in ", "f("),
  "IPython arrows": fill("", "---> 1 "),
};

describe("hostile lines: linear time on every shape", () => {
  /** CPU milliseconds (not wall time, so a busy machine does not fail it) to read two such lines */
  async function cpuMs(line: string): Promise<number> {
    const bytes = Buffer.from(`${line}\n${line}\n`);
    const cpu = process.cpuUsage();
    const part = await analyzeSource(memorySource("shape.log", bytes), 0);
    buildReport(part.state);
    const ms = cpuMsSince(cpu);
    expect(part.state.inputs[0].lines).toBe(2);
    return ms;
  }

  /**
   * the least of up to three readings, stopping at the first under `bound`: the process's CPU counts its background
   * threads too (GC, the optimizing compiler), which a busy worker's other tests keep busy; an O(n²) pass is over the
   * bound every time
   */
  async function leastCpuMs(line: string, bound: number): Promise<number> {
    let least = Infinity;
    for (let i = 0; i < 3 && least >= bound; i++) least = Math.min(least, await cpuMs(line));
    return least;
  }

  for (const [name, [prefix, unit, suffix]] of Object.entries(SHAPES)) {
    it(`${name} (16 K, then ${(N / 1024).toFixed(0)} K chars)`, async () => {
      // a linear pass takes milliseconds to ~0.2 s (16 K of torchrun's `[rank1]: `, peeled one by one, in a worker the
      // suite keeps busy: 253 ms once against a bound of 250); an O(n²) regex takes ~1 s at 16 K and ~20 s at 64 K
      // characters, so the short probe fails fast
      expect(await leastCpuMs(fillTo(16 * 1024, prefix, unit, suffix), 500), "16 K probe").toBeLessThan(500);
      expect(await leastCpuMs(fillTo(N, prefix, unit, suffix), 2000)).toBeLessThan(2000);
    });
  }
});
