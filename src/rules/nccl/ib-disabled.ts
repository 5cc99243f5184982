import type { RuleContext, FindingDraft } from "../types.js";
import { uniqueEvidence } from "../helpers.js";
import { ncclEnv, socketNetwork } from "./net-common.js";
import { defineRule, type RuleSpec } from "../define.js";

export const meta = {
  id: "nccl/ib-disabled",
  defaultSeverity: "info",
  title: "InfiniBand was turned off on purpose: NCCL uses TCP sockets",
  tags: ["nccl", "network", "config"],
  sources: ["NCCL User Guide: env.html NCCL_IB_DISABLE and NCCL_NET"],
} satisfies RuleSpec;

export function check(ctx: RuleContext): FindingDraft[] {
  const ibDisable = ncclEnv(ctx, "NCCL_IB_DISABLE");
  const forced = ncclEnv(ctx, "NCCL_NET");
  const disabled = ibDisable?.value === "1";
  const socketForced = forced !== null && /^socket$/i.test(forced.value);
  if (!disabled && !socketForced) return [];
  const net = socketNetwork(ctx);
  const setting = disabled ? "NCCL_IB_DISABLE=1" : `NCCL_NET=${forced!.value}`;
  return [{
    message: `${setting} is set in the environment, so NCCL does not use InfiniBand/RoCE${net.connections ? ` (${net.connections} connection line(s) go via NET/Socket)` : ""}. That is a deliberate choice, not a fallback; between nodes it limits bandwidth to TCP speed.`,
    evidence: uniqueEvidence([disabled ? ibDisable!.ev : forced!.ev, ...net.evidence]),
    remediation: [
      `If the nodes have InfiniBand or RoCE, unset ${disabled ? "NCCL_IB_DISABLE" : "NCCL_NET"} (often inherited from a container image or launcher script) and check for \`Using network IB\`.`,
      "If sockets are intended, pin the interface with NCCL_SOCKET_IFNAME and consider NCCL_SOCKET_NTHREADS / NCCL_NSOCKS_PERTHREAD for more TCP throughput.",
    ],
  }];
}

export const rule = defineRule(meta, check);
