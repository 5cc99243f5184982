import { describe, expect, it } from "vitest";
import { rule } from "../../../src/rules/vllm/kernels-import-failed.js";
import { run } from "../helpers.js";

describe("vllm/kernels-import-failed", () => {
  it("a CUDA runtime library missing: names it, its CUDA version and vLLM's module when the line does", () => {
    const ours = run(rule, { lines: ["WARNING 08-27 13:59:59 _custom_ops.py:15] Failed to import from vllm._C with ImportError('libcudart.so.12: cannot open shared object file: No such file or directory')"] });
    expect(ours).toHaveLength(1);
    expect(ours[0].message).toBe("vLLM's compiled kernels (vllm._C) could not load libcudart.so.12: it was built for CUDA 12, and this environment has no CUDA 12 runtime. Without its kernels vLLM cannot run the model on the GPU.");
    expect(ours[0].remediation[0]).toContain("torch.version.cuda");
    const bare = run(rule, { lines: ["ImportError: libcudart.so.11.0: cannot open shared object file: No such file or directory"] });
    expect(bare[0].message).toContain("A compiled extension could not load libcudart.so.11.0: it was built for CUDA 11,");
  });
  it("a missing symbol: another torch; vLLM's own extension or another package's", () => {
    const ours = run(rule, { lines: ["ImportError: /opt/conda/lib/python3.10/site-packages/vllm/_C.abi3.so: undefined symbol: _ZN3c104cuda9SetDeviceEi"] });
    expect(ours[0].message).toContain("vLLM's compiled kernels (vllm/_C.abi3.so) do not match the installed torch: the symbol _ZN3c104cuda9SetDeviceEi is missing");
    expect(ours[0].remediation[0]).toContain("pip install vllm==<release>");
    const fa = run(rule, { lines: ["ImportError: /usr/local/lib/python3.10/dist-packages/flash_attn_2_cuda.cpython-310-x86_64-linux-gnu.so: undefined symbol: _ZN3c105ErrorC2ENS_14SourceLocationESs"] });
    expect(fa[0].message).toContain("A compiled extension (/usr/local/lib/python3.10/dist-packages/flash_attn_2_cuda.cpython-310-x86_64-linux-gnu.so) does not match");
    expect(fa[0].remediation[0]).toContain("flash-attn");
  });
  it("stays quiet on the driver's library, NCCL's, an ldd listing and a module absent from a CPU build", () => {
    for (const line of [
      "WARNING 09-02 06:44:03 [_custom_ops.py:20] Failed to import from vllm._C with ImportError('libcuda.so.1: cannot open shared object file: No such file or directory')",
      "OSError: libnccl.so.2: cannot open shared object file: No such file or directory",
      "\tlibcudart.so.12 => not found",
      "WARNING 06-01 10:00:00 _custom_ops.py:14] Failed to import from vllm._C with ModuleNotFoundError(\"No module named 'vllm._C'\")",
    ])
      expect(run(rule, { lines: [line] }), line).toEqual([]);
  });
});
