import type { RuleContext, FindingDraft } from "../types.js";
import { hitEvidence } from "../helpers.js";
import { signalHits, type Hit } from "../signals.js";
import { defineRule, type RuleSpec } from "../define.js";

export const meta = {
  id: "vllm/model-support",
  defaultSeverity: "error",
  title: "The model cannot be built: its architecture is unknown here, its code must be trusted, or its tokenizer cannot be made",
  tags: ["vllm", "model", "startup", "config"],
  sources: [
    "vLLM source: vllm/model_executor/models/registry.py (`Model architectures [...] are not supported for now`), the Transformers backend (`Cannot find model module`)",
    "vLLM docs: usage/troubleshooting.md (Model not supported), models/supported_models.md (custom models, --trust-remote-code, --model-impl transformers)",
    "Transformers source: models/auto/configuration_auto.py (model type not recognized), dynamic_module_utils.py (trust_remote_code)",
  ],
} satisfies RuleSpec;

type Kind = "registry" | "inspect" | "noModule" | "tfBackend" | "modelType" | "remoteCode" | "tokenizerClass" | "tokenizerBackend";

function kindOf(h: Hit): Kind | null {
  const c = h.captures;
  if (c.archs !== undefined) return "registry";
  if (c.inspect !== undefined || c.inspectArchs !== undefined) return "inspect";
  if (c.module !== undefined) return "noModule";
  if (c.tfArch !== undefined || c.tfNoImpl !== undefined) return "tfBackend";
  if (c.modelType !== undefined) return "modelType";
  if (c.remote !== undefined) return "remoteCode";
  if (c.tokenizerClass !== undefined) return "tokenizerClass";
  if (c.tokenizerBackend !== undefined) return "tokenizerBackend";
  return null;
}

export function check(ctx: RuleContext): FindingDraft[] {
  const hits = signalHits(ctx, ["vllm.modelSupport"]);
  const first = hits.find((h) => kindOf(h) !== null);
  if (!first) return [];
  const kind = kindOf(first)!;
  const c = first.captures;
  const version = ctx.facts.vllm.version;
  const vllm = version ? `vLLM ${version}` : "this vLLM";
  const model = ctx.facts.config.model;
  const upgrade = `Upgrade vLLM to a release that lists the model on its supported-models page (\`pip install -U vllm\`, or a newer vllm/vllm-openai image)${version ? `: ${version} predates it` : ""}; a model published after the installed release needs a newer one.`;
  const trust = "If the model keeps its own code in its repository (an `auto_map` in config.json, `modeling_*.py` files), pass --trust-remote-code (`trust_remote_code=True` in LLM(...)) after reading that code: it runs in every process that loads the model.";
  let what: string;
  let remediation: string[];
  switch (kind) {
    case "registry":
      what = `${vllm} has no implementation of the model's architecture ${c.archs!.replace(/\\'/g, "'").trim()}: its model registry refused it before loading any weights`;
      remediation = [
        upgrade,
        "Check the `architectures` field of the checkpoint's config.json: a converted or fine-tuned checkpoint may name a class of its own instead of the base model's.",
        "Transformers-compatible models can also run through vLLM's Transformers backend (`--model-impl transformers`, with --trust-remote-code for custom code), slower than a native implementation.",
      ];
      break;
    case "inspect": {
      const arch = c.inspect !== undefined ? `'${c.inspect}'` : c.inspectArchs!.replace(/\\'/g, "'").trim();
      what = `${vllm} knows the architecture ${arch}, but importing or inspecting its class failed: the registry checks it in a subprocess, and that subprocess's error (at the end of the traceback after the line) is the cause; a later \`not supported\` or \`failed to be inspected\` error only follows from it`;
      remediation = [
        "Read the last exception of the subprocess's traceback after the line: most often a compiled extension built for another torch or CUDA (`undefined symbol` in flash_attn or vllm._C), a missing or mismatched package (transformers, triton), or the subprocess failing to start at all.",
        "Reinstall the extension for the installed torch (`pip uninstall flash-attn`, or a vLLM wheel or image built for that torch and CUDA), then start again.",
        "Importing vLLM's model package by hand (`python -c \"import vllm.model_executor.models\"`) shows the same error without the registry around it.",
      ];
      break;
    }
    case "noModule":
      what = `neither ${vllm} nor the installed Transformers has the architecture '${c.module}', and the model's config.json names no AutoModel in its \`auto_map\`: nothing here can build it`;
      remediation = [upgrade, "For a model with custom code, its config.json must map `AutoModel` in `auto_map` to the repository's class; pass --trust-remote-code.", "Check the `architectures` field of config.json against the base model's."];
      break;
    case "tfBackend": {
      const arch = c.tfArch ?? c.tfNoImpl!;
      const v0Hint = c.tfNoImpl !== undefined;
      what = `${vllm} has no implementation of its own for '${arch}', and its Transformers backend cannot run the Transformers class either: that class does not support the attention interface vLLM plugs in (custom code from the model's repository and older Transformers classes often do not)`;
      remediation = [
        upgrade,
        "Check the `architectures` field of the checkpoint's config.json: embedding and reranker checkpoints often name a bare encoder class (such as `XLMRobertaModel`) or a class of their own; a variant published for vLLM, or `--hf-overrides '{\"architectures\": [\"<supported class>\"]}'` naming a class vLLM implements for the same weights, avoids the backend.",
        "Upgrade Transformers within the range the installed vLLM accepts: newer Transformers classes support the attention interface the backend needs.",
        ...(v0Hint ? ["This release's message suggests VLLM_USE_V1=0: the V0 engine of 0.8-0.9 had other fallbacks for some models."] : []),
      ];
      break;
    }
    case "modelType":
      what = `the installed Transformers does not know the model type '${c.modelType}': the checkpoint is newer than this Transformers (or its config.json has a wrong \`model_type\`)`;
      remediation = [
        `Upgrade Transformers in the environment vLLM runs in (\`pip install -U transformers\`, or the version the model card names, at times from git), within the range the installed vLLM accepts; a newer vLLM image ships a newer Transformers.`,
        "Check the `model_type` field of the checkpoint's config.json against the base model's.",
      ];
      break;
    case "remoteCode":
      what = `the model's repository ships its own code (configuration, tokenizer or modeling files), which Transformers runs only with trust_remote_code: loading stopped here${model ? ` for ${model}` : ""}`;
      remediation = [trust, "Or use a variant of the checkpoint converted to a built-in architecture (often published with a `-hf` suffix), which needs no remote code."];
      break;
    case "tokenizerClass":
      what = `the tokenizer class ${c.tokenizerClass} is not in the installed Transformers: it lives in the model's repository (remote code) or in a newer Transformers`;
      remediation = [trust, "If the class belongs to Transformers itself, upgrade Transformers within the range the installed vLLM accepts."];
      break;
    case "tokenizerBackend": {
      const tiktoken = /tiktoken` is required|`?tiktoken`? is required/i.test(c.tokenizerBackend!);
      what = `Transformers could not build the tokenizer${model ? ` of ${model}` : ""}: ${tiktoken ? "its tiktoken file needs the tiktoken library" : "the checkpoint has no tokenizer.json, and making one from its SentencePiece or tiktoken vocabulary needs a library (sentencepiece, tiktoken) or a tokenizer.model file that is missing"}`;
      remediation = [
        "Install the tokenizer libraries in the environment vLLM runs in (`pip install sentencepiece tiktoken protobuf`, or add them to the image), then start again.",
        "Check that the checkpoint folder holds the tokenizer's files (tokenizer.json, or tokenizer.model / a *.tiktoken file with tokenizer_config.json): a converted or fine-tuned checkpoint saved without them cannot build one.",
        "Or point --tokenizer at the base model's repository or folder, which has them.",
      ];
      break;
    }
  }
  return [{
    message: `The model could not be built: ${what}.`,
    evidence: hitEvidence(hits),
    remediation,
  }];
}

export const rule = defineRule(meta, check);
