/** The ready-to-paste `vllm serve` and `LLM(...)` lines for a plan. */

export interface LaunchSettings {
  model: string;
  tensorParallelSize: number;
  pipelineParallelSize: number;
  nodes: number;
  maxModelLen?: number | null;
  gpuMemoryUtilization?: number | null;
  kvCacheDtype?: string | null;
  /** vLLM's --quantization, when the weights dtype needs one (fp8) */
  quantization?: string | null;
  dataParallelSize?: number | null;
}

interface Arg {
  flag: string;
  kwarg: string;
  value: string | number;
}

function settingArgs(s: LaunchSettings): Arg[] {
  const args: Arg[] = [];
  if (s.tensorParallelSize > 1) args.push({ flag: "--tensor-parallel-size", kwarg: "tensor_parallel_size", value: s.tensorParallelSize });
  if (s.pipelineParallelSize > 1) args.push({ flag: "--pipeline-parallel-size", kwarg: "pipeline_parallel_size", value: s.pipelineParallelSize });
  if (s.dataParallelSize && s.dataParallelSize > 1) args.push({ flag: "--data-parallel-size", kwarg: "data_parallel_size", value: s.dataParallelSize });
  if (s.maxModelLen) args.push({ flag: "--max-model-len", kwarg: "max_model_len", value: s.maxModelLen });
  if (s.gpuMemoryUtilization !== null && s.gpuMemoryUtilization !== undefined && s.gpuMemoryUtilization !== 0.9)
    args.push({ flag: "--gpu-memory-utilization", kwarg: "gpu_memory_utilization", value: s.gpuMemoryUtilization });
  if (s.kvCacheDtype && s.kvCacheDtype !== "auto") args.push({ flag: "--kv-cache-dtype", kwarg: "kv_cache_dtype", value: s.kvCacheDtype });
  if (s.quantization) args.push({ flag: "--quantization", kwarg: "quantization", value: s.quantization });
  return args;
}

const joinShell = (parts: string[]): string => parts.join(" \\\n    ");

/** One `vllm serve` command per node role: the head (rank 0) and, on more nodes, the workers. */
export function serveCommands(s: LaunchSettings): string[] {
  const base = [`vllm serve ${shellQuote(s.model)}`, ...settingArgs(s).map((a) => `${a.flag} ${a.value}`)];
  if (s.nodes <= 1) return [joinShell(base)];
  const multi = [`--nnodes ${s.nodes}`, "--master-addr <HEAD_NODE_IP>"];
  const head = joinShell([...base, ...multi, "--node-rank 0"]);
  const workers = joinShell([...base, ...multi, s.nodes === 2 ? "--node-rank 1" : `--node-rank <1..${s.nodes - 1}>`, "--headless"]);
  return [head, workers];
}

/** The offline `LLM(...)` constructor call. */
export function llmCall(s: LaunchSettings): string {
  const kwargs = [`model=${JSON.stringify(s.model)}`, ...settingArgs(s).map((a) => `${a.kwarg}=${typeof a.value === "string" ? JSON.stringify(a.value) : a.value}`)];
  return `LLM(${kwargs.join(", ")})`;
}

function shellQuote(s: string): string {
  return /^[A-Za-z0-9_./:@=+-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`;
}
