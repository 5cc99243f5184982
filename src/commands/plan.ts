import { promises as fs } from "node:fs";
import type { Command } from "commander";
import { UsageError } from "../util/errors.js";
import { writeOutput } from "../util/output.js";
import { llmCall, serveCommands } from "../plan/commands.js";
import { planParallelism } from "../plan/decide.js";
import { planFromFacts } from "../plan/from-run.js";
import { readModelConfig, type ModelShape } from "../plan/model-config.js";
import { buildPlanInput, positiveInt, positiveNumber, resolveGpu, type PlanFlags } from "../plan/options.js";
import { planToJson, renderPlanText, renderRunPlanText, runPlanToJson } from "../plan/render.js";

interface PlanCliOptions extends PlanFlags {
  format: string;
  output?: string;
  modelConfig?: string;
  model?: string;
  from?: string;
}

async function loadShape(path: string | undefined): Promise<ModelShape | null> {
  if (path === undefined) return null;
  let text: string;
  try {
    text = await fs.readFile(path, "utf8");
  } catch (e) {
    throw new UsageError(`cannot read the model config: ${(e as NodeJS.ErrnoException).code === "ENOENT" ? "no such file or directory" : (e as Error).message}`, path);
  }
  try {
    return readModelConfig(JSON.parse(text));
  } catch (e) {
    throw new UsageError(`cannot use the model config: ${(e as Error).message}`, path);
  }
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
    .option("--from <log>", "plan from a run's log instead: its KV cache, concurrency and what to change")
    .option("--target-concurrency <n>", "with --from: the concurrent full-length requests wanted")
    .option("-f, --format <format>", "text or json", "text")
    .option("-o, --output <file>", "write to a file instead of stdout")
    .action(async (opts: PlanCliOptions) => {
      if (opts.format !== "text" && opts.format !== "json") throw new UsageError(`unknown format '${opts.format}'; choose one of text, json`);
      const shape = await loadShape(opts.modelConfig);
      if (opts.from !== undefined) {
        await planFromLog(opts, shape);
        return;
      }
      if (opts.targetConcurrency !== undefined) throw new UsageError("--target-concurrency needs --from run.log");
      const { input, dtype, kvCacheDtype, notes } = buildPlanInput(opts, shape);
      const plan = planParallelism(input);
      const model = opts.model ?? shape?.name ?? "<MODEL>";
      const settings = {
        model,
        tensorParallelSize: plan.tensorParallelSize,
        pipelineParallelSize: plan.pipelineParallelSize,
        nodes: plan.nodesUsed,
        maxModelLen: input.maxModelLen,
        gpuMemoryUtilization: input.gpuMemoryUtilization,
        kvCacheDtype,
        quantization: dtype === "fp8" ? "fp8" : null,
      };
      const view = { model, gpu: input.gpu, gpusPerNode: input.gpusPerNode, nodes: input.nodes, serve: serveCommands(settings), llm: llmCall(settings), notes };
      const text = opts.format === "json" ? JSON.stringify(planToJson(plan, view), null, 2) + "\n" : renderPlanText(plan, view);
      await writeOutput(opts.output, text);
      process.exitCode = plan.fits ? 0 : 1;
    });
}

async function planFromLog(opts: PlanCliOptions, shape: ModelShape | null): Promise<void> {
  const target = positiveNumber("--target-concurrency", opts.targetConcurrency) ?? null;
  const { gpu } = resolveGpu(opts, false);
  const gpusPerNode = positiveInt("--gpus-per-node", opts.gpusPerNode) ?? null;
  // loaded here so that planning from flags does not load the log pipeline
  const { analyze } = await import("../analyze.js");
  const result = await analyze([opts.from!]);
  if (result.failures.length) throw new UsageError(result.failures[0].message, result.failures[0].path);
  const runPlan = planFromFacts(result.report.facts, { targetConcurrency: target, shape, gpuMemoryGiB: gpu?.memoryGiB ?? null, gpusPerNode });
  const text = opts.format === "json" ? JSON.stringify(runPlanToJson(runPlan, opts.from!), null, 2) + "\n" : renderRunPlanText(runPlan, opts.from!);
  await writeOutput(opts.output, text);
  process.exitCode = 0;
}
