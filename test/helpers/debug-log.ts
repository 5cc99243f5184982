/**
 * A DEBUG-level vLLM server log for the quiet-line fast path's tests: runs of the lines a busy engine repeats at DEBUG
 * (`EngineCore loop active.`, `Called check_health.`), each run between two things a reader must see in order: a
 * request or access line, a stats line, an engine's traceback and a plain Python one (with the quiet lines of another
 * process inside them), a launch command continued over lines, a config echo, warnings and errors, NCCL lines, a
 * record a terminal cut at its width, a benchmark's result block, a clock that steps back, a header with fractions of a
 * second, a line cut short, blank lines. Seeded: the same text for the same seed.
 */
export function debugServerLog(opts: { seed: number; blocks: number; wrap?: (line: string, i: number) => string; crlf?: boolean }): string {
  let x = opts.seed >>> 0 || 1;
  const rand = (n: number) => {
    x ^= x << 13;
    x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    return x % n;
  };
  let sec = 0;
  const time = (back = 0) => {
    sec = Math.max(0, sec + 1 + rand(3) - back);
    const h = Math.floor(sec / 3600) % 24, m = Math.floor(sec / 60) % 60, s = sec % 60;
    return `12-07 ${String(10 + h).padStart(2, "0")}:${String(m).padStart(2, "0")}:${String(s).padStart(2, "0")}`;
  };
  const core = "(EngineCore_DP0 pid=2412) ";
  const api = "(APIServer pid=2301) ";
  const quiet = (): string => {
    switch (rand(5)) {
      case 0:
        return `${core}DEBUG ${time()} [core.py:781] EngineCore loop active.`;
      case 1:
        return `${api}DEBUG ${time()} [v1/engine/async_llm.py:645] Called check_health.`;
      case 2:
        return `${core}DEBUG ${time()} [v1/engine/core.py:759] EngineCore waiting for work.`;
      case 3:
        return `${api}INFO ${time()} [launcher.py:80] Route: /v1/models, Methods: GET`;
      default:
        return `DEBUG ${time()} [utils.py:123] lru cache hits ${rand(4)}`;
    }
  };
  const blocks: (() => string[])[] = [
    () => [`${api}INFO ${time()} [logger.py:43] Received request cmpl-${rand(1e6)}-0: prompt: 'Hello ERROR NCCL WARN', params: SamplingParams(n=1)`],
    () => [`${api}INFO:     10.0.0.${rand(9)}:5${rand(999)} - "POST /v1/completions HTTP/1.1" ${rand(9) === 0 ? 500 : 200} OK`],
    () => [`${api}INFO ${time()} [loggers.py:118] Engine 000: Avg prompt throughput: ${rand(900)}.${rand(9)} tokens/s, Avg generation throughput: ${rand(900)}.0 tokens/s, Running: ${rand(9)} reqs, Waiting: ${rand(3)} reqs, GPU KV cache usage: ${rand(99)}.${rand(9)}%, Prefix cache hit rate: ${rand(99)}.0%`],
    () => [
      `${core}ERROR ${time()} [core.py:400] EngineCore hit an exception: Traceback (most recent call last):`,
      `${core}ERROR ${time()} [core.py:400]   File "/opt/venv/lib/python3.12/site-packages/vllm/v1/engine/core.py", line 391, in run_busy_loop`,
      `${api}DEBUG ${time()} [v1/engine/async_llm.py:645] Called check_health.`,
      `${core}ERROR ${time()} [core.py:400]     self._process_engine_step()`,
      `${core}DEBUG ${time()} [core.py:781] EngineCore loop active.`,
      `${core}ERROR ${time()} [core.py:400] RuntimeError: CUDA error: an illegal memory access was encountered`,
    ],
    () => [
      "Traceback (most recent call last):",
      '  File "/srv/app/main.py", line 12, in <module>',
      `DEBUG ${time()} [utils.py:123] lru cache hits 1`,
      "    run()",
      `${api}DEBUG ${time()} [v1/engine/async_llm.py:645] Called check_health.`,
      "ValueError: the prompt is too long",
    ],
    () => [
      "$ vllm serve Qwen/Qwen3-8B \\",
      `${core}DEBUG ${time()} [core.py:781] EngineCore loop active.`,
      "    --tensor-parallel-size 2 \\",
      "    --max-model-len 16384",
    ],
    () => [`${api}INFO ${time()} [api_server.py:1090] vLLM API server version 0.11.2`, `${api}INFO ${time()} [utils.py:326] non-default args: {'model': 'Qwen/Qwen3-8B', 'tensor_parallel_size': 2}`],
    () => [`${core}WARNING ${time()} [shm_broadcast.py:466] No available shared memory broadcast block found in 60 seconds. This typically happens when some processes are hanging.`],
    () => [`${api}ERROR ${time()} [serving_chat.py:210] Error in preprocessing prompt inputs`],
    () => [
      "gpu-node-a:2412:2412 [0] NCCL INFO Channel 00/0 : 0[0] -> 1[1] via P2P/IPC",
      `${core}DEBUG ${time()} [core.py:781] EngineCore loop active.`,
      "gpu-node-a:2413:2413 [1] NCCL INFO comm 0x55d1a0 rank 1 nranks 2 cudaDev 1 busId 1b000 commId 0x3e4b7c0d5a6f1e29 - Init COMPLETE",
      "gpu-node-a:2412:2412 [0] NCCL WARN NET/Socket : socket progress error",
    ],
    // a record a terminal cut at 80 columns, then its rest
    () => {
      const whole = `${core}INFO ${time()} [gpu_model_runner.py:1770] Model loading took 15.2684 GiB and 6.331806 seconds`;
      return [whole.slice(0, 80), whole.slice(80)];
    },
    () => [`${core}INFO ${time()} [kv_cache_utils.py:716] GPU KV cache size: ${100000 + rand(9000)} tokens`],
    () => ["============ Serving Benchmark Result ============", `${core}DEBUG ${time()} [core.py:781] EngineCore loop active.`, "Successful requests:                     100", "Request throughput (req/s):              3.21", "=================================================="],
    // the clock steps back a minute (another process's clock), a header with fractions, a line cut short, blanks
    () => [`${core}DEBUG ${time(70)} [core.py:781] EngineCore loop active.`],
    () => [`${core}DEBUG ${time()}.123 [core.py:781] EngineCore loop active.`],
    () => [`${core}DEBUG ${time()} [core.py:781] EngineCore loo`],
    () => ["", ""],
    () => [`${core}DEBUG ${time()} [core.py:781] EngineCore loop active. (EngineCore_DP1 pid=2413) DEBUG ${time()} [core.py:781] EngineCore loop active.`],
    // a record with no end that a terminal may have cut (read alone it says nothing), alone, then continued on the next
    // line into a signature's phrase: the join is a warning's
    () => [`DEBUG ${time()} [shm_broadcast.py:466] No available shared memory broadcast`],
    () => [`DEBUG ${time()} [shm_broadcast.py:466] No available shared memory broadcast`, "block found in 60 seconds. This typically happens when some processes are hanging."],
    () => [`${core}DEBUG ${time()} [core.py:781] EngineCore loop active.`, "gpu-node-a:2412:2412 [0] NCCL INFO Channel 01/0 : 0[0] -> 1[1] via P2P/IPC"],
  ];
  const lines: string[] = [];
  for (let k = 0; k < opts.blocks; k++) {
    for (let n = 2 + rand(12); n > 0; n--) lines.push(quiet());
    lines.push(...blocks[rand(blocks.length)]());
  }
  const wrapped = opts.wrap ? lines.map((l, i) => opts.wrap!(l, i)) : lines;
  return wrapped.join(opts.crlf ? "\r\n" : "\n") + (opts.crlf ? "\r\n" : "\n");
}
