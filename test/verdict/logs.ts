/**
 * Logs written for the verdict and cause-order tests, from the formats in ../shared/reference (vLLM V1 prefixes,
 * NCCL 2.21 INFO/WARN lines, PyTorch tracebacks). Each is one incident with several findings.
 */

const V = (pid: number, level: string, file: string, msg: string, t = "05-14 10:02:11") => `${level} ${t} [${file}] ${msg}`;
const W = (rank: number, pid: number, line: string) => `(VllmWorker rank=${rank} pid=${pid}) ${line}`;

/** 2 nodes, NCCL picks an IPv6 link-local address: unreachable → socket WARNs → system error → engine init failed. */
export const IPV6_LINK_LOCAL = [
  V(1, "INFO", "__init__.py:239", "Automatically detected platform cuda."),
  V(1, "INFO", "api_server.py:1043", "vLLM API server version 0.8.5"),
  V(1, "INFO", "core.py:58", "Initializing a V1 LLM engine (v0.8.5) with config: model='meta-llama/Llama-3.1-70B-Instruct', speculative_config=None, tokenizer='meta-llama/Llama-3.1-70B-Instruct', dtype=torch.bfloat16, max_seq_len=8192, tensor_parallel_size=16, pipeline_parallel_size=1, disable_custom_all_reduce=False, quantization=None, enforce_eager=False, seed=0"),
  W(0, 4101, "node-a:4101:4101 [0] NCCL INFO Bootstrap : Using eth0:10.20.0.11<0>"),
  W(0, 4101, "node-a:4101:4101 [0] NCCL INFO cudaDriverVersion 12040"),
  W(0, 4101, "NCCL version 2.21.5+cuda12.4"),
  W(0, 4101, "node-a:4101:4101 [0] NCCL INFO NET/IB : No device found."),
  W(0, 4101, "node-a:4101:4101 [0] NCCL INFO NET/Socket : Using [0]eth0:10.20.0.11<0> [1]eth1:fe80::a00:27ff:fe4e:66a1%eth1<0>"),
  W(0, 4101, "node-a:4101:4101 [0] NCCL INFO Using network Socket"),
  W(0, 4101, "node-a:4101:4190 [0] misc/socket.cc:484 NCCL WARN socketStartConnect: Connect to fe80::a00:27ff:fe4e:7b02%11<43311> failed : Network is unreachable"),
  W(0, 4101, "node-a:4101:4190 [0] NCCL INFO misc/socket.cc:565 -> 2"),
  W(0, 4101, "node-a:4101:4190 [0] NCCL INFO misc/socket.cc:587 -> 2"),
  W(0, 4101, "node-a:4101:4190 [0] NCCL INFO transport/net_socket.cc:339 -> 2"),
  W(0, 4101, "node-a:4101:4101 [0] NCCL INFO init.cc:1293 -> 2"),
  W(0, 4101, "ERROR 05-14 10:02:40 [multiproc_executor.py:470] WorkerProc failed to start."),
  W(0, 4101, "ERROR 05-14 10:02:40 [multiproc_executor.py:470] Traceback (most recent call last):"),
  W(0, 4101, "ERROR 05-14 10:02:40 [multiproc_executor.py:470]   File \"/usr/local/lib/python3.12/dist-packages/vllm/v1/executor/multiproc_executor.py\", line 444, in worker_main"),
  W(0, 4101, "ERROR 05-14 10:02:40 [multiproc_executor.py:470]     worker = WorkerProc(*args, **kwargs)"),
  W(0, 4101, "ERROR 05-14 10:02:40 [multiproc_executor.py:470]   File \"/usr/local/lib/python3.12/dist-packages/vllm/distributed/device_communicators/pynccl.py\", line 99, in __init__"),
  W(0, 4101, "ERROR 05-14 10:02:40 [multiproc_executor.py:470]     self.comm: ncclComm_t = self.nccl.ncclCommInitRank("),
  W(0, 4101, "ERROR 05-14 10:02:40 [multiproc_executor.py:470] RuntimeError: NCCL error: unhandled system error (run with NCCL_DEBUG=INFO for details)"),
  V(1, "ERROR", "core.py:396", "EngineCore failed to start.", "05-14 10:02:41"),
  "RuntimeError: Engine core initialization failed. See root cause above. Failed core proc(s): {}",
  "",
].join("\n");

/** A remote peer refuses the connection while the ranks connect: bootstrap failure, remote error, engine failure. */
export const PEER_REFUSED = [
  V(1, "INFO", "api_server.py:1043", "vLLM API server version 0.9.1"),
  V(1, "INFO", "core.py:58", "Initializing a V1 LLM engine (v0.9.1) with config: model='Qwen/Qwen2.5-72B-Instruct', dtype=torch.bfloat16, max_seq_len=32768, tensor_parallel_size=8, pipeline_parallel_size=2, quantization=None, enforce_eager=False, seed=0"),
  W(0, 5001, "gpu-1:5001:5001 [0] NCCL INFO Bootstrap : Using ens5:10.82.101.17<0>"),
  W(0, 5001, "NCCL version 2.21.5+cuda12.4"),
  W(0, 5001, "gpu-1:5001:5001 [0] NCCL INFO NET/IB : Using [0]mlx5_0:1/IB [1]mlx5_1:1/IB ; OOB ens5:10.82.101.17<0>"),
  W(0, 5001, "gpu-1:5001:5001 [0] NCCL INFO Using network IB"),
  W(0, 5001, "gpu-1:5001:5230 [0] misc/socket.cc:484 NCCL WARN socketStartConnect: Connect to 10.82.101.249<37857> failed : Connection refused"),
  W(0, 5001, "gpu-1:5001:5230 [0] NCCL INFO misc/socket.cc:565 -> 2"),
  W(0, 5001, "gpu-1:5001:5230 [0] NCCL INFO bootstrap.cc:75 -> 2"),
  W(0, 5001, "gpu-1:5001:5001 [0] NCCL INFO init.cc:1293 -> 6"),
  W(0, 5001, "ERROR 06-02 11:40:05 [multiproc_executor.py:470] WorkerProc failed to start."),
  W(0, 5001, "ERROR 06-02 11:40:05 [multiproc_executor.py:470] Traceback (most recent call last):"),
  W(0, 5001, "ERROR 06-02 11:40:05 [multiproc_executor.py:470]   File \"/usr/local/lib/python3.12/dist-packages/vllm/distributed/device_communicators/pynccl.py\", line 99, in __init__"),
  W(0, 5001, "ERROR 06-02 11:40:05 [multiproc_executor.py:470] RuntimeError: NCCL error: remote process exited or there was a network error"),
  V(1, "ERROR", "core.py:396", "EngineCore failed to start.", "06-02 11:40:06"),
  "RuntimeError: Engine core initialization failed. See root cause above. Failed core proc(s): {}",
  "",
].join("\n");

/** SGLang: a scheduler dies of CUDA OOM while loading weights; no vLLM line anywhere. */
export const SGLANG_OOM = [
  "[2025-02-10 08:12:01] server_args=ServerArgs(model_path='Qwen/Qwen2.5-7B-Instruct', tp_size=2, dtype='auto', mem_fraction_static=0.88, random_seed=1234)",
  "[2025-02-10 08:12:05 TP0] Init torch distributed begin.",
  "[2025-02-10 08:12:05 TP1] Init torch distributed begin.",
  "[2025-02-10 08:12:07 TP0] sglang is using nccl==2.21.5",
  "[2025-02-10 08:12:09 TP0] Load weight begin. avail mem=5.61 GB",
  "[2025-02-10 08:12:20 TP0] Scheduler hit an exception: Traceback (most recent call last):",
  '  File "/sgl-workspace/sglang/python/sglang/srt/managers/scheduler.py", line 1787, in run_scheduler_process',
  "    scheduler = Scheduler(server_args, port_args, gpu_id, tp_rank, dp_rank)",
  '  File "/sgl-workspace/sglang/python/sglang/srt/model_executor/model_runner.py", line 215, in load_model',
  "    self.model = get_model(model_config=self.model_config, load_config=self.load_config, device_config=DeviceConfig(self.device))",
  "torch.OutOfMemoryError: CUDA out of memory. Tried to allocate 260.00 MiB. GPU 0 has a total capacity of 5.79 GiB of which 88.00 MiB is free. Including non-PyTorch memory, this process has 5.70 GiB memory in use.",
  "",
  "[2025-02-10 08:12:20] Received sigquit from a child process. It usually means the child failed.",
  "",
].join("\n");

/** torchrun training job: a collective times out after a peer went away. No vLLM. */
export const TORCHRUN_TIMEOUT = [
  "W0310 14:02:11.201000 140221 torch/distributed/run.py:792] *****************************************",
  "W0310 14:02:11.201000 140221 torch/distributed/run.py:792] Setting OMP_NUM_THREADS environment variable for each process to be 1 in default, to avoid your system being overloaded, please further tune the variable for optimal performance in your application as needed.",
  "[rank0]:[E310 14:32:40.118920 ProcessGroupNCCL.cc:616] [Rank 0] Watchdog caught collective operation timeout: WorkNCCL(SeqNum=4521, OpType=ALLREDUCE, NumelIn=2097152, NumelOut=2097152, Timeout(ms)=600000) ran for 600012 milliseconds before timing out.",
  "[rank0]:[E310 14:32:40.119301 ProcessGroupNCCL.cc:1785] [PG ID 0 PG GUID 0(default_pg) Rank 0] Exception (either an error before or timeout) detected by watchdog at work: 4521, last enqueued NCCL work: 4521, last completed NCCL work: 4520.",
  "E0310 14:32:47.503000 140221 torch/distributed/elastic/multiprocessing/api.py:869] failed (exitcode: -6) local_rank: 0 (pid: 140233) of binary: /usr/bin/python3",
  "",
].join("\n");

/** nccl-tests alone, healthy: no vLLM, no failure. */
export const NCCL_TESTS_OK = [
  "# nThread 1 nGpus 1 minBytes 8 maxBytes 134217728 step: 2(factor) warmup iters: 5 iters: 20 agg iters: 1 validation: 1 graph: 0",
  "#",
  "# Using devices",
  "#  Rank  0 Group  0 Pid  20001 on    node-a device  0 [0x18] NVIDIA H100 80GB HBM3",
  "#  Rank  1 Group  0 Pid  20002 on    node-a device  1 [0x2a] NVIDIA H100 80GB HBM3",
  "#",
  "#                                                              out-of-place                       in-place          ",
  "#       size         count      type   redop    root     time   algbw   busbw #wrong     time   algbw   busbw #wrong",
  "#        (B)    (elements)                               (us)  (GB/s)  (GB/s)            (us)  (GB/s)  (GB/s)       ",
  "   134217728      33554432     float     sum      -1    583.1  230.18  230.18      0    581.9  230.66  230.66      0",
  "# Out of bounds values : 0 OK",
  "# Avg bus bandwidth    : 230.42 ",
  "#",
  "",
].join("\n");

/** aws-ofi-nccl fails to initialise on a machine without EFA; NCCL goes on over its own IB transport and serving works. */
export const OFI_RECOVERED = [
  V(1, "INFO", "api_server.py:1043", "vLLM API server version 0.9.1"),
  V(1, "INFO", "core.py:58", "Initializing a V1 LLM engine (v0.9.1) with config: model='meta-llama/Llama-3.1-8B-Instruct', dtype=torch.bfloat16, max_seq_len=8192, tensor_parallel_size=2, pipeline_parallel_size=1, quantization=None, enforce_eager=False, seed=0"),
  W(0, 7001, "ip-10-1-2-3:7001:7001 [0] NCCL INFO Bootstrap : Using ens32:10.1.2.3<0>"),
  W(0, 7001, "ip-10-1-2-3:7001:7001 [0] NCCL INFO NET/Plugin: Loaded net plugin Libfabric (v8)"),
  W(0, 7001, "ip-10-1-2-3:7001:7001 [0] NCCL INFO NET/OFI Initializing aws-ofi-nccl 1.9.1-aws"),
  W(0, 7001, "ip-10-1-2-3:7001:7001 [0] NCCL INFO NET/OFI Using Libfabric version 1.21"),
  W(0, 7001, "ip-10-1-2-3:7001:7001 [0] NCCL INFO NET/OFI Setting provider_filter to efa"),
  W(0, 7001, "ip-10-1-2-3:7001:7001 [0] nccl_net_ofi.c:1012 NCCL WARN NET/OFI Couldn't find any optimal provider"),
  W(0, 7001, "ip-10-1-2-3:7001:7001 [0] nccl_net_ofi.c:1188 NCCL WARN NET/OFI aws-ofi-nccl initialization failed"),
  W(0, 7001, "ip-10-1-2-3:7001:7001 [0] NCCL INFO net.cc:626 -> 2"),
  W(0, 7001, "ip-10-1-2-3:7001:7001 [0] NCCL INFO NET/IB : Using [0]mlx5_0:1/IB [RO]; OOB ens32:10.1.2.3<0>"),
  W(0, 7001, "ip-10-1-2-3:7001:7001 [0] NCCL INFO Using non-device net plugin version 0"),
  W(0, 7001, "ip-10-1-2-3:7001:7001 [0] NCCL INFO Using network IB"),
  W(0, 7001, "ip-10-1-2-3:7001:7001 [0] NCCL INFO Channel 00/0 : 0[0] -> 1[1] via P2P/IPC"),
  W(0, 7001, "ip-10-1-2-3:7001:7001 [0] NCCL INFO ncclCommInitRank comm 0x5581c0a0 rank 0 nranks 2 cudaDev 0 nvmlDev 0 busId 18000 commId 0x5e1f3b2c9d8a7f61 - Init COMPLETE"),
  W(1, 7002, "ip-10-1-2-3:7002:7002 [1] NCCL INFO ncclCommInitRank comm 0x55e0b1f0 rank 1 nranks 2 cudaDev 1 nvmlDev 1 busId 2a000 commId 0x5e1f3b2c9d8a7f61 - Init COMPLETE"),
  V(1, "INFO", "kv_cache_utils.py:634", "GPU KV cache size: 412,800 tokens", "05-14 10:03:40"),
  V(1, "INFO", "kv_cache_utils.py:637", "Maximum concurrency for 8,192 tokens per request: 50.39x", "05-14 10:03:40"),
  V(1, "INFO", "api_server.py:1090", "Starting vLLM API server 0 on http://0.0.0.0:8000", "05-14 10:03:52"),
  "INFO:     Application startup complete.",
  "",
].join("\n");

/** vLLM, a 7B bf16 model on a 6 GiB GPU: CUDA OOM while loading the weights. */
export const OOM_WEIGHTS = [
  V(1, "INFO", "api_server.py:1043", "vLLM API server version 0.9.1"),
  V(1, "INFO", "core.py:58", "Initializing a V1 LLM engine (v0.9.1) with config: model='Qwen/Qwen2.5-7B-Instruct', dtype=torch.bfloat16, max_seq_len=32768, tensor_parallel_size=1, pipeline_parallel_size=1, quantization=None, enforce_eager=False, seed=0"),
  V(1, "INFO", "gpu_model_runner.py:1329", "Starting to load model Qwen/Qwen2.5-7B-Instruct..."),
  V(1, "ERROR", "core.py:396", "EngineCore failed to start.", "05-14 10:02:30"),
  V(1, "ERROR", "core.py:396", "Traceback (most recent call last):", "05-14 10:02:30"),
  V(1, "ERROR", "core.py:396", '  File "/usr/local/lib/python3.12/dist-packages/vllm/v1/engine/core.py", line 387, in run_engine_core', "05-14 10:02:30"),
  V(1, "ERROR", "core.py:396", '  File "/usr/local/lib/python3.12/dist-packages/vllm/v1/worker/gpu_model_runner.py", line 1332, in load_model', "05-14 10:02:30"),
  V(1, "ERROR", "core.py:396", '  File "/usr/local/lib/python3.12/dist-packages/vllm/model_executor/model_loader/default_loader.py", line 269, in load_weights', "05-14 10:02:30"),
  V(1, "ERROR", "core.py:396", "torch.OutOfMemoryError: CUDA out of memory. Tried to allocate 136.00 MiB. GPU 0 has a total capacity of 5.79 GiB of which 42.56 MiB is free. Including non-PyTorch memory, this process has 5.74 GiB memory in use.", "05-14 10:02:30"),
  "RuntimeError: Engine core initialization failed. See root cause above. Failed core proc(s): {}",
  "",
].join("\n");

/** vLLM V1 start-up where the KV cache budget comes out negative: short by 2.14 GiB on a 24 GiB GPU at 0.7. */
export const KV_SHORT = [
  V(1, "INFO", "api_server.py:1043", "vLLM API server version 0.9.1"),
  V(1, "INFO", "core.py:58", "Initializing a V1 LLM engine (v0.9.1) with config: model='meta-llama/Llama-3.1-8B-Instruct', dtype=torch.bfloat16, max_seq_len=8192, tensor_parallel_size=1, pipeline_parallel_size=1, quantization=None, enforce_eager=False, seed=0"),
  V(1, "INFO", "gpu_model_runner.py:1347", "Model loading took 14.99 GiB and 4.81 seconds"),
  V(1, "INFO", "gpu_worker.py:227", "Memory profiling takes 2.10 seconds. Total non KV cache memory: 18.93GiB; torch peak memory increase: 3.11GiB; non-torch forward increase memory: 0.83GiB; weights memory: 14.99GiB."),
  V(1, "INFO", "kv_cache_utils.py:634", "Available KV cache memory: -2.14 GiB"),
  V(1, "ERROR", "core.py:396", "EngineCore failed to start.", "05-14 10:02:30"),
  "ValueError: No available memory for the cache blocks. Try increasing `gpu_memory_utilization` when initializing the engine.",
  "",
].join("\n");

/** Two nodes of one TP 8 × PP 2 job: the head node's vLLM log and the second node's NCCL lines, one commId. */
export const NODE0 = [
  V(1, "INFO", "api_server.py:1043", "vLLM API server version 0.9.1"),
  V(1, "INFO", "core.py:58", "Initializing a V1 LLM engine (v0.9.1) with config: model='meta-llama/Llama-3.1-70B-Instruct', dtype=torch.bfloat16, max_seq_len=32768, tensor_parallel_size=8, pipeline_parallel_size=2, quantization=None, enforce_eager=False, seed=0"),
  W(0, 5001, "gpu-1:5001:5001 [0] NCCL INFO Bootstrap : Using ens5:10.82.101.17<0>"),
  W(0, 5001, "gpu-1:5001:5001 [0] NCCL INFO Using network IB"),
  W(0, 5001, "gpu-1:5001:5001 [0] NCCL INFO ncclCommInitRank comm 0x55a1 rank 0 nranks 16 cudaDev 0 nvmlDev 0 busId 18000 commId 0x7a3c1f9e22b4d601 - Init COMPLETE"),
  V(1, "INFO", "kv_cache_utils.py:634", "GPU KV cache size: 643,232 tokens", "05-14 10:03:40"),
  V(1, "INFO", "kv_cache_utils.py:637", "Maximum concurrency for 32,768 tokens per request: 19.63x", "05-14 10:03:40"),
  "",
].join("\n");
export const NODE1 = [
  "gpu-2:6001:6001 [0] NCCL INFO Bootstrap : Using ens5:10.82.101.18<0>",
  "gpu-2:6001:6001 [0] NCCL INFO Using network IB",
  "gpu-2:6001:6001 [0] NCCL INFO ncclCommInitRank comm 0x77b2 rank 8 nranks 16 cudaDev 0 nvmlDev 0 busId 18000 commId 0x7a3c1f9e22b4d601 - Init COMPLETE",
  "",
].join("\n");
