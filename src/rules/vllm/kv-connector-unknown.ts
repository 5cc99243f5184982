import type { RuleContext, FindingDraft } from "../types.js";
import { hitEvidence } from "../helpers.js";
import { firstValue, saidBy, signalHits } from "../signals.js";
import { defineRule, type RuleSpec } from "../define.js";

export const meta = {
  id: "vllm/kv-connector-unknown",
  defaultSeverity: "error",
  title: "The KV connector named in --kv-transfer-config is not one this vLLM can build",
  tags: ["vllm", "kv-cache", "offloading", "config", "startup"],
  sources: [
    "vLLM source: vllm/distributed/kv_transfer/kv_connector/factory.py (KVConnectorFactory: the registry of connector names, kv_connector_module_path)",
    "vLLM source: vllm/config.py KVTransferConfig (0.6.5-0.7: the list of supported connectors)",
    "vLLM docs: features/disagg_prefill.md and examples/others/lmcache (kv_transfer_config, LMCacheConnectorV1)",
    "LMCache docs: getting_started/quickstart (LMCacheConnectorV1, LMCacheConnectorV1Dynamic with kv_connector_module_path)",
  ],
} satisfies RuleSpec;

/**
 * The connectors of the V1 connector API: none of them can be built by the V0 engine's factory. (Names only, to word the
 * advice; the rule fires on the refusal whatever the name.)
 */
const V1_ONLY = /V1(?:Dynamic)?$|^(?:Nixl|Offloading|MultiConnector|Multi|SharedStorage|P2pNccl|Example|DecodeBench|SimpleCPUOffload)/;

export function check(ctx: RuleContext): FindingDraft[] {
  // `Unsupported connector type: X` is common words: in a log vLLM did not visibly write, only a KV connector's name
  // (vLLM's all end in `Connector`, `ConnectorV1`, ...) or vLLM's own wordings (`kv_connector`, VLLM_USE_V1) count
  const vllmLog = (ctx.facts.dialects ?? []).some((d) => d.name === "vllm");
  const hits = signalHits(ctx, ["vllm.kvConnectorUnknown"]).filter((h) => {
    const c = h.captures;
    return vllmLog || c.tpu !== undefined || c.v0Engine !== undefined || /Connector/.test(c.connector ?? "") || /kv_connector/.test(c.message ?? "");
  });
  if (!hits.length) return [];
  const said = saidBy(hits);
  // (the config check's wording ends the name with the sentence's full stop)
  const name = firstValue(hits, "connector")?.replace(/\.+$/, "");
  const v0Engine = said("v0Engine") || ctx.facts.vllm.engine === "v0";
  const release = ctx.facts.vllm.version ? `vLLM ${ctx.facts.vllm.version}` : "this vLLM";
  const named = name ? `\`${name}\`` : "the connector";
  let message: string;
  const remediation: string[] = [];
  if (said("tpu")) {
    message = `The TPU platform accepts only its own KV connectors, and --kv-transfer-config names ${named}: the engine stopped before it loaded anything.`;
    remediation.push("Use one of the TPU connectors the message lists (TPUConnector and its variants) in --kv-transfer-config, or run the GPU connector on a GPU build of vLLM.");
  } else if (said("v0Engine") && !name) {
    message = "The V1 KV connector factory was asked for a connector while the engine ran as V0 (VLLM_USE_V1=0, or a setting that made vLLM fall back to V0): connectors of the V1 API are built only by the V1 engine, so the engine did not start.";
    remediation.push("Run the V1 engine: unset VLLM_USE_V1=0, and check the start-up lines for the reason vLLM fell back to V0 (`Falling back to V0`).");
  } else {
    message = `${release === "this vLLM" ? "This vLLM" : release} has no KV connector named ${named} (the \`kv_connector\` of --kv-transfer-config)${v0Engine ? " in the V0 engine it ran" : ""}: the connector factory found the name neither in its registry nor through \`kv_connector_module_path\`, so the engine stopped before it loaded anything.`;
    if (v0Engine && name && V1_ONLY.test(name))
      remediation.push(
        `${named} is a connector of the V1 connector API, which the V0 engine cannot build: run the V1 engine (unset VLLM_USE_V1=0, and check why the start-up fell back to V0) on a release that has it.`,
      );
    if (name === "LMCacheConnector" && !v0Engine)
      remediation.push("`LMCacheConnector` was the V0 engine's LMCache connector; the V1 engine's is `LMCacheConnectorV1` (or LMCache's own `LMCacheConnectorV1Dynamic` with `\"kv_connector_module_path\": \"lmcache.integration.vllm.lmcache_connector_v1\"`).");
    remediation.push(
      "Check the name against the connectors this release registers (vllm/distributed/kv_transfer/kv_connector/factory.py of the installed version): names are case-sensitive, and connectors are added release by release, so an example written for a newer vLLM may name one this release lacks (upgrade vLLM, or pick one it has).",
      "A connector that lives outside vLLM (a plugin, LMCache's own adapter) is found only through `\"kv_connector_module_path\": \"<python.module>\"` in --kv-transfer-config (vLLM 0.9 and later); the module must import in the same environment.",
    );
  }
  return [{ message, evidence: hitEvidence(hits), remediation }];
}

export const rule = defineRule(meta, check);
