import { describe, expect, it } from "vitest";
import { rule } from "../../../src/rules/nccl/oneccl-error.js";
import { run } from "../helpers.js";

describe("nccl/oneccl-error", () => {
  it("names the failing step and the device-handle advice for fill_device_fds", () => {
    const f = run(rule, {
      lines: [
        "2025:06:01-08:10:11:(  902) |CCL_ERROR| ze_fd_manager.cpp:220 fill_device_fds: condition fds[dev_idx] > 0 failed",
        "RuntimeError: oneCCL: ze_fd_manager.cpp:220 fill_device_fds: EXCEPTION: open failed: fd: -1, errno: Permission denied",
      ],
    });
    expect(f).toHaveLength(1);
    expect(f[0].message).toMatch(/failed in fill_device_fds \(ze_fd_manager\.cpp:220\): condition fds\[dev_idx\] > 0 failed\. The ranks could not exchange/);
    expect(f[0].remediation[0]).toMatch(/CCL_ZE_IPC_EXCHANGE=sockets/);
    expect(f[0].evidence.map((e) => e.line)).toEqual([1, 2]);
  });
  it("gives the worker-thread advice for start_workers", () => {
    const f = run(rule, { lines: ["RuntimeError: oneCCL: exec.cpp:140 start_workers: EXCEPTION: failed to start worker # 1"] });
    expect(f[0].message).toMatch(/in start_workers \(exec\.cpp:140\): failed to start worker # 1\. oneCCL could not start its worker threads/);
    expect(f[0].remediation[0]).toMatch(/CCL_WORKER_AFFINITY/);
    expect(f[0].remediation).toHaveLength(2);
  });
  it("oneCCL's warnings and info lines are no failure", () => {
    expect(run(rule, {
      lines: [
        "2025:06:01-08:10:11:(  902) |CCL_WARN| pidfd is not supported, fallbacks to drmfd exchange mode",
        "2025:06:01-08:10:11:(  902) |CCL_WARN| fallback to 'sockets' mode of ze exchange mechanism, to use CCL_ZE_IPC_EXHANGE=drmfd, set CCL_LOCAL_RANK/SIZE explicitly  or use process launcher",
        "2026:02:01-09:09:07: 6133:[0] |CCL_INFO| CCL_WORKER_COUNT: 1",
      ],
    })).toEqual([]);
  });
});
