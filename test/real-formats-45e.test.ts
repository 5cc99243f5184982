import { describe, expect, it } from "vitest";
import { analyzeText, ids } from "./rules/analyze-text.js";
import { WRAPS } from "./helpers/variants.js";

/**
 * Round 45e: vLLM issues whose paste holds `python collect_env.py` / `vllm collect-env` output beside the log. Two
 * shapes of vLLM's collect_env.py were misread. (1) Its sectioned layout (0.9+) pads every key to one column,
 * `vLLM Version                 : 0.9.1` (some pastes keep the terminal's trailing blanks), and 0.6.x printed the
 * version with its commit, `vLLM Version: 0.6.0@<sha>`: the version went unread or kept the commit. (2) The GPU key
 * holds `nvidia-smi -L` without UUIDs; several GPUs start on the next line, but a lone GPU stays on the key's own line,
 * `GPU models and configuration: GPU 0: NVIDIA GeForce RTX 4090` (old layout) or `GPU models and configuration : …`
 * (sectioned), and ROCm prints torch's device name with its gfx arch: the GPU went unread. The topology matrix, the
 * Legend and the pip list stay environment, never connections or an NCCL version. Every text below is written for the
 * test in the printed layout, under the shared wrappers (CRLF, kubectl --timestamps, docker compose, a Ray prefix).
 */

const sectioned = [
  "Collecting environment information...",
  "==============================",
  "       CUDA / GPU Info",
  "==============================",
  "Is CUDA available            : True",
  "CUDA runtime version         : 12.8.93",
  "CUDA_MODULE_LOADING set to   : LAZY",
  "GPU models and configuration : GPU 0: NVIDIA L4",
  "Nvidia driver version        : 570.86.10",
  "",
  "==============================",
  "Versions of relevant libraries",
  "==============================",
  "[pip3] nvidia-nccl-cu12==2.26.5",
  "[pip3] torch==2.8.0",
  "",
  "==============================",
  "         vLLM Info",
  "==============================",
  "ROCM Version                 : Could not collect",
  "vLLM Version                 : 0.11.2",
  "vLLM Build Flags:",
  "  CUDA Archs: Not Set; ROCm: Disabled; XPU: Disabled",
  "GPU Topology:",
  "  \tGPU0\tGPU1\tNIC0\tCPU Affinity\tNUMA Affinity\tGPU NUMA ID",
  "GPU0\t X \tNV4\tSYS\t0-23\t0\t\tN/A",
  "GPU1\tNV4\t X \tSYS\t0-23\t0\t\tN/A",
  "NIC0\tSYS\tSYS\t X ",
  "",
  "Legend:",
  "",
  "  X    = Self",
  "  SYS  = Connection traversing PCIe as well as the SMP interconnect between NUMA nodes (e.g., QPI/UPI)",
  "  PIX  = Connection traversing at most a single PCIe bridge",
  "  NV#  = Connection traversing a bonded set of # NVLinks",
  "",
  "==============================",
  "     Environment Variables",
  "==============================",
  "NCCL_SOCKET_IFNAME=^lo,docker0,veth",
  "NCCL_CUMEM_ENABLE=0",
  "PYTORCH_NVML_BASED_CUDA_CHECK=1",
  "TORCHINDUCTOR_COMPILE_THREADS=1",
].join("\n");

describe("collect_env.py beside a log (round 45e)", () => {
  for (const [name, wrap] of WRAPS) {
    it(`reads the sectioned layout's padded vLLM Version and a lone GPU on the key's line, and nothing from the topology (${name})`, async () => {
      const r = await analyzeText(wrap(sectioned));
      expect(r.facts.vllm.version).toBe("0.11.2");
      expect(r.facts.gpu).toMatchObject({ name: "NVIDIA L4", count: 1 });
      expect(r.facts.sources["gpu.name"].line).toBe(8);
      // environment, not a run: no NCCL version from the pip list, no connections from the matrix, no problem
      expect(r.facts.nccl.version).toBeNull();
      expect(Object.values(r.facts.nccl.transports).every((n) => n === 0)).toBe(true);
      expect(r.facts.firstError).toBeNull();
      expect(ids(r, "error")).toEqual([]);
      expect(ids(r)).not.toContain("nccl/wrong-interface");
    });
  }

  it("reads the old layout's lone GPU and 0.6's `version@commit`, with the terminal's trailing blanks kept", async () => {
    const r = await analyzeText(
      [
        "$ python collect_env.py",
        "Collecting environment information...",
        "PyTorch version: 2.4.0+cu121",
        "Is CUDA available: True",
        "CUDA_MODULE_LOADING set to: LAZY",
        "GPU models and configuration: GPU 0: NVIDIA A10G" + " ".repeat(40),
        "Nvidia driver version: 550.90.07",
        "[pip3] nvidia-nccl-cu12==2.20.5",
        "ROCM Version: Could not collect",
        "Neuron SDK Version: N/A",
        `vLLM Version: 0.6.1@${"5e1d6f8a".repeat(5)}` + " ".repeat(60),
        "vLLM Build Flags:",
        "CUDA Archs: Not Set; ROCm: Disabled; Neuron: Disabled",
      ].join("\n"),
    );
    expect(r.facts.vllm.version).toBe("0.6.1");
    expect(r.facts.gpu).toMatchObject({ name: "NVIDIA A10G", count: 1 });
    expect(r.facts.nccl.version).toBeNull();
  });

  it("takes a dev build's version without its `(git sha: …)` note, in both layouts", async () => {
    const padded = await analyzeText("vLLM Version                 : 0.10.2.dev57+g1a2b3c4d5 (git sha: 1a2b3c4d5)");
    expect(padded.facts.vllm.version).toBe("0.10.2.dev57+g1a2b3c4d5");
    const dated = await analyzeText("vLLM Version: 0.8.4.dev12+g9f8e7d6c5.d20250401 (git sha: 9f8e7d6c5, date: 20250401)");
    expect(dated.facts.vllm.version).toBe("0.8.4.dev12+g9f8e7d6c5.d20250401");
  });

  it("reads no version and no GPU from the values that state none", async () => {
    for (const text of [
      "vLLM Version: N/A\nGPU models and configuration: Could not collect",
      "vLLM Version                 : N/A (dev)\nGPU models and configuration : No CUDA",
      "vLLM Version                 : Could not collect\nGPU models and configuration : ",
    ]) {
      const f = (await analyzeText(text)).facts;
      expect(f.vllm.version).toBeNull();
      expect(f.gpu).toMatchObject({ name: null, count: null });
    }
  });

  it("names a ROCm GPU from torch's device name without its gfx arch, and counts none", async () => {
    const f = (await analyzeText("GPU models and configuration : AMD Instinct MI250X (gfx90a:sramecc+:xnack-)")).facts;
    expect(f.gpu).toMatchObject({ name: "AMD Instinct MI250X", count: null });
  });

  it("a list of several GPUs on the next lines is still counted, and the server's own version outranks collect_env's", async () => {
    const f = (
      await analyzeText(
        [
          "GPU models and configuration : ",
          "GPU 0: NVIDIA H100 80GB HBM3",
          "GPU 1: NVIDIA H100 80GB HBM3",
          "GPU 2: NVIDIA H100 80GB HBM3",
          "vLLM Version                 : 0.10.1",
          "INFO 09-02 10:11:12 [api_server.py:1805] vLLM API server version 0.10.1.1",
        ].join("\n"),
      )
    ).facts;
    expect(f.gpu).toMatchObject({ name: "NVIDIA H100 80GB HBM3", count: 3 });
    expect(f.vllm.version).toBe("0.10.1.1");
  });
});
