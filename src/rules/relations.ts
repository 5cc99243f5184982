/**
 * What caused what, as data: each rule's layer (how early in the chain of a failure it sits), the rules that may
 * cause it, and the programs (dialects) whose logs it applies to. The engine orders findings and fills
 * `causedBy` from this table (see src/rules/order.ts and docs/rules/ordering.md). A rule may also declare these
 * in its own `meta` (`layer`, `causedBy`, `dialects`); its meta wins over this table.
 */

/** The layers, in cause order: a failure in an earlier layer may explain one in a later layer, never the reverse. */
export const LAYERS = ["setup", "network", "memory", "nccl", "engine", "symptom"] as const;
export type Layer = (typeof LAYERS)[number];

/** The programs whose lines the report recognises (facts.dialects). */
export const DIALECTS = ["vllm", "sglang", "tgi", "trtllm", "lmdeploy", "pytorch", "nccl", "nccl-tests", "ray", "vllm-bench"] as const;
export type Dialect = (typeof DIALECTS)[number];

export interface Relation {
  layer: Layer;
  /** rule ids that may have caused a finding of this rule (linked when both fire, the cause not after it) */
  causedBy?: readonly string[];
  /** the rule only applies when one of these wrote lines of the log (absent: any log) */
  dialects?: readonly Dialect[];
  /** only the rule's findings of these severities are linked to a cause (absent: all of them) */
  causedAt?: readonly ("error" | "warning" | "info")[];
  /**
   * only the rule's findings of these severities explain others (absent: all of them): a rule that reports a failure as
   * its own error, or as a note on a failure another rule reads, explains the rest only in the first case
   */
  causesAt?: readonly ("error" | "warning" | "info")[];
}

// the failures that stop NCCL from connecting ranks, in any program
const NET_FAILURES = ["nccl/wrong-interface", "nccl/bootstrap-failure", "nccl/ib-error", "nccl/shm-too-small", "nccl/ofi-rail-mismatch"];
const NCCL_FAILURES = ["nccl/system-error", "nccl/internal-error", "nccl/remote-process-exited", "nccl/cuda-error", "nccl/duplicate-gpu", "nccl/error", "nccl/hccl-error", "nccl/oneccl-error", "nccl/collective-mismatch"];
const SETUP_FAILURES = ["vllm/deepgemm-failed", "vllm/dp-config-mismatch", "vllm/not-enough-gpus", "vllm/bad-cli-args", "vllm/model-support", "vllm/tp-not-divisible", "vllm/max-model-len-exceeds-model", "vllm/batched-tokens-below-max-model-len", "vllm/ray-insufficient-resources", "vllm/ray-node-ip-mismatch", "vllm/ray-dp-master-missing", "vllm/model-download", "vllm/port-in-use", "vllm/cuda-driver-too-old", "vllm/cuda-system-not-ready", "vllm/driver-library-mismatch", "vllm/visible-devices-uuid", "vllm/lora-rank-too-large", "vllm/lora-load-failed", "vllm/lora-max-rank-invalid", "vllm/quantization-unsupported", "vllm/dtype-unsupported", "vllm/kernels-import-failed", "vllm/nccl-library-load-failed", "vllm/torch-compile-failed", "vllm/neuron-compile-failed", "vllm/triton-cache-race", "vllm/pp-unsupported", "vllm/kv-connector-unknown", "vllm/spec-decode-draft-unsupported", "vllm/startup-interrupted", "vllm/no-gpu-platform", "vllm/no-visible-gpu", "cluster/version-mismatch", "cluster/container-gpu-setup-failed"];
// the GPU failing the process: out of memory, or a kernel fault (after which the CUDA context is unusable)
const MEMORY_FAILURES = ["vllm/cuda-oom", "vllm/host-oom", "vllm/fatal-signal", "vllm/cpp-abort", "vllm/gpu-xid", "vllm/cuda-error", "vllm/triton-out-of-resources", "vllm/cuda-graph-capture-failed", "vllm/no-kv-cache-memory", "vllm/kv-cache-too-small"];
const VLLM: readonly Dialect[] = ["vllm"];

export const RELATIONS: Readonly<Record<string, Relation>> = {
  // setup: configuration, placement, versions, downloads
  // argparse's `prog: error: ...` (the prog a vllm command or a .py script): the command line of any launcher
  "vllm/bad-cli-args": { layer: "setup" },
  "vllm/tp-not-divisible": { layer: "setup", dialects: VLLM },
  "vllm/max-model-len-exceeds-model": { layer: "setup", dialects: VLLM },
  "vllm/batched-tokens-below-max-model-len": { layer: "setup", dialects: VLLM },
  // a multi-modal worst case (--limit-mm-per-prompt × the largest item) longer than the sequence start-up profiling runs:
  // the configuration, which the memory profile then under-measures
  "vllm/mm-profile-too-short": { layer: "setup", dialects: VLLM },
  // a request's multi-modal item larger than the encoder cache sized at start-up: the configuration against the inputs sent
  "vllm/mm-encoder-cache-exceeded": { layer: "setup", dialects: VLLM },
  "vllm/ray-insufficient-resources": { layer: "setup", dialects: VLLM },
  "vllm/ray-node-ip-mismatch": { layer: "setup", dialects: VLLM },
  "vllm/ray-dp-master-missing": { layer: "setup", dialects: VLLM },
  // the Hugging Face Hub and CUDA memory fail the same way under any Python server: these two apply to every log
  "vllm/model-download": { layer: "setup" },
  // the registry's and Transformers' refusals of an architecture, and the remote-code ones: SGLang prints them too
  "vllm/model-support": { layer: "setup" },
  // a port taken: the API server's (uvicorn's message is the same under any Python server), torch's store, ZMQ
  "vllm/port-in-use": { layer: "setup" },
  // the checkpoint's quantization refused: a method, dtype, GPU or platform it cannot run on (vLLM's config and layers;
  // a plain traceback of a script shows them without any vLLM record)
  "vllm/quantization-unsupported": { layer: "setup" },
  // the GPU older than the model's dtype needs (bfloat16 below compute capability 8.0): vLLM's device check, the same
  // words under any launcher or script (a plain traceback shows them without any vLLM record)
  "vllm/dtype-unsupported": { layer: "setup" },
  // a compiled extension (vLLM's kernels, flash-attn's) that cannot be loaded: built for another CUDA or torch (the
  // installation, before anything runs; the same words under any program that imports it)
  "vllm/kernels-import-failed": { layer: "setup" },
  // pynccl could not dlopen NCCL (VLLM_NCCL_SO_PATH, or libnccl.so.2 on the library path): the installation, before any
  // communicator is built; SGLang's copy of pynccl says the same
  "vllm/nccl-library-load-failed": { layer: "setup" },
  // no GPU visible to the process (the container started without the device or the driver's libraries): a driver too
  // old for torch makes CUDA unusable the same way
  "vllm/no-gpu-platform": { layer: "setup", causedBy: ["vllm/cuda-driver-too-old", "vllm/cuda-system-not-ready", "vllm/driver-library-mismatch"] },
  // the CUDA runtime of a process counts no GPU (CUDA_VISIBLE_DEVICES, the container, a Ray actor given none); no
  // platform found at all is the earlier verdict when both are there
  "vllm/no-visible-gpu": { layer: "setup", causedBy: ["vllm/no-gpu-platform", "vllm/cuda-driver-too-old", "vllm/cuda-system-not-ready", "vllm/driver-library-mismatch"] },
  // a signal from outside (the kubelet after a failed startup or liveness probe, a rollout, docker stop) during start-up:
  // the deployment's configuration, not the engine's
  "vllm/startup-interrupted": { layer: "setup" },
  // a LoRA adapter larger than the server's --max-lora-rank: the server's configuration against the adapter's
  "vllm/lora-rank-too-large": { layer: "setup" },
  // --max-lora-rank outside the release's accepted ranks: the configuration, refused before the engine is built
  "vllm/lora-max-rank-invalid": { layer: "setup" },
  // a LoRA adapter the loader could not find or apply (its path, its repository, its target modules): the served
  // adapters' configuration
  "vllm/lora-load-failed": { layer: "setup" },
  // the host's driver older than the build's CUDA runtime (torch's, c10's, the runtime's or the container toolkit's words)
  "vllm/cuda-driver-too-old": { layer: "setup" },
  // CUDA error 802 outside NCCL: an NVSwitch machine whose Fabric Manager is not up refuses every CUDA process
  "vllm/cuda-system-not-ready": { layer: "setup" },
  // CUDA_VISIBLE_DEVICES holding GPU or MIG UUIDs, which vLLM reads as device numbers (a ValueError before any GPU is used)
  "vllm/visible-devices-uuid": { layer: "setup" },
  "vllm/mixed-gpu-models": { layer: "setup", dialects: VLLM },
  // the driver's user-space libraries of another version than its loaded kernel module (NVML cannot start)
  "vllm/driver-library-mismatch": { layer: "setup" },
  // DeepGEMM's FP8 kernels absent or failing to build in its JIT (its words are the same under any program)
  "vllm/deepgemm-failed": { layer: "setup" },
  "vllm/tp-spans-nodes": { layer: "setup", dialects: VLLM },
  // data parallel engines started with different configurations (the front end's start-up handshake compares them)
  "vllm/dp-config-mismatch": { layer: "setup", dialects: VLLM },
  // TP × PP larger than the GPUs this node sees (the config's check, before any worker starts)
  "vllm/not-enough-gpus": { layer: "setup", dialects: VLLM },
  "cluster/version-mismatch": { layer: "setup" },
  // the installed triton_kernels does not match triton (an environment mismatch): a warning, which explains nothing itself
  "vllm/triton-kernels-unavailable": { layer: "setup", dialects: VLLM },
  // torch.compile (Dynamo, Inductor, the Triton JIT under it) failing at start-up: the build environment (a C compiler,
  // torch and triton versions, a stale or full compile cache) more than the model
  "vllm/torch-compile-failed": { layer: "setup", dialects: VLLM },
  // neuronx-cc, which any program on Inferentia/Trainium runs (vLLM's Neuron platform, NxD Inference, TGI's Neuron image)
  "vllm/neuron-compile-failed": { layer: "setup" },
  // a Triton compile that lost its cache file to another process compiling the same kernel (any program that runs Triton)
  "vllm/triton-cache-race": { layer: "setup" },
  // pipeline parallelism refused by the release, the engine class or the model's implementation: the configuration
  "vllm/pp-unsupported": { layer: "setup" },
  // --kv-transfer-config naming a connector the release or engine does not have: the configuration, before any KV moves
  "vllm/kv-connector-unknown": { layer: "setup", dialects: VLLM },
  // a standalone draft model in --speculative-config refused by a release without a V1 draft proposer: the configuration
  "vllm/spec-decode-draft-unsupported": { layer: "setup" },
  // a signal from outside (a scheduler's time limit or preemption, kill, a closed terminal) that ended torchrun's agent:
  // the job's surroundings, not its code (a failure before it makes it a consequence, which the rule says itself)
  "cluster/stopped-by-signal": { layer: "setup" },
  // Slurm's own cancel of the job or a step (time limit, preemption, node failure, scancel): the job's surroundings
  "cluster/slurm-cancelled": { layer: "setup" },
  // the container runtime refusing the container's GPUs (toolkit hook, CDI, enroot): the host, before anything in it ran
  "cluster/container-gpu-setup-failed": { layer: "setup" },
  "nccl/duplicate-gpu": { layer: "setup" },
  // network: interfaces, bootstrap, fabric
  "security/public-address": { layer: "network" },
  "nccl/wrong-interface": { layer: "network" },
  "nccl/bootstrap-failure": { layer: "network", causedBy: ["nccl/wrong-interface"] },
  // torchrun's agent lost the c10d rendezvous store mid-run: the store's node went away or the network to it dropped
  "cluster/rendezvous-store-lost": { layer: "network" },
  "nccl/ib-disabled": { layer: "network" },
  "nccl/ib-error": { layer: "network" },
  "nccl/shm-too-small": { layer: "network" },
  "nccl/net-plugin-fallback": { layer: "network" },
  "nccl/sharp-failure": { layer: "network" },
  // aws-ofi-nccl refusing connections whose peer has another rail count: the EFA devices each pod or node was given
  "nccl/ofi-rail-mismatch": { layer: "network" },
  "nccl/socket-fallback": { layer: "network", causedBy: ["nccl/ib-disabled", "nccl/ib-error", "nccl/net-plugin-fallback"] },
  "nccl/gdrdma-disabled": { layer: "network" },
  "nccl/p2p-disabled": { layer: "network" },
  // disaggregated prefill/decode: the KV cache moving between instances over NIXL (UCX), a network of its own
  "vllm/kv-transfer-failed": { layer: "network", dialects: VLLM },
  // expert parallel: DeepEP's all-to-all between the EP ranks (NVLink in a node, NVSHMEM over RDMA across nodes); DeepEP
  // and NVSHMEM print the same lines under any program that uses them (SGLang, Megatron, their own tests)
  "vllm/ep-all2all-failed": { layer: "network" },
  // memory: CUDA and KV cache
  "vllm/cuda-oom": { layer: "memory" },
  // the host's RAM (the kernel's OOM killer, a container's limit, Ray's memory monitor): any program's process
  "vllm/host-oom": { layer: "memory" },
  // a process's own crash by a signal (SIGBUS from a full /dev/shm, SIGSEGV in native code): any program's process
  "vllm/fatal-signal": { layer: "memory" },
  // a process ended by an exception no C++ code caught (std::terminate, then SIGABRT): its own error when nothing else
  // reads the exception (std::bad_alloc, a length or index check, no active exception), then it explains what the
  // process's death did; a note (info) when the exception carries a CUDA error or OOM another rule reads, which is its
  // cause, or an NCCL failure or timeout (those rules sit in later layers: the note is only ranked after them)
  "vllm/cpp-abort": { layer: "memory", causedBy: ["vllm/cuda-oom", "vllm/cuda-error", "vllm/gpu-xid"], causedAt: ["info"], causesAt: ["error", "warning"] },
  // a Ray worker actor that died: the host's memory may have killed it, or an exception it aborted on; it makes the
  // engine fail to start or die
  "vllm/ray-worker-died": { layer: "memory", causedBy: ["vllm/host-oom", "vllm/cpp-abort"] },
  // an Xid the driver logged (the GPU fell off the bus, an ECC or NVLink error) is what the process then sees as a CUDA error
  "vllm/cuda-error": { layer: "memory", causedBy: ["vllm/gpu-xid"] },
  // a Triton kernel tiled for more shared memory than the GPU gives a block (Turing, consumer cards)
  "vllm/triton-out-of-resources": { layer: "memory" },
  // the kernel driver's report of a GPU fault (dmesg's NVRM Xid lines): the hardware under a CUDA, NCCL or engine failure
  "vllm/gpu-xid": { layer: "memory" },
  // vLLM's start-up memory profiling that could not measure its own run (another process freed memory meanwhile)
  "vllm/memory-profiling-error": { layer: "memory" },
  // a CUDA call that stream capture does not allow, while vLLM records its CUDA graphs (any program's capture reads the same)
  "vllm/cuda-graph-capture-failed": { layer: "memory" },
  // the custom all-reduce kernels' own CUDA check (peer access, IPC handles): the intra-node fabric, like P2P
  "vllm/custom-allreduce-failed": { layer: "network", causedBy: ["nccl/p2p-disabled"] },
  "vllm/no-kv-cache-memory": { layer: "memory", dialects: VLLM },
  "vllm/kv-cache-too-small": { layer: "memory", dialects: VLLM },
  // NCCL errors: how a failure below surfaced in NCCL
  "nccl/system-error": { layer: "nccl", causedBy: [...NET_FAILURES] },
  "nccl/internal-error": { layer: "nccl", causedBy: [...NET_FAILURES, "nccl/duplicate-gpu", "cluster/version-mismatch"] },
  "nccl/cuda-error": { layer: "nccl", causedBy: ["vllm/cuda-oom", "vllm/cuda-graph-capture-failed", "nccl/duplicate-gpu", "vllm/cuda-system-not-ready", "vllm/gpu-xid"] },
  "nccl/remote-process-exited": { layer: "nccl", causedBy: [...NET_FAILURES, "vllm/cuda-oom", "vllm/cuda-error", "vllm/fatal-signal", "vllm/cpp-abort", "vllm/gpu-xid", "nccl/cuda-error"] },
  "nccl/error": { layer: "nccl", causedBy: [...NET_FAILURES, "nccl/duplicate-gpu", "cluster/version-mismatch"] },
  "nccl/collective-mismatch": { layer: "nccl" },
  // Gloo's recv/send timeouts and lost connections mid-run: a peer that died or hung first (its OOM, CUDA or NCCL
  // failure, a worker that died), or the network between the nodes; every such failure stays the cause
  "nccl/gloo-error": { layer: "nccl", causedBy: [...NET_FAILURES, ...NCCL_FAILURES, ...MEMORY_FAILURES, "vllm/ray-worker-died", "vllm/dp-config-mismatch", "vllm/ray-node-ip-mismatch", "vllm/ray-dp-master-missing", "vllm/port-in-use"] },
  // Ascend's HCCL under torch_npu (vllm-ascend): its own communicator and links between NPUs
  "nccl/hccl-error": { layer: "nccl", causedBy: ["vllm/cuda-oom", "cluster/version-mismatch"] },
  // Intel's oneCCL under torch's XPU backend (xccl, or torch-ccl's ccl): its communicator between XPUs
  "nccl/oneccl-error": { layer: "nccl", causedBy: ["vllm/cuda-oom", "cluster/version-mismatch"] },
  // engine: the program that stopped because of the above
  "vllm/engine-init-failed": { layer: "engine", dialects: VLLM, causedBy: ["nccl/gloo-error", ...SETUP_FAILURES, ...NET_FAILURES, ...MEMORY_FAILURES, "vllm/custom-allreduce-failed", "vllm/ep-all2all-failed", ...NCCL_FAILURES, "vllm/ray-worker-died", "vllm/memory-profiling-error"] },
  // symptoms: what the user sees (timeouts, low concurrency, slow or failed benchmarks)
  "nccl/collective-timeout": { layer: "symptom", causedBy: [...NET_FAILURES, ...NCCL_FAILURES, "vllm/cuda-oom", "vllm/cuda-error", "vllm/gpu-xid"] },
  // the ncclras client's report on a running job: processes gone, ranks failed or out of step (what a hang looks like
  // from RAS), explained by what failed them
  "nccl/ras-report": { layer: "symptom", causedBy: [...NET_FAILURES, ...NCCL_FAILURES, "vllm/cuda-oom", "vllm/cuda-error", "vllm/gpu-xid"] },
  // a Ray compiled graph (vLLM's Ray executor runs each step as one) whose read timed out or whose channel closed: a
  // worker that hung or died under it, the fabric under a collective that hung, a raylet that failed
  "vllm/ray-compiled-graph-failed": { layer: "symptom", causedBy: [...NET_FAILURES, ...NCCL_FAILURES, ...MEMORY_FAILURES, "vllm/ray-worker-died", "nccl/collective-timeout"] },
  // the engine dying after its start: whatever failed in a worker or the engine core while serving
  "vllm/engine-dead": { layer: "symptom", dialects: VLLM, causedBy: ["nccl/gloo-error", ...MEMORY_FAILURES, ...NCCL_FAILURES, "vllm/custom-allreduce-failed", "vllm/deepgemm-failed", "vllm/ep-all2all-failed", "nccl/collective-timeout", "runtime/stall", "vllm/ray-worker-died", "vllm/ray-compiled-graph-failed", "vllm/lora-rank-too-large", "vllm/lora-load-failed", "vllm/mm-encoder-cache-exceeded", "vllm/triton-cache-race"] },
  // structured output's grammar out of step with the sampled tokens: one request fails, the engine goes on
  "vllm/structured-output-failed": { layer: "symptom", dialects: VLLM },
  // a tool-call parser that could not read the model's tool call: that response carries it as text, the server goes on
  "vllm/tool-call-parse-failed": { layer: "symptom", dialects: VLLM },
  "vllm/low-concurrency": { layer: "symptom", dialects: VLLM, causedBy: ["vllm/kv-cache-too-small", "vllm/no-kv-cache-memory"] },
  // (SGLang carries vLLM's custom all-reduce and its warning word for word)
  "vllm/custom-allreduce-disabled": { layer: "symptom", dialects: ["vllm", "sglang"], causedBy: ["nccl/p2p-disabled"] },
  "bench/aborted": { layer: "symptom", causedBy: ["vllm/engine-init-failed"] },
  "bench/mlperf-invalid": { layer: "symptom", causedBy: ["vllm/engine-init-failed"] },
  "bench/failed-requests": { layer: "symptom", causedBy: ["vllm/engine-init-failed", ...MEMORY_FAILURES, "nccl/collective-timeout", ...NCCL_FAILURES] },
  "bench/nccl-tests-wrong": { layer: "symptom" },
  "bench/low-busbw": { layer: "symptom", causedBy: ["bench/nccl-tests-separate-processes", "nccl/socket-fallback", "nccl/gdrdma-disabled", "nccl/p2p-disabled", "nccl/ib-disabled"] },
  // nccl-tests launched as one job that ran as separate 1-process jobs (built without the launcher's MPI)
  "bench/nccl-tests-separate-processes": { layer: "setup" },
  "bench/kv-cache-limits-concurrency": { layer: "symptom", causedBy: ["vllm/low-concurrency", "vllm/kv-cache-too-small"] },
  "bench/degraded-server": { layer: "symptom", causedBy: ["nccl/socket-fallback", "nccl/gdrdma-disabled", "nccl/p2p-disabled", "vllm/custom-allreduce-disabled", "vllm/tp-spans-nodes"] },
  "internal/rule-error": { layer: "symptom" },
  // the running server (facts.runtime): what the stats lines show, after whatever broke the run
  "runtime/stall": { layer: "symptom", dialects: VLLM, causedBy: ["nccl/gloo-error", "nccl/collective-timeout", ...NCCL_FAILURES, ...MEMORY_FAILURES] },
  "runtime/kv-cache-pressure": { layer: "symptom", dialects: VLLM, causedBy: ["vllm/kv-cache-too-small", "vllm/low-concurrency"] },
  "runtime/queue-with-free-kv": { layer: "symptom", dialects: VLLM },
  "runtime/small-batch-tp": { layer: "symptom", dialects: VLLM },
  "runtime/throughput-drop": { layer: "symptom", dialects: VLLM, causedBy: ["runtime/kv-cache-pressure", "runtime/stall"] },
  // the server answering 5xx (its error finding; 4xx are the clients' own mistakes): what broke the engine or a request
  "runtime/client-errors": { layer: "symptom", dialects: VLLM, causedAt: ["error"], causedBy: ["nccl/gloo-error", "vllm/engine-dead", ...MEMORY_FAILURES, ...NCCL_FAILURES, "nccl/collective-timeout", "runtime/stall", "vllm/custom-allreduce-failed", "vllm/kv-transfer-failed", "vllm/ray-worker-died", "vllm/ray-compiled-graph-failed", "vllm/lora-rank-too-large", "vllm/lora-load-failed", "vllm/mm-encoder-cache-exceeded", "vllm/triton-cache-race"] },
};

/** Where a rule id not in the table sits: runtime health and user rules are symptoms of what the log shows. */
export const DEFAULT_RELATION: Relation = { layer: "symptom" };
