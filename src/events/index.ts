import type { CommonEvent } from "./common.js";
import type { VllmEvent } from "./vllm.js";
import type { NcclEvent } from "./nccl.js";
import type { BenchEvent } from "./bench.js";
import type { TorchEvent } from "./torch.js";
import type { EnvVarEvent } from "./env.js";
import type { RuntimeEvent } from "./runtime.js";

export type Event = CommonEvent | VllmEvent | NcclEvent | BenchEvent | TorchEvent | EnvVarEvent | RuntimeEvent;
export type EventKind = Event["kind"];
export type { CommonEvent, VllmEvent, NcclEvent, BenchEvent, TorchEvent, EnvVarEvent, RuntimeEvent };
export * from "./types.js";
