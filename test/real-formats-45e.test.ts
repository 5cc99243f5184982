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
    // (the NGC banner's form, no colon, and a tag-style `v` read the same)
    expect((await analyzeText("vLLM Version v0.10.1.1+381074ae")).facts.vllm.version).toBe("0.10.1.1+381074ae");
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

  // collect_env lists the NCCL wheels torch (and vLLM 0.4's pynccl) load, tagged `[pip3] ` / `[conda] `; a CUDA base
  // image's NCCL_VERSION names the system libnccl, which a pip-installed torch does not load
  const envBlock = (loaded: string) =>
    [
      "[pip3] nvidia-nccl-cu12==2.21.5",
      "[pip3] torch==2.5.1",
      "[conda] nvidia-nccl-cu12          2.21.5                   pypi_0    pypi",
      "vLLM Version: 0.6.4.post1",
      "NCCL_VERSION=2.20.5-1",
      "CUDA_VERSION=12.4.0",
      `INFO 11-20 08:01:02 pynccl.py:69] vLLM is using nccl==${loaded}`,
    ].join("\n");

  for (const [name, wrap] of WRAPS) {
    it(`the NCCL the wheel provides, loaded in a CUDA image that declares another, is no mismatch (${name})`, async () => {
      const r = await analyzeText(wrap(envBlock("2.21.5")));
      expect(ids(r)).not.toContain("cluster/version-mismatch");
      expect(r.facts.nccl.version).toBe("2.21.5");
      expect(r.facts.versions.declared.map((d) => [d.name, d.version])).toEqual([["nvidia-nccl-cu12", "2.21.5"], ["NCCL_VERSION", "2.20.5"]]);
    });
  }

  it("the wheel is what is compared, wherever the image's NCCL_VERSION stands (here an env dump above the pip list)", async () => {
    const r = await analyzeText(["declare -x NCCL_VERSION=\"2.20.5-1\"", envBlock("2.21.5")].join("\n"));
    expect(ids(r)).not.toContain("cluster/version-mismatch");
  });

  it("an NCCL no listed wheel provides is another library first on the path, said against the wheel", async () => {
    const r = await analyzeText(envBlock("2.19.3"));
    const f = r.findings.find((x) => x.ruleId === "cluster/version-mismatch");
    expect(f?.severity).toBe("warning");
    expect(f?.message).toContain("The installed wheel nvidia-nccl-cu12 is NCCL 2.21.5 (line 1) but the process loaded NCCL 2.19.3 (line 7)");
  });

  it("vLLM 0.4's own NCCL wheel (vllm-nccl-cu12 2.18.1) loaded beside torch's is what was installed, not a mismatch", async () => {
    const r = await analyzeText(
      [
        "[pip3] nvidia-nccl-cu12==2.19.3",
        "[pip3] vllm-nccl-cu12==2.18.1.0.4.0",
        "INFO 04-22 09:10:11 pynccl.py:58] Loading nccl from library /root/.config/vllm/nccl/cu12/libnccl.so.2.18.1",
        "INFO 04-22 09:10:11 pynccl_utils.py:43] vLLM is using nccl==2.18.1",
      ].join("\n"),
    );
    expect(ids(r)).not.toContain("cluster/version-mismatch");
    expect(r.facts.nccl.version).toBe("2.18.1");
  });
});
