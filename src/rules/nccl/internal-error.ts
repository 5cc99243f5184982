import type { Rule } from "../types.js";
import { docsPath } from "../types.js";
import { SIG } from "./signatures.js";
import { DEBUG_HINT, signatureRule } from "./signature-rule.js";

export const meta = {
  id: "nccl/internal-error",
  defaultSeverity: "error",
  title: "NCCL: internal error",
  tags: ["nccl", "error"],
  docs: docsPath("nccl/internal-error"),
  sources: ["NCCL source: src/include/checks.h (ncclInternalError = 3)", "NCCL troubleshooting notes (version mismatch symptoms)"],
} satisfies Rule["meta"];

export const rule: Rule = signatureRule(meta, [{ re: SIG.internalError, needsContext: true }, { re: /\.cc:\d+ -> 3\b/ }], (hits) => {
  const detail = hits.find((h) => /Last error|neither AF_INET|wrong (?:type|magic)|Message truncated/i.test(h.text));
  return {
    message: `NCCL returned ncclInternalError${detail ? `: ${detail.text.trim().slice(0, 200)}` : ""}. It is often a consequence of another problem: ranks running different NCCL versions, a foreign or stale peer on an NCCL port, or a misconfigured network interface.`,
    remediation: [
      "Make sure every rank and node runs the same container image (same NCCL, torch and vLLM versions): compare the `NCCL version` lines of all ranks.",
      "Check NCCL_SOCKET_IFNAME on every node: it must name an interface that exists and has an address there.",
      DEBUG_HINT,
      "If it persists with consistent versions, upgrade NCCL and report it to the NCCL developers with the INFO log.",
    ],
  };
});
export const check = rule.check;
