import { benchRuns, numberOf } from "./runs.js";
import { defineRule, type RuleSpec } from "../define.js";

export const meta = {
  id: "bench/nccl-tests-wrong",
  defaultSeverity: "error",
  title: "nccl-tests: wrong results (data corruption)",
  tags: ["bench", "nccl", "error"],
  sources: [
    "NVIDIA/nccl-tests src/common.cu: `#wrong` per size, `Out of bounds values : N OK|FAILED`",
    "NVIDIA/nccl#304, NVIDIA/nccl#1423 (PCI ACS / IOMMU with P2P), NVIDIA/nccl-tests#131",
  ],
} satisfies RuleSpec;

export const rule = defineRule(meta, (ctx) => {
  const hits = benchRuns(ctx, "ncclTests").filter((r) => {
    const wrong = numberOf(r.values.wrongTotal);
    const oob = numberOf(r.values.outOfBoundsCount);
    return (wrong !== null && wrong > 0) || r.values.outOfBoundsOk === false || (oob !== null && oob > 0);
  });
  if (hits.length === 0) return [];
  const v = hits[0].values;
  const parts: string[] = [];
  if (numberOf(v.wrongTotal)) parts.push(`${v.wrongTotal} wrong element${v.wrongTotal === 1 ? "" : "s"} in the #wrong columns`);
  if (v.outOfBoundsOk === false || numberOf(v.outOfBoundsCount)) parts.push(`Out of bounds values: ${v.outOfBoundsCount ?? "?"} FAILED`);
  const collective = typeof v.collective === "string" ? `${v.collective}: ` : "";
  return [
    {
      message: `${collective}${parts.join(", ")}. A collective returned wrong data: this is corruption, not slowness${hits.length > 1 ? ` (${hits.length} runs)` : ""}.`,
      evidence: hits.map((h) => h.ev),
      remediation: [
        "If GPUs talk over PCIe P2P, disable PCI ACS on the switches / set the IOMMU to passthrough (iommu=pt), then rerun; NCCL_P2P_DISABLE=1 confirms whether P2P is the cause.",
        "Rerun with NCCL_DEBUG=INFO to see which transport each connection uses, and with one GPU pair at a time to isolate a bad GPU, link or NIC.",
        "Check the GPUs and NICs for errors (nvidia-smi -q -d ECC, dmesg for Xid / PCIe AER) and update the driver, NCCL and firmware.",
      ],
    },
  ];
});
export const check = rule.check;
