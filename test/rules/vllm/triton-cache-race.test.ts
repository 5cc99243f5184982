import { describe, expect, it } from "vitest";
import { rule } from "../../../src/rules/vllm/triton-cache-race.js";
import { run } from "../helpers.js";

describe("vllm/triton-cache-race", () => {
  it("names the kernel's file, the writing process and the cache directory of Triton 2.x/3.0's temporary name", () => {
    const f = run(rule, { lines: ["(VllmWorkerProcess pid=5120) ERROR 08-14 02:10:44 multiproc_worker_utils.py:226] FileNotFoundError: [Errno 2] No such file or directory: '/home/ci/.triton/cache/3f9a0c2e71d84b5a/_attn_fwd.cubin.tmp.pid_5120_917263'"] });
    expect(f).toHaveLength(1);
    expect(f[0].message).toBe("Triton's kernel cache in /home/ci/.triton/cache lost a file: the temporary copy of _attn_fwd.cubin (written by process 5120) was gone when it was read. Several processes compiled the same kernel into one shared cache directory at once and one of them moved or replaced the file under another (a race in Triton's file cache). The process that met it stops: at start-up the engine fails to start, in a run the engine dies at the request that compiled the kernel.");
    expect(f[0].remediation[0]).toContain("TRITON_CACHE_DIR");
    expect(f[0].evidence.map((e) => e.line)).toEqual([1]);
  });
  it("says a rename for os.replace's two-path message, and points Inductor's directory at Inductor's settings", () => {
    const f = run(rule, { lines: ["FileNotFoundError: [Errno 2] No such file or directory: '/tmp/torchinductor_svc/triton/0/7c1d/triton_red_fused_1.json.tmp.pid_88_4f2a9c1e-0b7d-4e55-a1c3-9d8e7f6a5b4c' -> '/tmp/torchinductor_svc/triton/0/7c1d/triton_red_fused_1.json'"] });
    expect(f[0].message).toContain("in /tmp/torchinductor_svc/triton/0 lost a file: the temporary copy of triton_red_fused_1.json (written by process 88) was gone when it was to be renamed into place");
    expect(f[0].remediation[0]).toContain("TORCHINDUCTOR_COMPILE_THREADS=1");
  });
  it("reads the private temporary directory of later releases", () => {
    const f = run(rule, { lines: ["[rank1]: FileNotFoundError: [Errno 2] No such file or directory: '/scratch/tc/KX3VQ7/tmp.pid_2231_5d9e0a14-6c2b-4f7e-9a31-0e4b8c7d2f16/_fused_moe_kernel.json'"] });
    expect(f[0].message).toContain("Triton's kernel cache in /scratch/tc lost a file: the temporary copy of _fused_moe_kernel.json (written by process 2231)");
  });
  it("stays quiet on a cache file missing without a temporary name, on a line that only names one, and on Triton's own source", () => {
    expect(run(rule, { lines: ["FileNotFoundError: [Errno 2] No such file or directory: '/root/.triton/cache/3f9a0c2e/_attn_fwd.json'"] })).toEqual([]);
    expect(run(rule, { lines: ["DEBUG 08-14 02:10:44 cleaning /root/.triton/cache/3f9a0c2e/_attn_fwd.json.tmp.pid_12_99"] })).toEqual([]);
    expect(run(rule, { lines: ['    temp_path = f"{filepath}.tmp.pid_{pid}_{rnd_id}"'] })).toEqual([]);
  });
});
