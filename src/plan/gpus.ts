/**
 * The GPUs `plan --gpu` knows: memory as the driver reports it (approximately; nvidia-smi / rocm-smi totals)
 * and how the GPUs of one server talk to each other.
 *
 * interconnect:
 * - `nvlink` / `xgmi`: every GPU of the node reaches every other over a fast fabric (NVSwitch, Infinity Fabric).
 * - `nvlink-pairs`: NVLink bridges join GPUs in pairs only (H100 NVL); beyond a pair traffic crosses PCIe.
 * - `pcie`: no GPU-to-GPU link; tensor-parallel all-reduce goes over PCIe (vLLM turns its custom all-reduce off
 *   for more than two PCIe-only GPUs).
 */
export type Interconnect = "nvlink" | "xgmi" | "nvlink-pairs" | "pcie";

export interface GpuSpec {
  id: string;
  name: string;
  memoryGiB: number;
  interconnect: Interconnect;
  /** tested against the normalized name (see normalizeGpuName) */
  match: RegExp;
}

/** Most specific first: the first entry whose pattern matches wins. */
export const GPU_TABLE: readonly GpuSpec[] = [
  { id: "gh200", name: "NVIDIA GH200 96GB", memoryGiB: 95.6, interconnect: "nvlink", match: /gh200/ },
  { id: "h100-nvl", name: "NVIDIA H100 NVL 94GB", memoryGiB: 93.6, interconnect: "nvlink-pairs", match: /h100.*nvl|h100.*94/ },
  { id: "h100-pcie", name: "NVIDIA H100 PCIe 80GB", memoryGiB: 79.6, interconnect: "pcie", match: /h100.*pcie/ },
  { id: "h100", name: "NVIDIA H100 SXM 80GB", memoryGiB: 79.6, interconnect: "nvlink", match: /h100/ },
  { id: "h800", name: "NVIDIA H800 80GB", memoryGiB: 79.6, interconnect: "nvlink", match: /h800/ },
  { id: "h200", name: "NVIDIA H200 141GB", memoryGiB: 139.8, interconnect: "nvlink", match: /h200/ },
  { id: "h20", name: "NVIDIA H20 96GB", memoryGiB: 95.6, interconnect: "nvlink", match: /h20(?!\d)/ },
  { id: "b200", name: "NVIDIA B200 180GB", memoryGiB: 179, interconnect: "nvlink", match: /b200/ },
  { id: "b300", name: "NVIDIA B300 288GB", memoryGiB: 268, interconnect: "nvlink", match: /b300/ },
  { id: "a100-40gb-pcie", name: "NVIDIA A100 PCIe 40GB", memoryGiB: 40, interconnect: "pcie", match: /a100.*40.*pcie|a100.*pcie.*40/ },
  { id: "a100-80gb-pcie", name: "NVIDIA A100 PCIe 80GB", memoryGiB: 80, interconnect: "pcie", match: /a100.*pcie/ },
  { id: "a100-40gb", name: "NVIDIA A100 SXM 40GB", memoryGiB: 40, interconnect: "nvlink", match: /a100.*40/ },
  { id: "a100-80gb", name: "NVIDIA A100 SXM 80GB", memoryGiB: 80, interconnect: "nvlink", match: /a100/ },
  { id: "a800", name: "NVIDIA A800 80GB", memoryGiB: 80, interconnect: "nvlink", match: /a800/ },
  { id: "l40s", name: "NVIDIA L40S 48GB", memoryGiB: 45, interconnect: "pcie", match: /l40s/ },
  { id: "l40", name: "NVIDIA L40 48GB", memoryGiB: 45, interconnect: "pcie", match: /l40/ },
  { id: "l20", name: "NVIDIA L20 48GB", memoryGiB: 45, interconnect: "pcie", match: /l20(?!\d)/ },
  { id: "l4", name: "NVIDIA L4 24GB", memoryGiB: 22.5, interconnect: "pcie", match: /l4(?!\d)/ },
  { id: "a10g", name: "NVIDIA A10G 24GB", memoryGiB: 22.5, interconnect: "pcie", match: /a10g/ },
  { id: "a10", name: "NVIDIA A10 24GB", memoryGiB: 22.5, interconnect: "pcie", match: /a10(?!\d)/ },
  { id: "a6000", name: "NVIDIA RTX A6000 48GB", memoryGiB: 48, interconnect: "pcie", match: /a6000/ },
  { id: "rtx-6000-ada", name: "NVIDIA RTX 6000 Ada 48GB", memoryGiB: 48, interconnect: "pcie", match: /6000ada/ },
  { id: "rtx-pro-6000", name: "NVIDIA RTX PRO 6000 Blackwell 96GB", memoryGiB: 95.6, interconnect: "pcie", match: /pro6000/ },
  { id: "t4", name: "NVIDIA T4 16GB", memoryGiB: 15, interconnect: "pcie", match: /t4(?!\d)/ },
  { id: "v100-16gb", name: "NVIDIA V100 SXM2 16GB", memoryGiB: 16, interconnect: "nvlink", match: /v100.*16/ },
  { id: "v100", name: "NVIDIA V100 SXM2 32GB", memoryGiB: 32, interconnect: "nvlink", match: /v100/ },
  { id: "rtx-5090", name: "NVIDIA GeForce RTX 5090 32GB", memoryGiB: 31.8, interconnect: "pcie", match: /5090/ },
  { id: "rtx-4090", name: "NVIDIA GeForce RTX 4090 24GB", memoryGiB: 24, interconnect: "pcie", match: /4090/ },
  { id: "rtx-3090", name: "NVIDIA GeForce RTX 3090 24GB", memoryGiB: 24, interconnect: "pcie", match: /3090/ },
  { id: "mi325x", name: "AMD Instinct MI325X 256GB", memoryGiB: 256, interconnect: "xgmi", match: /mi325/ },
  { id: "mi300x", name: "AMD Instinct MI300X 192GB", memoryGiB: 192, interconnect: "xgmi", match: /mi300/ },
  // an MI250(X) is two GCDs; each shows up as one 64 GB device
  { id: "mi250", name: "AMD Instinct MI250 (one 64GB GCD)", memoryGiB: 64, interconnect: "xgmi", match: /mi250/ },
];

/** "NVIDIA GeForce RTX 4090" -> "rtx4090", "NVIDIA A100-SXM4-80GB" -> "a100sxm480gb" */
export function normalizeGpuName(name: string): string {
  return name
    .toLowerCase()
    .replace(/\b(nvidia|geforce|amd|instinct|tesla|radeon)\b/g, "")
    .replace(/[^a-z0-9]/g, "");
}

/** The table entry for a name as a user types it or as a log prints it; null when unknown. */
export function findGpu(name: string): GpuSpec | null {
  // (a census of mixed GPUs, `A + B`, names no one model whose figures would hold for all of them)
  if (name.includes(" + ")) return null;
  const key = normalizeGpuName(name);
  if (!key) return null;
  const byId = GPU_TABLE.find((g) => g.id.replace(/-/g, "") === key);
  return byId ?? GPU_TABLE.find((g) => g.match.test(key)) ?? null;
}

/** How many GPUs of one node can share a tensor-parallel group over a fast link. */
export function fastGroupSize(interconnect: Interconnect, gpusPerNode: number): number {
  if (interconnect === "nvlink" || interconnect === "xgmi") return gpusPerNode;
  if (interconnect === "nvlink-pairs") return Math.min(2, gpusPerNode);
  return 1;
}

export const hasFastLink = (i: Interconnect): boolean => i === "nvlink" || i === "xgmi";
