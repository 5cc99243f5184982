import type { EventBase } from "./types.js";

/** One `... via X` connection record. */
export interface NcclConnectionEvent extends EventBase {
  kind: "nccl.connection";
  host: string | null;
  channel: number;
  from: number;
  to: number;
  direction: "send" | "receive" | null;
  via: string;
  /** the CONTRACT's transport kind of `via` */
  transport: string;
}

export type NcclEvent = NcclConnectionEvent;
