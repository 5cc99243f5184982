import type { EventBase } from "./types.js";

/** A value the log states for a config key, from a banner, `non-default args`, `Namespace(...)`, a command line or a single line. */
export interface VllmConfigEvent extends EventBase {
  kind: "vllm.config";
  source: "banner" | "non-default-args" | "namespace" | "command" | "line";
  values: Record<string, string | number | boolean | null>;
}

export type VllmEvent = VllmConfigEvent;
