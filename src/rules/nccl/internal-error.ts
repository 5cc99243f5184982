import { DEBUG_HINT, signatureRule } from "./signature-rule.js";
import { signalHits } from "../signals.js";
import type { RuleSpec } from "../define.js";

export const meta = {
  id: "nccl/internal-error",
  defaultSeverity: "error",
  title: "NCCL: internal error",
  tags: ["nccl", "error"],
  sources: ["NCCL source: src/include/checks.h (ncclInternalError = 3)", "NCCL troubleshooting notes (version mismatch symptoms)"],
} satisfies RuleSpec;

export const rule = signatureRule(meta, ["nccl.internalError", "nccl.internalErrorReturn"], (hits, ctx) => {
  // NCCL's own reason is often on a line of its own (`Last error:` text, a WARN before the error)
  const detail = signalHits(ctx, ["nccl.internalDetail"])[0] ?? hits.find((h) => h.captures.detail !== undefined);
  const said = detail ? detail.captures.message : null;
  return {
    extraEvidence: detail ? [detail.ev] : [],
    message: `NCCL returned ncclInternalError${said ? `: ${said.trim().slice(0, 200)}` : ""}. It is often a consequence of another problem: ranks running different NCCL versions, a foreign or stale peer on an NCCL port, or a misconfigured network interface.`,
    remediation: [
      "Make sure every rank and node runs the same container image (same NCCL, torch and vLLM versions): compare the `NCCL version` lines of all ranks.",
      ...(detail?.captures.badFamily !== undefined ? ["The address NCCL tried to use is empty or invalid: see nccl/wrong-interface (NCCL_SOCKET_IFNAME, MASTER_ADDR)."] : []),
      "Check NCCL_SOCKET_IFNAME on every node: it must name an interface that exists and has an address there.",
      DEBUG_HINT,
      "If it persists with consistent versions, upgrade NCCL and report it to the NCCL developers with the INFO log.",
    ],
  };
});
export const check = rule.check;
