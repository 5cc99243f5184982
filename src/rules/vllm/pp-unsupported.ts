import type { RuleContext, FindingDraft } from "../types.js";
import { hitEvidence } from "../helpers.js";
import { signalHits, type Hit } from "../signals.js";
import { defineRule, type RuleSpec } from "../define.js";

export const meta = {
  id: "vllm/pp-unsupported",
  defaultSeverity: "error",
  title: "Pipeline parallelism was refused: by this vLLM release, by the offline engine, or for this model",
  tags: ["vllm", "pipeline-parallel", "config", "startup"],
  sources: [
    "vLLM source: vllm/config.py ParallelConfig._verify_args (≤0.5.1), ModelConfig.verify_with_parallel_config (_PP_SUPPORTED_MODELS 0.5.1–0.6.3, the SupportsPP interface later)",
    "vLLM source: vllm/engine/llm_engine.py LLMEngine.step (V0: pipeline parallelism only through AsyncLLMEngine)",
    "vLLM docs: serving/distributed_serving.md (pipeline parallelism), models/supported_models.md",
  ],
} satisfies RuleSpec;

type Kind = "notYet" | "mp" | "asyncOnly" | "archs" | "model";

function kindOf(h: Hit): Kind | null {
  const c = h.captures;
  if (c.mp !== undefined) return "mp";
  if (c.notYet !== undefined) return "notYet";
  if (c.asyncOnly !== undefined) return "asyncOnly";
  if (c.archs !== undefined) return "archs";
  if (c.model !== undefined) return "model";
  return null;
}

export function check(ctx: RuleContext): FindingDraft[] {
  const hits = signalHits(ctx, ["vllm.ppUnsupported"]);
  const first = hits.find((h) => kindOf(h) !== null);
  if (!first) return [];
  const kind = kindOf(first)!;
  const { config, vllm } = ctx.facts;
  const pp = config.pipelineParallelSize;
  const tp = config.tensorParallelSize;
  const ppWords = pp !== null && pp > 1 ? `pipeline parallel size ${pp}` : "a pipeline parallel size above 1";
  const release = vllm.version ? `vLLM ${vllm.version}` : "this vLLM";
  const Release = vllm.version ? release : "This vLLM";
  const model = config.model ? ` (${config.model})` : "";
  const gpus = pp !== null && pp > 1 ? pp * (tp ?? 1) : null;
  const tpInstead = gpus
    ? `Or use tensor parallelism over the same ${gpus} GPUs (--tensor-parallel-size ${gpus} --pipeline-parallel-size 1) where the model's heads divide by it and the GPUs share one node.`
    : "Or use tensor parallelism over the same GPUs (--pipeline-parallel-size 1, a larger --tensor-parallel-size) where the model's heads divide by it and the GPUs share one node.";
  let message: string;
  let remediation: string[];
  switch (kind) {
    case "notYet":
      message = `${Release} has no pipeline parallelism at all: its configuration check refuses ${ppWords} before anything is loaded (releases up to 0.5.0).`;
      remediation = ["Upgrade vLLM (0.5.1 and later run pipeline parallelism; `pip install -U vllm`, or a newer vllm/vllm-openai image).", tpInstead];
      break;
    case "mp":
      message = `${Release} runs pipeline parallelism only with the Ray executor: its configuration check refused ${ppWords} with the multiprocessing backend.`;
      remediation = [
        "Start it with the Ray executor (--distributed-executor-backend ray; distributed_executor_backend=\"ray\" in LLM(...)), or upgrade vLLM: later releases run pipeline parallelism with multiprocessing too.",
        tpInstead,
      ];
      break;
    case "asyncOnly":
      message = `The synchronous V0 engine (vLLM's offline LLM class and LLMEngine) refuses ${ppWords}: pipeline stages only overlap under the asynchronous engine, so V0 runs pipeline parallelism only through AsyncLLMEngine, i.e. the OpenAI-compatible server.`;
      remediation = [
        "Serve the model with pipeline parallelism instead (`vllm serve <model> --pipeline-parallel-size N`, or AsyncLLMEngine in your code) and send the batch as requests.",
        "Or upgrade vLLM to a release whose V1 engine is the default: it runs pipeline parallelism from the LLM class as well.",
        tpInstead,
      ];
      break;
    case "archs": {
      const archs = first.captures.archs ?? "";
      const listed = archs.length > 160 ? `${archs.slice(0, 157)}...` : archs;
      message = `${Release} implements pipeline parallelism only for the architectures it lists, and the model's architecture${model} is not one of them: the configuration check refused ${ppWords} before loading weights.${listed ? ` Listed: ${listed}.` : ""}`;
      remediation = [
        "Upgrade vLLM: each release adds pipeline parallelism to more architectures (models/supported_models.md marks them); the check later asks the model class itself (the SupportsPP interface).",
        tpInstead,
      ];
      break;
    }
    case "model":
      message = `The model's implementation in ${release}${model} does not support pipeline parallelism (its class lacks the SupportsPP interface): the configuration check refused ${ppWords} before loading weights.`;
      remediation = [
        "Check models/supported_models.md of a newer vLLM for the model's pipeline-parallel support and upgrade if it has it; also turn off features that bring a second model without it (a speculative draft or MTP head).",
        tpInstead,
      ];
      break;
  }
  return [{ message, evidence: hitEvidence([first]), remediation }];
}

export const rule = defineRule(meta, check);
