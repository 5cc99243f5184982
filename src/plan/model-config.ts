/** The shape of a transformer, read from a Hugging Face `config.json`, as far as `plan` needs it. */

export interface ModelShape {
  name: string | null;
  layers: number;
  attentionHeads: number;
  kvHeads: number;
  headDim: number;
  hiddenSize: number | null;
  maxPositionEmbeddings: number | null;
  /** DeepSeek-style multi-head latent attention: one compressed KV vector per layer and token, not split by TP */
  mlaDim: number | null;
  /** parameter count estimated from the shape (dense or MoE); null when the config lacks the sizes */
  estimatedParams: number | null;
  /** torch_dtype of the checkpoint */
  torchDtype: string | null;
}

type Json = Record<string, unknown>;

const num = (o: Json, ...keys: string[]): number | null => {
  for (const k of keys) {
    const v = o[k];
    if (typeof v === "number" && Number.isFinite(v) && v > 0) return v;
  }
  return null;
};

/** The part of the config that describes the language model (multimodal configs nest it in text_config). */
function textPart(cfg: Json): Json {
  const inner = cfg.text_config ?? cfg.llm_config ?? cfg.language_config;
  if (num(cfg, "num_hidden_layers", "n_layer", "num_layers") === null && inner && typeof inner === "object") return { ...cfg, ...(inner as Json) };
  return cfg;
}

/** Reads a parsed config.json; throws an Error naming the missing field when it cannot. */
export function readModelConfig(raw: unknown): ModelShape {
  if (!raw || typeof raw !== "object" || Array.isArray(raw)) throw new Error("the model config is not a JSON object");
  const cfg = textPart(raw as Json);
  const layers = num(cfg, "num_hidden_layers", "n_layer", "num_layers");
  if (layers === null) throw new Error("the model config has no num_hidden_layers");
  const attentionHeads = num(cfg, "num_attention_heads", "n_head", "num_heads");
  if (attentionHeads === null) throw new Error("the model config has no num_attention_heads");
  const hiddenSize = num(cfg, "hidden_size", "n_embd", "d_model");
  const kvHeads = num(cfg, "num_key_value_heads", "n_head_kv", "num_kv_heads") ?? (cfg.multi_query === true ? 1 : attentionHeads);
  const headDim = num(cfg, "head_dim") ?? (hiddenSize !== null ? hiddenSize / attentionHeads : null);
  if (headDim === null) throw new Error("the model config has neither head_dim nor hidden_size");
  const kvLora = num(cfg, "kv_lora_rank");
  const mlaDim = kvLora !== null ? kvLora + (num(cfg, "qk_rope_head_dim") ?? 0) : null;
  const rawName = (raw as Json)._name_or_path;
  return {
    name: typeof rawName === "string" && rawName ? rawName : null,
    layers,
    attentionHeads,
    kvHeads,
    headDim,
    hiddenSize,
    maxPositionEmbeddings: num(cfg, "max_position_embeddings", "n_positions", "max_sequence_length", "seq_length"),
    mlaDim,
    estimatedParams: estimateParams(cfg, { layers, attentionHeads, kvHeads, headDim, hiddenSize }),
    torchDtype: typeof cfg.torch_dtype === "string" ? cfg.torch_dtype : typeof cfg.dtype === "string" ? (cfg.dtype as string) : null,
  };
}

/**
 * Parameters of a Llama-like decoder: embeddings (+ an untied LM head) and per layer the attention projections
 * and a gated MLP (three matrices), times the expert count for MoE layers. Norms and biases are ignored (<0.1%).
 */
function estimateParams(
  cfg: Json,
  s: { layers: number; attentionHeads: number; kvHeads: number; headDim: number; hiddenSize: number | null },
): number | null {
  const h = s.hiddenSize;
  const vocab = num(cfg, "vocab_size");
  const inter = num(cfg, "intermediate_size", "ffn_dim", "n_inner");
  if (h === null || vocab === null || inter === null) return null;
  const embeddings = vocab * h * (cfg.tie_word_embeddings === true ? 1 : 2);
  const attention = h * s.headDim * (2 * s.attentionHeads + 2 * s.kvHeads);
  const experts = num(cfg, "num_local_experts", "num_experts", "n_routed_experts");
  const sharedExperts = num(cfg, "n_shared_experts") ?? 0;
  const expertInter = num(cfg, "moe_intermediate_size") ?? inter;
  const mlp = experts !== null ? 3 * h * expertInter * (experts + sharedExperts) + h * experts : 3 * h * inter;
  return embeddings + s.layers * (attention + mlp);
}
