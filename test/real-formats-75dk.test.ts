import { describe, expect, it } from "vitest";
import { analyzeText, ids, eachWrapped } from "./rules/analyze-text.js";

/**
 * Formats found in round 75dk of real logs: vLLM and NCCL inside containers (docker/podman run, the NVIDIA container
 * toolkit, CDI names, enroot under pyxis). What the tool missed: the container engine's own refusal to start a container
 * (`docker: Error response from daemon: ...`, a bare `nvidia-container-cli: <stage> error: ...`) was no error line, the
 * failure-signal handlers' header lines (abseil's under Ray, glog's) were not the first error when they came before the
 * handler's E-level copy, and nothing explained a container that never got its GPUs. Every log text here is written for
 * the test in the printed layout.
 */

const WRAPS = [
  ["plain", (l: string) => l],
  ["kubectl --timestamps", (l: string) => `2026-11-30T08:14:02.771203945Z ${l}`],
  ["docker compose", (l: string) => `llm-serve-1  | ${l}`],
] as const;

const GPU_SETUP = "cluster/container-gpu-setup-failed";
const messageOf = (r: Awaited<ReturnType<typeof analyzeText>>, id: string) => r.findings.find((f) => f.ruleId === id)?.message ?? "";
const HOOK_HEAD =
  "docker: Error response from daemon: failed to create task for container: failed to create shim task: OCI runtime create failed: runc create failed: unable to start container process: error during container init: error running hook #0: error running hook: exit status 1, stdout: , stderr: ";

describe("the container engine's refusal is the first error", () => {
  it("docker's report of the NVIDIA hook finding no driver: first error and the container GPU finding", async () => {
    const lines = ["$ docker run --rm --gpus all --ipc=host vllm/vllm-openai:v0.11.0 --model acme/tiny-chat", `${HOOK_HEAD}nvidia-container-cli: initialization error: nvml error: driver not loaded: unknown.`, "Run 'docker run --help' for more information"];
    await eachWrapped(WRAPS, lines, (r, at) => {
      expect(r.facts.firstError?.line, at).toBe(2);
      expect(ids(r, "error"), at).toEqual([GPU_SETUP]);
      expect(messageOf(r, GPU_SETUP), at).toContain("no working NVIDIA driver");
    });
  });

  it("the CLI's own line (enroot, `nvidia-container-cli info`) and docker without the NVIDIA runtime", async () => {
    const lib = await analyzeText("nvidia-container-cli: initialization error: load library failed: libnvidia-ml.so.1: cannot open shared object file: no such file or directory\n");
    expect(lib.facts.firstError?.line).toBe(1);
    expect(ids(lib)).toEqual([GPU_SETUP]);
    const noRuntime = await analyzeText('docker: Error response from daemon: could not select device driver "" with capabilities: [[gpu]].\r\n');
    expect(noRuntime.facts.firstError?.line).toBe(1);
    expect(messageOf(noRuntime, GPU_SETUP)).toContain("no NVIDIA runtime is configured");
    expect(noRuntime.findings[0].remediation.join(" ")).toContain("nvidia-ctk runtime configure");
  });

  it("a CDI name no spec defines (podman, rootless)", async () => {
    const lines = ["$ podman run --rm --device nvidia.com/gpu=all --shm-size 8g docker.io/vllm/vllm-openai:latest --model acme/tiny-chat", "Error: setting up CDI devices: unresolvable CDI devices nvidia.com/gpu=all"];
    await eachWrapped(WRAPS, lines, (r, at) => {
      expect(r.facts.firstError?.line, at).toBe(2);
      expect(ids(r), at).toEqual([GPU_SETUP]);
      expect(messageOf(r, GPU_SETUP), at).toContain("(nvidia.com/gpu=all)");
    });
  });

  it("enroot's NVIDIA hook under pyxis with no nvidia-container-cli on the node", async () => {
    const r = await analyzeText(
      [
        "pyxis: importing docker image: nvcr.io#nvidia/pytorch:25.01-py3",
        "slurmstepd: error: pyxis: container start failed with error code: 1",
        "slurmstepd: error: pyxis: printing enroot log file:",
        "slurmstepd: error: pyxis:     [ERROR] Command not found: nvidia-container-cli, see https://github.com/NVIDIA/libnvidia-container",
        "slurmstepd: error: pyxis:     [ERROR] /etc/enroot/hooks.d/98-nvidia.sh exited with return code 1",
        "slurmstepd: error: pyxis: couldn't start container",
      ].join("\n") + "\n",
    );
    expect(r.facts.firstError?.line).toBe(2);
    const f = r.findings.find((x) => x.ruleId === GPU_SETUP)!;
    expect(f.evidence.map((e) => e.line)).toEqual([4, 5]);
    expect(f.remediation.join(" ")).toContain("libnvidia-container-tools");
  });

  it("near misses: the hook's driver-version refusals are other rules', and commands or other daemon errors are not this one", async () => {
    const old = await analyzeText(`${HOOK_HEAD}Auto-detected mode as 'legacy' nvidia-container-cli: requirement error: unsatisfied condition: cuda>=12.8, please update your driver to a newer version, or use the compat libraries\n`);
    expect(ids(old)).toEqual(["vllm/cuda-driver-too-old"]);
    expect(old.facts.firstError?.line).toBe(1);
    const mismatch = await analyzeText("nvidia-container-cli: initialization error: nvml error: driver/library version mismatch: unknown\n");
    expect(ids(mismatch)).toEqual(["vllm/driver-library-mismatch"]);
    const quiet = await analyzeText(["$ podman run --rm --device nvidia.com/gpu=all ubuntu nvidia-smi -L", "$ sudo nvidia-ctk cdi generate --output=/etc/cdi/nvidia.yaml", "I1130 08:14:02.648174 217303 nvc.c:376] initializing library context (version=1.17.8)"].join("\n") + "\n");
    expect(quiet.findings).toEqual([]);
    expect(quiet.facts.firstError).toBeNull();
    const other = await analyzeText("Error response from daemon: No such container: vllm-serve\n");
    expect(other.facts.firstError?.line).toBe(1);
    expect(ids(other)).not.toContain(GPU_SETUP);
  });
});

describe("failure-signal handlers' header lines", () => {
  it("abseil's `*** SIGBUS received at time=... ***` under a Ray worker prefix is the first error, before its E-level copy", async () => {
    const lines = [
      "(RayWorkerWrapper pid=7731) *** SIGBUS received at time=1764490442 on cpu 41 ***",
      "(RayWorkerWrapper pid=7731) PC: @     0x7f21d0a4e3c1  (unknown)  __memmove_avx_unaligned_erms",
      "(RayWorkerWrapper pid=7731) [2025-11-30 08:14:02,991 E 7731 7790] logging.cc:460: *** SIGBUS received at time=1764490442 on cpu 41 ***",
      "(RayWorkerWrapper pid=7731) Fatal Python error: Bus error",
    ];
    await eachWrapped(WRAPS, lines, (r, at) => {
      expect(r.facts.firstError?.line, at).toBe(1);
      expect(ids(r), at).toContain("vllm/fatal-signal");
      expect(messageOf(r, "vllm/fatal-signal"), at).toContain("SIGBUS");
    });
  });

  it("glog's header pair, and abseil's older line without the cpu", async () => {
    const glog = await analyzeText(
      ["*** Aborted at 1764490442 (unix time) try \"date -d @1764490442\" if you are using GNU date ***", "PC: @     0x7f0c11d2e4a0 (unknown)", "*** SIGSEGV (@0x0) received by PID 5120 (TID 0x7f0bfd7fe640) from PID 0; stack trace: ***", "    @     0x7f0c11d2e4a0 (unknown)"].join("\n") + "\n",
    );
    expect(glog.facts.firstError?.line).toBe(1);
    expect(messageOf(glog, "vllm/fatal-signal")).toContain("SIGSEGV");
    const old = await analyzeText("INFO 11-30 08:14:01 [gpu_worker.py:104] Loading model\n*** SIGFPE received at time=1764490442 ***\n");
    expect(old.facts.firstError?.line).toBe(2);
  });

  it("near misses: a stop signal's header and a frame line are no error, nor is the header quoted in prose", async () => {
    const r = await analyzeText(["(RayWorkerWrapper pid=7731) *** SIGTERM received at time=1764490442 on cpu 41 ***", "PC: @     0x7f21d0a4e3c1  (unknown)  (unknown)"].join("\n") + "\n");
    expect(r.facts.firstError).toBeNull();
    expect(ids(r)).not.toContain("vllm/fatal-signal");
    const prose = await analyzeText("we saw *** SIGBUS received at time=1764490442 *** in the worker once\n");
    expect(prose.facts.firstError).toBeNull();
  });
});

describe("NCCL in a container without /dev/infiniband", () => {
  it("two containers, an HCA one cannot open, then Socket: socket fallback naming the device, not an IB fabric error", async () => {
    const lines = [
      "c7e2a91f04bd:212:212 [0] NCCL INFO NCCL_IB_DISABLE set by environment to 0.",
      "c7e2a91f04bd:212:212 [0] misc/ibvwrap.cc:212 NCCL WARN Call to ibv_open_device failed",
      "c7e2a91f04bd:212:212 [0] transport/net_ib.cc:148 NCCL WARN NET/IB : Unable to open device mlx5_2",
      "c7e2a91f04bd:212:212 [0] NCCL INFO NET/IB : No device found.",
      "c7e2a91f04bd:212:212 [0] NCCL INFO NET/Socket : Using [0]eth0:10.44.0.7<0>",
      "c7e2a91f04bd:212:212 [0] NCCL INFO Using network Socket",
      "5d0b3e8a71c2:198:198 [0] NCCL INFO NET/IB : No device found.",
      "5d0b3e8a71c2:198:198 [0] NCCL INFO NET/Socket : Using [0]eth0:10.44.1.9<0>",
      "5d0b3e8a71c2:198:198 [0] NCCL INFO Using network Socket",
    ];
    await eachWrapped(WRAPS, lines, (r, at) => {
      expect(r.facts.nccl.net, at).toBe("Socket");
      expect(r.facts.firstError?.line, at).toBe(2);
      expect(ids(r), at).toContain("nccl/socket-fallback");
      expect(ids(r), at).not.toContain("nccl/ib-error");
      expect(messageOf(r, "nccl/socket-fallback"), at).toContain("mlx5_2");
    });
  });
});
