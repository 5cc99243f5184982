import type { RuleContext } from "./types.js";
import { saidBy, signalHits } from "./signals.js";

/**
 * Advice for a process that saw no GPU, when the log shows it ran on a Hugging Face Space or Inference Endpoint (the
 * platform's own header or banner, the hf.managedHost signature): there the GPU comes with the hardware chosen in the
 * Space's or Endpoint's settings, not with a pod spec or a docker flag. Empty for any other log.
 */
export function managedHostGpuAdvice(ctx: RuleContext): string[] {
  const onHost = saidBy(signalHits(ctx, ["hf.managedHost"]));
  return [
    ...(onHost("space")
      ? ["Hugging Face Space: the GPU comes with the hardware chosen under the Space's Settings (a CPU tier has none). On ZeroGPU hardware a GPU is attached only while a function decorated with `@spaces.GPU` runs, so an engine built when the app starts sees none: vLLM needs a dedicated GPU tier."]
      : []),
    ...(onHost("endpoint")
      ? ["Hugging Face Inference Endpoint: choose a GPU instance type in the Endpoint's configuration; a CPU instance has no GPU for the engine to find."]
      : []),
  ];
}
