import type { RuleContext, FindingDraft } from "../types.js";
import { hitEvidence } from "../helpers.js";
import { signalHits } from "../signals.js";
import { defineRule, type RuleSpec } from "../define.js";

export const meta = {
  id: "vllm/gpu-xid",
  defaultSeverity: "error",
  title: "The GPU driver reported a GPU fault (Xid)",
  tags: ["gpu", "hardware", "driver", "crash"],
  sources: [
    "NVIDIA: Xid Errors (docs.nvidia.com/deploy/xid-errors): the catalog of Xid numbers, their causes and actions",
    "NVIDIA kernel driver (open-gpu-kernel-modules): the `NVRM: Xid (PCI:dddd:bb:dd): N, ...` kernel log record and the probe's `has fallen off the bus and is not responding to commands`",
    "nvidia-smi: `Unable to determine the device handle for GPU...: Unknown Error` / `GPU is lost` for a GPU the driver cannot open",
    "NVIDIA kernel driver (open-gpu-kernel-modules): the device notice `NVRM: GPU dddd:bb:dd.f: GPU has fallen off the bus.` and NV_ERR_GPU_IS_LOST (`GPU lost from the bus`, status 0xf) on calls to a lost GPU",
    "NVIDIA GPU memory error management: ECC, page retirement and row remapping (nvidia-smi -q -d ECC,PAGE_RETIREMENT,ROW_REMAPPER)",
  ],
} satisfies RuleSpec;

type Kind = "bus" | "memory" | "nvlink" | "firmware" | "program" | "followOn" | "other";

/** What an Xid number says (NVIDIA's Xid catalog), and which kind of fault it is. */
function xidMeaning(xid: number): { what: string; kind: Kind } {
  if (xid === 79) return { what: "the GPU has fallen off the bus", kind: "bus" };
  if (xid === 48) return { what: "a double-bit ECC error in GPU memory", kind: "memory" };
  if (xid === 63 || xid === 64) return { what: xid === 63 ? "an ECC page retirement or row remapping event" : "an ECC page retirement or row remapping failure", kind: "memory" };
  if (xid === 92) return { what: "a high rate of single-bit ECC errors", kind: "memory" };
  if (xid === 94) return { what: "a contained ECC error (the applications on the GPU were stopped)", kind: "memory" };
  if (xid === 95) return { what: "an uncontained ECC error (the GPU needs a reset)", kind: "memory" };
  if (xid === 140) return { what: "an unrecovered ECC error", kind: "memory" };
  if (xid === 74 || (xid >= 144 && xid <= 150)) return { what: "an NVLink error", kind: "nvlink" };
  if (xid === 119 || xid === 120 || xid === 61 || xid === 62) return { what: "the GPU's firmware (GSP or a microcontroller) stopped responding", kind: "firmware" };
  if (xid === 13 || xid === 31 || xid === 43) return { what: xid === 31 ? "a GPU memory page fault" : xid === 13 ? "a graphics engine exception" : "the GPU stopped processing the program's work", kind: "program" };
  if (xid === 45) return { what: "the driver cleaned up a process's GPU work after an earlier error", kind: "followOn" };
  return { what: `Xid ${xid}`, kind: "other" };
}

export function check(ctx: RuleContext): FindingDraft[] {
  const hits = signalHits(ctx, ["vllm.gpuXid"]);
  const last = ctx.signals["vllm.gpuXid"]?.last;
  const lines = [...hits.map((h) => h.captures), ...(last ? [last.captures] : [])];
  if (!hits.length) return [];
  // the Xids in the order first seen; a follow-on Xid 45 names the Xid it followed, which is the fault to fix
  const xids: number[] = [];
  const add = (x: string | undefined) => {
    if (x !== undefined && !xids.includes(Number(x))) xids.push(Number(x));
  };
  for (const c of lines) add(c.prevXid);
  for (const c of lines) add(c.xid);
  if (lines.some((c) => c.fellOff !== undefined)) add("79");
  // nvidia-smi run on the node: a GPU it cannot open (`Unknown Error`, `GPU is lost`) is one the driver lost
  const smi = lines.find((c) => c.smiError !== undefined);
  // the driver's calls to a GPU it lost fail with NV_ERR_GPU_IS_LOST (`GPU lost from the bus`): the same state, no Xid named
  const lost = lines.some((c) => c.gpuLost !== undefined);
  const roots = xids.filter((x) => xidMeaning(x).kind !== "followOn");
  const named = (roots.length ? roots : xids).map((x) => `Xid ${x} (${xidMeaning(x).what})`);
  // (the driver prints the bus in lower case, nvidia-smi in upper: one GPU either way)
  const gpus = [...new Set(lines.map((c) => (c.pci ?? c.lostPci ?? c.smiPci)?.toLowerCase()).filter((p): p is string => p !== undefined))];
  const procs = [...new Set(lines.filter((c) => c.proc !== undefined).map((c) => `${c.proc}${c.pid ? ` pid ${c.pid}` : ""}`))];
  const kinds = new Set<Kind>(xids.map((x) => xidMeaning(x).kind));
  if (smi || lost) kinds.add("bus");
  const remediation: string[] = [];
  if (kinds.has("bus"))
    remediation.push("A GPU that fell off the bus (or that nvidia-smi cannot open) no longer answers the driver: reboot the node, and if it happens again check the GPU's power (connectors, PSU), temperature and PCIe slot or riser (`dmesg` for PCIe AER errors before it), and update the system BIOS; until then take the node out of service.");
  if (kinds.has("memory"))
    remediation.push("An ECC fault is the GPU's memory failing: check `nvidia-smi -q -d ECC,PAGE_RETIREMENT,ROW_REMAPPER` (pending retirements or remappings need a GPU reset: `nvidia-smi -r` with no process on it, or a reboot), and replace the GPU if uncorrectable errors or remapping failures recur.");
  if (kinds.has("nvlink"))
    remediation.push("An NVLink error breaks the links between the GPUs, so NCCL's P2P/NVLS traffic fails or hangs: check `nvidia-smi nvlink -s` and `nvidia-smi nvlink -e` (error counters), the Fabric Manager on NVSwitch machines (`systemctl status nvidia-fabricmanager`), and reboot the node before using those GPUs again.");
  if (kinds.has("firmware")) remediation.push("The GPU's firmware stopped responding: reset the GPU or reboot the node, and update the driver if it recurs.");
  if (kinds.has("program"))
    remediation.push("Xid 13, 31 and 43 are usually the program's own kernel fault (an illegal memory access, the same error CUDA raises in the process): read the process's CUDA error; if the same code ran before on other GPUs, suspect this GPU.");
  remediation.push("Run `nvidia-smi -q` on the node and look at the whole kernel log around these lines (`dmesg -T | grep -i -e NVRM -e Xid`); the other ranks of the job fail or hang because of this GPU, so fix it first.");
  const where = gpus.length ? ` on GPU ${gpus.map((g) => `PCI ${g}`).join(", ")}` : "";
  return [{
    message: xids.length
      ? `The NVIDIA driver reported ${named.join(", ")}${where}${procs.length ? ` (process ${procs.slice(0, 3).join(", ")})` : ""}: a fault of the GPU or its links, seen by the kernel, not a Python error.`
      : lost && !smi
      ? `The NVIDIA driver lost the GPU${gpus.length ? ` at PCI ${gpus.join(", ")}` : ""}: its calls to it fail with NV_ERR_GPU_IS_LOST (GPU lost from the bus), a fault of the GPU or its links, not a Python error.`
      : `nvidia-smi cannot open the GPU${gpus.length ? ` at PCI ${gpus.join(", ")}` : ""} (${smi?.smiError}): the driver has lost it, a fault of the GPU or its links, not a Python error.`,
    evidence: hitEvidence(hits),
    remediation,
  }];
}

export const rule = defineRule(meta, check);
