import { describe, expect, it } from "vitest";
import { analyzeText, ids } from "./rules/analyze-text.js";
import { variants } from "./helpers/variants.js";

/**
 * Container and host set-up (round 34, helper w): Ray's start-up warning that its object store cannot use /dev/shm
 * because /dev/shm has only N bytes free is the one line of a container's 64 MB default /dev/shm a vLLM log shows
 * before NCCL or a worker runs out of it. Every log text here is written for the test in the printed layout
 * (python/ray/_private/services.py: `WARNING: The object store is using <dir> instead of /dev/shm because /dev/shm has
 * only <n> bytes available. ...`), with the wrappers collectors add beside it.
 */

const rayShm = (bytes: number, dir = "/tmp") =>
  `2024-05-06 07:08:09,101\tWARNING services.py:2009 -- WARNING: The object store is using ${dir} instead of /dev/shm because /dev/shm has only ${bytes} bytes available. This will harm performance! You may be able to free up space by deleting files in /dev/shm. If you are inside a Docker container, you can increase /dev/shm size by passing '--shm-size=9.80gb' to 'docker run' (or add it to the run_options list in a Ray cluster config). Make sure to set this to more than 30% of available RAM.`;

const v0Start = (tp: number) =>
  `INFO 05-06 07:08:11 llm_engine.py:161] Initializing an LLM engine (v0.4.1) with config: model='/models/demo-13b', tokenizer='/models/demo-13b', dtype=torch.float16, max_seq_len=8192, tensor_parallel_size=${tp}, disable_custom_all_reduce=False, quantization=None, seed=0)`;

describe("Ray's /dev/shm size warning: a container's small /dev/shm before anything fails", () => {
  it("64 MiB free with TP 2: nccl/shm-too-small as a warning, its line the evidence, in every wrapper", async () => {
    const lines = [rayShm(67108864), "2024-05-06 07:08:10,202\tINFO worker.py:1749 -- Started a local Ray instance.", v0Start(2)];
    for (const text of variants(lines, { compose: true })) {
      const r = await analyzeText(text + "\n");
      const f = r.findings.find((x) => x.ruleId === "nccl/shm-too-small");
      expect(f?.severity, text.slice(0, 40)).toBe("warning");
      expect(f?.evidence.map((e) => e.line)).toEqual([1]);
      expect(f?.message).toContain("only 64 MiB free (line 1)");
      expect(f?.message).toContain("with 2 GPUs");
      expect(r.facts.config.tensorParallelSize).toBe(2);
      expect(r.facts.firstError).toBeNull();
      expect(ids(r, "error")).toEqual([]);
    }
  });

  it("newer Ray names /tmp/ray; a size the line was cut after still counts (the number is whole)", async () => {
    const whole = rayShm(411021312, "/tmp/ray");
    const cut = whole.slice(0, whole.indexOf("This will") + 7);
    expect(cut).toContain("411021312 bytes available");
    const r = await analyzeText(`${cut}\n`);
    expect(ids(r)).toEqual(["nccl/shm-too-small"]);
    expect(r.findings[0].severity).toBe("warning");
    expect(r.findings[0].message).toContain("only 392 MiB free");
  });

  it("a /dev/shm of 1 GiB or more is a host's, not a container default: no finding", async () => {
    for (const bytes of [1073741824, 6541639680]) {
      const r = await analyzeText([rayShm(bytes), v0Start(4)].join("\n") + "\n");
      expect(ids(r), String(bytes)).toEqual([]);
    }
  });

  it("a run the log shows on one GPU never needs the room: no finding", async () => {
    const r = await analyzeText([rayShm(67108864), v0Start(1)].join("\n") + "\n");
    expect(r.facts.config.tensorParallelSize).toBe(1);
    expect(ids(r)).toEqual([]);
  });

  it("with NCCL's own shm failure the error stays one finding, and says the size the log reported", async () => {
    const lines = [
      rayShm(67108864),
      v0Start(4),
      "(RayWorkerWrapper pid=812) node-a:812:990 [1] misc/shmutils.cc:72 NCCL WARN Error: failed to extend /dev/shm/nccl-Qw3rTy to 9637892 bytes",
      "(RayWorkerWrapper pid=812) node-a:812:990 [1] misc/shmutils.cc:112 NCCL WARN Error while creating shared memory segment /dev/shm/nccl-Qw3rTy (size 9637888)",
    ];
    const r = await analyzeText(lines.join("\n") + "\n");
    const shm = r.findings.filter((x) => x.ruleId === "nccl/shm-too-small");
    expect(shm).toHaveLength(1);
    expect(shm[0].severity).toBe("error");
    expect(shm[0].evidence.map((e) => e.line)).toEqual([1, 3, 4]);
    expect(shm[0].message).toContain("The log reports /dev/shm with only 64 MiB free (line 1).");
    expect(r.facts.firstError?.line).toBe(3);
  });

  it("words about /dev/shm that are not Ray's size line are not read as one", async () => {
    const r = await analyzeText(["df: /dev/shm has 64M available", "the container's /dev/shm is 64M, see df", v0Start(2)].join("\n") + "\n");
    expect(ids(r)).toEqual([]);
    // (a df row for the mount is read as its size since round 38w, by its own signature: that line, not the prose)
    const df = await analyzeText(["df: /dev/shm has 64M available", "tmpfs  64M  0  64M  0% /dev/shm", v0Start(2)].join("\n") + "\n");
    expect(df.findings.filter((x) => x.ruleId === "nccl/shm-too-small").map((x) => [x.severity, x.evidence.map((e) => e.line)])).toEqual([["warning", [2]]]);
  });
});

describe("NCCL's cudawrap.cc WARN that names the CUDA library and dlerror's reason is advisory", () => {
  // misc/cudawrap.cc: `WARN("Failed to find CUDA library %s (NCCL_CUDA_PATH='%s') : %s", path, …, dlerror())`, then
  // initResult = ncclSystemError; ncclMemAlloc, the multicast and DMA-BUF checks fall back on that result and init goes
  // on (WSL2 keeps libcuda.so in /usr/lib/wsl/lib): the first WARN, never the first error or an nccl/error finding
  const lines = [
    "winbox:4410:4410 [0] NCCL INFO Bootstrap : Using eth0:172.20.31.9<0>",
    "winbox:4410:4410 [0] misc/cudawrap.cc:181 NCCL WARN Failed to find CUDA library libcuda.so (NCCL_CUDA_PATH='') : libcuda.so: cannot open shared object file: No such file or directory",
    "NCCL version 2.18.3+cuda12.2",
    "winbox:4410:4502 [0] NCCL INFO NET/Socket : Using [0]eth0:172.20.31.9<0>",
    "winbox:4410:4502 [0] NCCL INFO Using network Socket",
    "winbox:4410:4502 [0] NCCL INFO comm 0x5581c0a0 rank 0 nranks 2 cudaDev 0 busId 1000 - Init COMPLETE",
  ];

  it("first WARN, no first error, no finding, in every wrapper", async () => {
    const reports = await Promise.all(variants(lines).map((text) => analyzeText(`${text}\n`)));
    expect(reports).toHaveLength(4);
    for (const r of reports) {
      expect(r.facts.nccl.firstWarn?.text).toContain("Failed to find CUDA library libcuda.so");
      expect(r.facts.nccl.version).toBe("2.18.3");
      expect(r.facts.firstError).toBeNull();
      expect(ids(r)).toEqual([]);
    }
  });

  it("the same records glued on one physical line (a paste that lost its breaks) read the same", async () => {
    const r = await analyzeText(lines.slice(1, 5).join(" ") + "\n");
    expect(r.facts.nccl.firstWarn?.line).toBe(1);
    expect(r.facts.nccl.net).toBe("Socket");
    expect(r.facts.firstError).toBeNull();
    expect(ids(r)).toEqual([]);
  });

  it("a CUDA failure after it is still the first error", async () => {
    const failing = [...lines.slice(0, 5), "winbox:4410:4502 [0] include/alloc.h:114 NCCL WARN Cuda failure 'out of memory'"];
    const r = await analyzeText(failing.join("\n") + "\n");
    expect(r.facts.nccl.firstWarn?.line).toBe(2);
    expect(r.facts.firstError?.line).toBe(6);
    expect(ids(r)).toContain("nccl/cuda-error");
  });
});
