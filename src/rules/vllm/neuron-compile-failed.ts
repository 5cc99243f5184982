import { signatureRule } from "../nccl/signature-rule.js";
import type { RuleSpec } from "../define.js";

export const meta = {
  id: "vllm/neuron-compile-failed",
  defaultSeverity: "error",
  title: "The Neuron compiler (neuronx-cc) failed on a graph of the model",
  tags: ["neuron", "inferentia", "trainium", "neuronx-cc", "startup"],
  sources: [
    "torch-neuronx / libneuronxla neuron_cc_wrapper (`||NEURON_CC_WRAPPER||: Call compiler with cmd`, `Failed compilation with [...]`, `Compilation failed for ... after N retries`; the compile cache's `--retry_failed_compilation`)",
    "transformers-neuronx compiler.py (`RuntimeError: Failed compilation with [...]: <reason>`)",
    "AWS Neuron docs: neuronx-cc error codes (`[F134] neuronx-cc terminated abnormally`), the persistent compile cache (/var/tmp/neuron-compile-cache, NEURON_COMPILE_CACHE_URL, NEURON_CC_FLAGS)",
  ],
} satisfies RuleSpec;

export const rule = signatureRule(meta, ["vllm.neuronCompileFailed"], (hits) => {
  const first = (k: string) => hits.find((h) => h.captures[k] !== undefined)?.captures[k]?.trim();
  const reason = first("reason")?.replace(/\s*!$/, "");
  const module = first("module");
  const cached = first("cached") !== undefined;
  const abnormal = first("abnormal") !== undefined;
  // the graph does not fit one NeuronCore's instruction budget: the buckets (sequence length x batch) are too large
  const tooLarge = reason !== undefined && /Too many instructions|exceeds|too large|out of (?:memory|SB|state buffer)/i.test(reason);
  return {
    message:
      `The Neuron compiler (neuronx-cc) failed to compile ${module ? `graph ${module}` : "a graph of the model"}${reason ? `: ${reason}` : ""}.` +
      (cached ? " The compile cache kept this graph's failure from an earlier run and returned it without compiling again." : "") +
      " Without the compiled graph (NEFF) the model cannot run on the NeuronCores, so the server does not start.",
    remediation: [
      ...(tooLarge
        ? ["The graph is too large for one NeuronCore: lower --max-model-len and --max-num-seqs (the compiled buckets grow with both), or raise --tensor-parallel-size to split the model over more NeuronCores (up to the instance's cores: `neuron-ls`)."]
        : []),
      ...(cached
        ? ["Clear this graph's entry from the compile cache (/var/tmp/neuron-compile-cache, or NEURON_COMPILE_CACHE_URL) or set NEURON_CC_FLAGS=--retry_failed_compilation so it is compiled again."]
        : []),
      ...(abnormal
        ? ["neuronx-cc stopped without a compiler error: it often runs out of host memory on large graphs (check `dmesg` for the OOM killer); use an instance with more memory or compile fewer graphs at once."]
        : []),
      "The compiler's own error is in log-neuron-cc.txt in the work directory the command names (neuroncc_compile_workdir/<id>/, or the --logfile of the compiler flags). Check that neuronx-cc comes from the same Neuron SDK release as torch-neuronx and the runtime (`pip list | grep -i neuron`).",
    ],
  };
});
export const check = rule.check;
