import type { CommonEvent } from "./common.js";
import type { VllmEvent } from "./vllm.js";
import type { NcclEvent } from "./nccl.js";
import type { BenchEvent } from "./bench.js";
import type { TorchEvent } from "./torch.js";
import type { EnvVarEvent } from "./env.js";

export type Event = CommonEvent | VllmEvent | NcclEvent | BenchEvent | TorchEvent | EnvVarEvent;
export type EventKind = Event["kind"];
export type { CommonEvent, VllmEvent, NcclEvent, BenchEvent, TorchEvent, EnvVarEvent };
export * from "./types.js";
