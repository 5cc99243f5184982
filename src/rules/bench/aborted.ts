import type { FindingDraft, RuleContext } from "../types.js";
import { defineRule, type RuleSpec } from "../define.js";

export const meta = {
  id: "bench/aborted",
  defaultSeverity: "error",
  title: "Benchmark: stopped with a Python error before its result",
  tags: ["bench", "serve"],
  sources: [
    "benchmarks/benchmark_serving.py and vllm/benchmarks/serve.py: the initial single-prompt test (`ValueError: Initial test run failed - Please make sure benchmark arguments are correctly specified. Error: ...`), the request functions' asserts on the endpoint",
    "benchmarks/benchmark_throughput.py, benchmark_latency.py and vllm/benchmarks/{throughput,latency}.py",
  ],
} satisfies RuleSpec;

const SCRIPT: Record<string, string> = { serve: "`vllm bench serve` / benchmark_serving.py", throughput: "`vllm bench throughput` / benchmark_throughput.py", latency: "`vllm bench latency` / benchmark_latency.py" };

export function check(ctx: RuleContext): FindingDraft[] {
  const a = ctx.facts.bench.aborted;
  if (!a) return [];
  const error = a.errorType ? `${a.errorType}${a.message ? `: ${a.message}` : ""}` : null;
  const initial = /Initial test run failed/i.test(a.message);
  return [{
    message:
      `${SCRIPT[a.tool] ?? a.tool} stopped with a Python traceback at line ${a.evidence.line} and printed no result after it` +
      (error ? ` (${error.length > 200 ? `${error.slice(0, 200)}…` : error})` : " (the traceback's last line, its error, is not in the log)") +
      ": there are no numbers of this run to compare or gate on.",
    evidence: [a.evidence],
    remediation: [
      ...(initial || a.tool === "serve"
        ? ["The serve benchmark sends one test request first: check that the server is up and reachable at --base-url/--host/--port, that --model is the name it serves (`curl <url>/v1/models`), and that --backend and --endpoint match (`openai` with /v1/completions, `openai-chat` with /v1/chat/completions)."]
        : []),
      "Read the traceback's last line for the reason (a bad request, a timeout, an argument the script rejects), and the server log of the same moment.",
      "Run the benchmark again once the cause is fixed: a gate should treat a run with no result as failed, not as missing data.",
    ],
  }];
}

export const rule = defineRule(meta, check);
