import { promises as fs } from "node:fs";
import { UsageError } from "../util/errors.js";
import { refuseInputAsOutput, writeReport } from "../util/output.js";
import { llmCall, serveCommands } from "../plan/commands.js";
import { planParallelism } from "../plan/decide.js";
import { planFromFacts } from "../plan/from-run.js";
import { readModelConfig, type ModelShape } from "../plan/model-config.js";
import { buildPlanInput, positiveInt, positiveNumber, resolveGpu } from "../plan/options.js";
import { planToJson, renderPlanText, renderRunPlanText, runPlanToJson } from "../plan/render.js";
import type { PlanCliOptions } from "./plan.js";
import { parseJsonFile } from "../util/json.js";

/* What `vllm-doctor plan` does, loaded only when it runs (registering the command loads none of the planner). */

async function loadShape(path: string | undefined): Promise<ModelShape | null> {
  if (path === undefined) return null;
  let text: string;
  try {
    text = await fs.readFile(path, "utf8");
  } catch (e) {
    throw new UsageError(`cannot read the model config: ${(e as NodeJS.ErrnoException).code === "ENOENT" ? "no such file or directory" : (e as Error).message}`, path);
  }
  let json: unknown;
  try {
    json = parseJsonFile(text);
  } catch (e) {
    throw new UsageError(`cannot use the model config: it is ${(e as Error).message}`, path);
  }
  try {
    return readModelConfig(json);
  } catch (e) {
    throw new UsageError(`cannot use the model config: ${(e as Error).message}`, path);
  }
}

/** The options `plan --from` reads (every other one plans from flags). */
const FROM_FLAGS = new Set(["from", "oneRun", "targetConcurrency", "modelConfig", "gpu", "gpuMemory", "gpusPerNode", "format", "output"]);
const flagName = (key: string) => "--" + key.replace(/[A-Z]/g, (c) => "-" + c.toLowerCase());

/** `vllm-doctor plan`: from flags, or from a run's log with --from. */
export async function runPlanCommand(opts: PlanCliOptions, given: string[] = []): Promise<void> {
  if (opts.format !== "text" && opts.format !== "json") throw new UsageError(`unknown format '${opts.format}'; choose one of text, json`);
  if (opts.from !== undefined) {
    // the run's log states these itself: taken silently, they would change nothing in the plan
    const unused = given.filter((k) => !FROM_FLAGS.has(k));
    if (unused.length) throw new UsageError(`${unused.map(flagName).join(", ")} ${unused.length === 1 ? "does" : "do"} not go with --from (the plan reads the run's own values; it takes ${[...FROM_FLAGS].filter((k) => k !== "from").map(flagName).join(", ")})`);
  }
  const shape = await loadShape(opts.modelConfig);
  if (opts.from !== undefined) {
    await planFromLog(opts, shape);
    return;
  }
  if (opts.targetConcurrency !== undefined) throw new UsageError("--target-concurrency needs --from run.log");
  if (opts.oneRun) throw new UsageError("--one-run needs --from logs/");
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
  await refuseInputAsOutput(opts.output, [opts.from, opts.modelConfig]);
  await writeReport(opts.output, text, plan.fits ? 0 : 1);
}

async function planFromLog(opts: PlanCliOptions, shape: ModelShape | null): Promise<void> {
  const target = positiveNumber("--target-concurrency", opts.targetConcurrency) ?? null;
  const { gpu } = resolveGpu(opts, false);
  const gpusPerNode = positiveInt("--gpus-per-node", opts.gpusPerNode) ?? null;
  // loaded here so that planning from flags does not load the log pipeline
  const [{ analyze }, { looksLikeJsonReport, readJsonReport }] = await Promise.all([import("../analyze.js"), import("../gate/load.js")]);
  // a saved JSON report holds the run's facts: planned from them (read as a log, it was refused)
  const saved = await looksLikeJsonReport(opts.from!);
  const report = saved
    ? await readJsonReport(opts.from!)
    : await analyze([opts.from!], { oneRun: opts.oneRun }).then((result) => {
        if (result.failures.length) throw new UsageError(result.failures[0].message, result.failures[0].path);
        return result.report;
      });
  // one plan is of one run (a folder of several is refused)
  const { refuseSeveralRuns } = await import("../runs.js");
  refuseSeveralRuns(report, opts.from!, saved ? "give --from the report of one run (`analyze --one-run` writes their logs as one)" : "give --from the log of one run (--one-run reads them as one)");
  const runPlan = planFromFacts(report.facts, { targetConcurrency: target, shape, gpuMemoryGiB: gpu?.memoryGiB ?? null, gpuName: opts.gpu !== undefined ? gpu?.name : null, gpusPerNode });
  const text = opts.format === "json" ? JSON.stringify(runPlanToJson(runPlan, opts.from!), null, 2) + "\n" : renderRunPlanText(runPlan, opts.from!);
  await refuseInputAsOutput(opts.output, [opts.from, opts.modelConfig]);
  await writeReport(opts.output, text, 0);
}
