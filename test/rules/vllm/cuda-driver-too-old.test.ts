import { describe, expect, it } from "vitest";
import { rule } from "../../../src/rules/vllm/cuda-driver-too-old.js";
import { run } from "../helpers.js";

describe("vllm/cuda-driver-too-old", () => {
  it("reads torch's found version as the driver's CUDA and says to update the driver or use an older build", () => {
    const f = run(rule, { lines: ["RuntimeError: The NVIDIA driver on your system is too old (found version 12080). Please update your GPU driver by downloading and installing a new version from the URL: http://www.nvidia.com/Download/index.aspx"] });
    expect(f).toHaveLength(1);
    expect(f[0].message).toContain("the driver supports CUDA up to 12.8");
    expect(f[0].remediation[1]).toContain("R580");
    expect(f[0].remediation[2]).toContain("cu128");
    expect(f[0].remediation).toHaveLength(3);
  });
  it("tells error 804 on a consumer GPU and the container toolkit's refusal apart", () => {
    const fc = run(rule, { lines: ["(EngineCore pid=133) ERROR 08-25 16:34:21 [core.py:1349] RuntimeError: Unexpected error from cudaGetDeviceCount(). Did you run some cuda functions before calling NumCudaDevices() that might have already set an error? Error 804: forward compatibility was attempted on non supported HW"] });
    expect(fc[0].message).toContain("error 804");
    expect(fc[0].remediation[3]).toContain("data-center GPUs");
    const ct = run(rule, { lines: ["nvidia-container-cli: requirement error: unsatisfied condition: cuda>=13.0, please update your driver to a newer version, or use an earlier cuda container: unknown"] });
    expect(ct[0].message).toContain("the image needs CUDA 13.0");
    expect(ct[0].remediation[3]).toContain("NVIDIA_DISABLE_REQUIRE");
  });
  it("stays quiet on NGC's forward-compatibility banner and on a healthy start", () => {
    expect(run(rule, { lines: ["NOTE: CUDA Forward Compatibility mode ENABLED.", "  Using CUDA 12.8 driver version 570.124.06 with kernel driver version 535.230.02."] })).toEqual([]);
    expect(run(rule, { lines: ["INFO 08-25 16:34:21 [__init__.py:241] Automatically detected platform cuda."] })).toEqual([]);
  });
});
