import { describe, expect, it } from "vitest";
import { analyzeText, ids } from "./analyze-text.js";

/**
 * Clean logs with the lines that look like trouble but are not (modelled on ../shared/reference): no rule may
 * report an `error` on them. Each log runs through the whole pipeline, as `analyze` reads a file.
 */
const log = (...lines: string[]) => lines.join("\n") + "\n";

describe("false alarms: clean logs get no error finding", () => {
  it("V0 start-up without swap space: `# CPU blocks: 0` is not an empty KV cache", async () => {
    const r = await analyzeText(log(
      "INFO 05-02 10:00:00 llm_engine.py:161] Initializing an LLM engine (v0.4.2) with config: model='acme/tiny-7b', tokenizer='acme/tiny-7b', dtype=torch.float16, max_seq_len=4096, tensor_parallel_size=1, disable_custom_all_reduce=False, seed=0)",
      "INFO 05-02 10:00:06 model_runner.py:175] Loading model weights took 12.5523 GB",
      "INFO 05-02 10:00:07 gpu_executor.py:114] # GPU blocks: 2746, # CPU blocks: 0",
      "INFO:     Application startup complete.",
    ));
    expect(ids(r, "error")).toEqual([]);
    expect(ids(r)).not.toContain("vllm/no-kv-cache-memory");
    expect(r.facts.kvCache.gpuBlocks).toBe(2746);
  });

  it("benign NCCL WARNs: no verbs library, no net plugin, CollNet unsupported, a missing sysfs path", async () => {
    const r = await analyzeText(log(
      "node1:100:100 [0] NCCL INFO Bootstrap : Using eth0:10.1.2.3<0>",
      "node1:100:100 [0] NCCL INFO NET/Plugin : No plugin found (libnccl-net.so), using internal implementation",
      "",
      "node1:100:100 [0] misc/ibvwrap.cc:63 NCCL WARN Failed to open libibverbs.so[.1]",
      "node1:100:100 [0] NCCL INFO NET/Socket : Using [0]eth0:10.1.2.3<0>",
      "node1:100:100 [0] NCCL INFO Using network Socket",
      "",
      "node1:100:100 [0] misc/utils.cc:90 NCCL WARN Could not find real path of /sys/class/net/eth0/device",
      "",
      "node1:100:100 [0] init.cc:800 NCCL WARN CollNet is not supported on this system, ignoring",
      "NCCL version 2.18.1+cuda12.1",
      "node1:100:200 [0] NCCL INFO Channel 00/0 : 0[0] -> 1[1] via P2P/IPC",
      "node1:100:200 [0] NCCL INFO comm 0x55d0 rank 0 nranks 2 cudaDev 0 busId 1000 commId 0x1f - Init COMPLETE",
    ));
    expect(ids(r, "error")).toEqual([]);
  });

  it("NCCL INFO lines that name settings: NCCL_IB_DISABLE, NCCL_MULTI_RANK_GPU_ENABLE, NCCL_DEBUG_SUBSYS", async () => {
    const r = await analyzeText(log(
      "node1:7:7 [0] NCCL INFO NCCL_IB_DISABLE set by environment to 1.",
      "node1:7:7 [0] NCCL INFO NCCL_MULTI_RANK_GPU_ENABLE set by environment to 1.",
      "node1:7:7 [0] NCCL INFO NCCL_DEBUG_SUBSYS set by environment to INIT,NET.",
      "node1:7:7 [0] NCCL INFO NET/Socket : Using [0]ens3:172.31.1.10<0>",
      "node1:7:7 [0] NCCL INFO Using network Socket",
      "node1:7:9 [0] NCCL INFO comm 0x1 rank 0 nranks 2 cudaDev 0 busId 1000 commId 0x2 - Init COMPLETE",
    ));
    expect(ids(r, "error")).toEqual([]);
    expect(ids(r)).not.toContain("nccl/duplicate-gpu");
  });

  it("connection retries that succeeded (NCCL 2.27 retry INFO lines, then Init COMPLETE)", async () => {
    const r = await analyzeText(log(
      "hostA:11:11 [0] NCCL INFO Bootstrap: Using eth0:10.0.0.1<0>",
      "hostA:11:11 [0] NCCL INFO NCCL version 2.27.3+cuda12.8",
      "hostA:11:15 [0] NCCL INFO socketStartConnect: connect to 10.0.0.2<41234> returned Connection refused, retrying (1/34) after sleep for 100 msec",
      "hostA:11:15 [0] NCCL INFO socketStartConnect: connect to 10.0.0.2<41234> returned Connection refused, retrying (2/34) after sleep for 100 msec",
      "hostA:11:15 [0] NCCL INFO comm 0x1 rank 0 nRanks 2 nNodes 2 localRanks 1 localRank 0 MNNVL 0",
      "hostA:11:15 [0] NCCL INFO ncclCommInitRank comm 0x1 rank 0 nranks 2 cudaDev 0 nvmlDev 0 busId 18000 commId 0xabc - Init COMPLETE",
    ));
    expect(ids(r, "error")).toEqual([]);
    expect(ids(r)).not.toContain("nccl/bootstrap-failure");
  });

  it("retries with no outcome in the excerpt are a warning, a give-up is an error", async () => {
    const retrying = log(
      "hostA:11:15 [0] NCCL INFO socketStartConnect: connect to 10.0.0.2<41234> returned Connection refused, retrying (1/34) after sleep for 100 msec",
      "hostA:11:15 [0] NCCL INFO socketStartConnect: connect to 10.0.0.2<41234> returned Connection refused, retrying (2/34) after sleep for 100 msec",
    );
    const r = await analyzeText(retrying);
    const f = r.findings.find((x) => x.ruleId === "nccl/bootstrap-failure")!;
    expect(f.severity).toBe("warning");
    expect(f.evidence[0].line).toBe(1);
    const gaveUp = await analyzeText(retrying + "\nhostA:11:15 [0] misc/socket.cc:600 NCCL WARN socketStartConnect: connect to 10.0.0.2<41234> returned Connection refused, exceeded error retry count after 35 attempts\n");
    expect(gaveUp.findings.find((x) => x.ruleId === "nccl/bootstrap-failure")?.severity).toBe("error");
  });

  it("an INFO error-return inside a probe NCCL recovers from, followed by Init COMPLETE", async () => {
    const r = await analyzeText(log(
      "h9:5:5 [0] NCCL INFO NET/IB : Using [0]mlx5_0:1/IB ; OOB ib0:10.9.0.1<0>",
      "h9:5:5 [0] NCCL INFO misc/cudawrap.cc:120 -> 1",
      "h9:5:5 [0] NCCL INFO transport/net_ib.cc:400 -> 2",
      "h9:5:7 [0] NCCL INFO comm 0x9 rank 0 nranks 8 cudaDev 0 busId 18000 commId 0x3 - Init COMPLETE",
    ));
    expect(ids(r, "error")).toEqual([]);
  });

  it("InfiniBand async events that only report a port coming up", async () => {
    const r = await analyzeText(log(
      "h9:5:5 [0] NCCL INFO NET/IB : Using [0]mlx5_0:1/IB ; OOB ib0:10.9.0.1<0>",
      "",
      "h9:5:9 [0] transport/net_ib.cc:100 NCCL WARN NET/IB : mlx5_0:1 Got async event : port active",
      "h9:5:7 [0] NCCL INFO comm 0x9 rank 0 nranks 8 cudaDev 0 busId 18000 commId 0x3 - Init COMPLETE",
    ));
    expect(ids(r, "error")).toEqual([]);
  });

  it("PyTorch's ProcessGroupNCCL option dump and its shutdown warning (TIMEOUT, ERROR_HANDLING, pending NCCL operations)", async () => {
    const r = await analyzeText(log(
      "[rank0]:[I401 10:00:00.000000000 ProcessGroupNCCL.cpp:936] [PG ID 0 PG GUID 0 Rank 0] ProcessGroupNCCL initialization options: size: 2, global rank: 0, TIMEOUT(ms): 600000, USE_HIGH_PRIORITY_STREAM: 0, SPLIT_FROM: 0, SPLIT_COLOR: 0, PG Name: 0",
      "[rank0]:[I401 10:00:00.000000000 ProcessGroupNCCL.cpp:945] [PG ID 0 PG GUID 0 Rank 0] ProcessGroupNCCL environments: NCCL version: 2.21.5, TORCH_NCCL_ASYNC_ERROR_HANDLING: 1, TORCH_NCCL_DUMP_ON_TIMEOUT: 0, TORCH_NCCL_DESYNC_DEBUG: 0, TORCH_NCCL_HEARTBEAT_TIMEOUT_SEC: 480",
      "[rank0]:[W401 10:30:00.000000000 ProcessGroupNCCL.cpp:1250] Warning: WARNING: process group has NOT been destroyed before we destruct ProcessGroupNCCL. On normal program exit, the application should call destroy_process_group to ensure that any pending NCCL operations have finished in this process. (function operator())",
      "/usr/lib/python3.12/multiprocessing/resource_tracker.py:254: UserWarning: resource_tracker: There appear to be 1 leaked shared_memory objects to clean up at shutdown",
      "  warnings.warn('resource_tracker: There appear to be %d '",
    ));
    expect(ids(r, "error")).toEqual([]);
  });

  it("vLLM WARNINGs with alarming words: ulimit errors, PCIe custom all-reduce, chunked prefill limits", async () => {
    const r = await analyzeText(log(
      "WARNING 04-01 10:00:00 [utils.py:2444] Found ulimit of 1024 and failed to automatically increase with error current limit exceeds maximum limit. This can cause fd limit errors like `OSError: [Errno 24] Too many open files`. Consider increasing with ulimit -n",
      "WARNING 04-01 10:00:01 [arg_utils.py:1200] max_num_batched_tokens (2048) is smaller than max_model_len (32768). This effectively limits the maximum sequence length to max_num_batched_tokens and makes vLLM reject longer sequences. Please increase max_num_batched_tokens or decrease max_model_len.",
      "(VllmWorker rank=0 pid=31) WARNING 04-01 10:00:05 [custom_all_reduce.py:136] Custom allreduce is disabled because it's not supported on more than two PCIe-only GPUs. To silence this warning, specify disable_custom_all_reduce=True explicitly.",
      "(VllmWorker rank=0 pid=31) WARNING 04-01 10:00:09 [topk_topp_sampler.py:69] FlashInfer is not available. Falling back to the PyTorch-native implementation of top-p & top-k sampling.",
      "INFO:     Application startup complete.",
    ));
    expect(ids(r, "error")).toEqual([]);
    expect(ids(r, "warning")).toEqual(["vllm/custom-allreduce-disabled"]);
  });

  it("a Hugging Face request retried, after which the model loaded", async () => {
    const r = await analyzeText(log(
      "WARNING:huggingface_hub.utils._http:'(ReadTimeoutError(\"HTTPSConnectionPool(host='huggingface.co', port=443): Read timed out. (read timeout=10)\"), '(Request ID: 5c1e)')' thrown while requesting HEAD https://huggingface.co/acme/tiny-model/resolve/main/config.json",
      "Retrying in 1s [Retry 1/5].",
      "INFO 04-01 10:00:10 [gpu_model_runner.py:1595] Model loading took 14.99 GiB and 12.3 seconds",
      "(EngineCore_0 pid=7) INFO 04-01 10:00:30 [kv_cache_utils.py:829] GPU KV cache size: 100,000 tokens",
    ));
    expect(ids(r, "error")).toEqual([]);
    expect(ids(r)).not.toContain("vllm/model-download");
  });

  it("Ray's dedup of a benign WARN on other nodes ([repeated Nx across cluster])", async () => {
    const r = await analyzeText(log(
      "(RayWorkerWrapper pid=2201, ip=10.0.0.5) node2:2201:2201 [0] NCCL INFO Bootstrap : Using eth0:10.0.0.5<0>",
      "(RayWorkerWrapper pid=2201, ip=10.0.0.5) node2:2201:2201 [0] misc/ibvwrap.cc:63 NCCL WARN Failed to open libibverbs.so[.1] [repeated 7x across cluster]",
      "(RayWorkerWrapper pid=2201, ip=10.0.0.5) node2:2201:2201 [0] NCCL INFO NET/Plugin : No plugin found (libnccl-net.so), using internal implementation [repeated 7x across cluster]",
    ));
    expect(ids(r, "error")).toEqual([]);
  });

  it("a worker that exits while a V1 server that served requests shuts down", async () => {
    const r = await analyzeText(log(
      "(APIServer pid=1) INFO 04-01 10:00:00 [loggers.py:123] Engine 000: Avg prompt throughput: 10.0 tokens/s, Avg generation throughput: 20.0 tokens/s, Running: 1 reqs, Waiting: 0 reqs, GPU KV cache usage: 1.0%, Prefix cache hit rate: 0.0%",
      "(APIServer pid=1) INFO:     Shutting down",
      "(EngineCore_0 pid=5) ERROR 04-01 10:05:00 [multiproc_executor.py:150] Worker proc VllmWorker-1 died unexpectedly, shutting down executor.",
    ));
    expect(ids(r)).not.toContain("vllm/engine-init-failed");
  });

  it("a user's Ctrl-C while the weights load is not an engine failure", async () => {
    const r = await analyzeText(log(
      "INFO 04-01 10:00:00 [gpu_model_runner.py:1] Starting to load model acme/tiny-7b...",
      "Traceback (most recent call last):",
      '  File "/usr/lib/python3/dist-packages/vllm/v1/worker/gpu_model_runner.py", line 1, in load_model',
      "    self.model = get_model(vllm_config=self.vllm_config)",
      "KeyboardInterrupt",
    ));
    expect(ids(r, "error")).toEqual([]);
  });

  it("a cache smaller than max_model_len without the concurrency line is only a suspicion (sliding-window models)", async () => {
    const r = await analyzeText(log(
      "(APIServer pid=1) INFO 04-01 10:00:00 [utils.py:100] non-default args: {'model': 'acme/window-27b', 'max_model_len': 131072}",
      "(EngineCore_0 pid=7) INFO 04-01 10:00:30 [kv_cache_utils.py:829] GPU KV cache size: 50,000 tokens",
    ));
    expect(ids(r, "error")).toEqual([]);
    expect(r.findings.find((f) => f.ruleId === "vllm/kv-cache-too-small")?.severity).toBe("warning");
  });

  it("a warning that vLLM pads a dimension to the tensor parallel size", async () => {
    const r = await analyzeText(log("WARNING 04-01 10:00:00 [vocab_parallel_embedding.py:1] The vocab size (32001) is not divisible by tensor parallel size (4); padding it to 32004."));
    expect(ids(r, "error")).toEqual([]);
  });
});
