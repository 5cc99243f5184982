import type { Command } from "commander";
import type { PlanFlags } from "../plan/options.js";

export interface PlanCliOptions extends PlanFlags {
  format: string;
  output?: string;
  modelConfig?: string;
  model?: string;
  from?: string;
  oneRun?: boolean;
}

export function registerPlan(program: Command): void {
  program
    .command("plan")
    .description("choose tensor/pipeline parallelism and estimate KV capacity, from flags or from a run's log (--from)")
    .option("--params <count>", "model parameters, e.g. 70B")
    .option("--model-size <size>", "weights size, e.g. 140GB")
    .option("--dtype <dtype>", "weights dtype: bf16, fp16, fp8, int8, int4, fp32", "bf16")
    .option("--gpu <name>", "a GPU from the built-in table, e.g. A100-80GB, H100, L40S, MI300X")
    .option("--gpu-memory <size>", "memory per GPU, e.g. 80GiB (instead of or overriding --gpu)")
    .option("--interconnect <kind>", "nvlink, xgmi, nvlink-pairs or pcie")
    .option("--gpus-per-node <n>", "GPUs in each node (default 8)")
    .option("--nodes <n>", "nodes (default 1)")
    .option("--model-config <file>", "the model's Hugging Face config.json: KV cache per token, heads, layers")
    .option("--model <name>", "model name for the printed commands")
    .option("--max-model-len <n>", "tokens per request (default: the config's max_position_embeddings)")
    .option("--gpu-memory-utilization <u>", "fraction of each GPU vLLM may use (default 0.9)")
    .option("--kv-cache-dtype <dtype>", "auto or fp8", "auto")
    .option("--attention-heads <n>", "attention heads, when there is no --model-config")
    .option("--overhead <size>", "per-GPU reserve for activations, CUDA graphs and non-torch memory (default 2GiB)")
    .option("--from <log>", "plan from a run's log (or its JSON report) instead: its KV cache, concurrency and what to change")
    .option("--target-concurrency <n>", "with --from: the concurrent full-length requests wanted")
    .option("--one-run", "with --from: read a folder of logs as one run, even when they look like different runs")
    .option("-f, --format <format>", "text or json", "text")
    .option("-o, --output <file>", "write to a file instead of stdout")
    .action(async (opts: PlanCliOptions, cmd: Command) => {
      // the flags the user typed (a default such as --dtype bf16 is not one): --from refuses those it would not read
      const given = Object.keys(opts).filter((k) => cmd.getOptionValueSource(k) === "cli");
      return (await import("./plan-run.js")).runPlanCommand(opts, given);
    });
}
