import { describe, expect, it } from "vitest";
import { analyzeText } from "../analyze-text.js";

/** vLLM's platform resolution (vllm/platforms/__init__.py) and the failures that follow it, written for the test. */
const mine = async (text: string) => (await analyzeText(text)).findings.filter((f) => f.ruleId === "vllm/no-gpu-platform");
const text = (lines: string[]) => lines.join("\n") + "\n";

const VERDICT = "vLLM found no platform to run on (`No platform detected, vLLM is running on UnspecifiedPlatform`): this process sees no GPU it can use, so the engine fails at the first device it needs.";
const INFERRED = "vLLM could not tell which device to run on (no GPU platform was found): this process sees no GPU it can use.";
const debugWhy = "DEBUG 11-03 15:40:12 [__init__.py:96] CUDA platform is not available because: NVML Shared Library Not Found";
const noPlatform = "INFO 11-03 15:40:12 [__init__.py:255] No platform detected, vLLM is running on UnspecifiedPlatform";
const failed = [
  "Traceback (most recent call last):",
  '  File "/opt/venv/lib/python3.12/site-packages/vllm/engine/arg_utils.py", line 1120, in create_engine_config',
  "    device_config = DeviceConfig(device=self.device)",
  "RuntimeError: Failed to infer device type, please set the environment variable `VLLM_LOGGING_LEVEL=DEBUG` to turn on verbose logging to help debug the issue.",
];

describe("vllm/no-gpu-platform", () => {
  it("is an error when the UnspecifiedPlatform verdict is followed by a failure, and gives the DEBUG line's reason", async () => {
    const lines = [debugWhy, noPlatform, "INFO 11-03 15:40:15 [api_server.py:1805] vLLM API server version 0.10.1", ...failed];
    const f = await mine(text(lines));
    expect(f).toHaveLength(1);
    expect(f[0].severity).toBe("error");
    expect(f[0].message).toBe(`${VERDICT} The log says why: the CUDA platform is not available because NVML Shared Library Not Found.`);
    expect(f[0].evidence.map((e) => e.line)).toEqual([1, 2, 7]);
    expect(f[0].remediation).toHaveLength(5);
    expect(f[0].remediation[0]).toMatch(/^Check from inside the container: `nvidia-smi` must list the GPU/);
  });

  it("is only a warning on the INFO verdict while nothing has failed yet", async () => {
    const f = await mine(text([noPlatform, "INFO 11-03 15:40:15 [api_server.py:1805] vLLM API server version 0.10.1"]));
    expect(f).toHaveLength(1);
    expect(f[0].severity).toBe("warning");
    expect(f[0].message).toBe(VERDICT);
  });

  it("reads the failure alone (before 0.7.3, and torch's empty device string) and the missing libcuda as the reason", async () => {
    const old = await mine(text(["RuntimeError: Failed to infer device type"]));
    expect(old.map((x) => [x.severity, x.message])).toEqual([["error", INFERRED]]);
    const empty = await mine(text(["RuntimeError: Device string must not be empty"]));
    expect(empty.map((x) => x.message)).toEqual([INFERRED]);
    const lib = await mine(text([
      "WARNING 11-03 15:40:11 [_custom_ops.py:21] Failed to import from vllm._C with ImportError('libcuda.so.1: cannot open shared object file: No such file or directory')",
      "RuntimeError: Failed to infer device type",
    ]));
    expect(lib.map((x) => x.message)).toEqual([`${INFERRED} The log says why: libcuda.so.1: cannot open shared object file.`]);
    expect(lib[0].evidence.map((e) => e.line)).toEqual([1, 2]);
  });

  it("stays quiet on a detected platform and on a platform probe failing alone (a CPU build probes CUDA first)", async () => {
    expect(await mine(text([
      debugWhy,
      "DEBUG 11-03 15:40:12 [__init__.py:44] TPU platform is not available because: No module named 'libtpu'",
      "INFO 11-03 15:40:12 [__init__.py:241] Automatically detected platform cpu.",
      "INFO 11-03 15:40:15 [api_server.py:1805] vLLM API server version 0.10.1",
    ]))).toEqual([]);
  });

  it("reads the lines the same behind a docker compose prefix", async () => {
    const lines = [debugWhy, noPlatform, "INFO 11-03 15:40:15 [api_server.py:1805] vLLM API server version 0.10.1", ...failed].map((l) => `vllm-server-1  | ${l}`);
    const f = await mine(text(lines));
    expect(f.map((x) => [x.severity, x.message])).toEqual([["error", `${VERDICT} The log says why: the CUDA platform is not available because NVML Shared Library Not Found.`]]);
    expect(f[0].evidence.map((e) => e.line)).toEqual([1, 2, 7]);
  });
});
