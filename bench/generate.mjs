// A realistic log of a chosen size: two nodes x 8 GPUs serving one model with vLLM (TP 8, PP 2, Ray), NCCL
// at INFO with COLL and a TRACE build's proxy lines. Start-up (vLLM, then NCCL init with P2P inside a node
// and IB/GDRDMA between them), then collective, proxy and TRACE lines of every rank interleaved, with a
// vLLM metrics line now and then. Deterministic for a given seed. Formats follow
// ../shared/reference/{vllm,nccl}-log-formats.md; nothing here is copied from a real log.

const NODES = [
  { host: "gpu-node-a", ip: "10.20.0.11" },
  { host: "gpu-node-b", ip: "10.20.0.12" },
];
const GPUS = 8;
const RANKS = NODES.length * GPUS;
const COLLECTIVES = ["AllReduce", "AllReduce", "AllReduce", "AllGather", "ReduceScatter", "Broadcast"];

function rng(seed) {
  let x = seed >>> 0 || 1;
  return () => {
    x ^= x << 13;
    x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    return x / 4294967296;
  };
}

const hex = (n) => n.toString(16);
const pad2 = (n) => String(n).padStart(2, "0");

function ranksInfo() {
  return Array.from({ length: RANKS }, (_, r) => {
    const node = NODES[Math.floor(r / GPUS)];
    const dev = r % GPUS;
    const pid = 41000 + r * 7;
    return { r, dev, node, pid, proxyTid: pid + 140, busId: `${hex(0x18 + dev * 0x10)}000`, comm: `0x55d0${hex(0xc9a1b2c0 + r * 0x100)}`, stream: `0x55d0${hex(0xc9a1c000 + r * 0x100)}` };
  });
}

/** vLLM's start-up, as the head node writes it with Ray workers. */
function* vllmStartup(clock) {
  const api = `(APIServer pid=40990)`;
  const core = `(EngineCore_DP0 pid=40995)`;
  yield `${api} INFO ${clock()} [api_server.py:1885] vLLM API server version 0.10.1`;
  yield `${api} INFO ${clock()} [utils.py:326] non-default args: {'model_tag': 'meta-llama/Llama-3.1-405B-Instruct-FP8', 'model': 'meta-llama/Llama-3.1-405B-Instruct-FP8', 'max_model_len': 32768, 'distributed_executor_backend': 'ray', 'pipeline_parallel_size': 2, 'tensor_parallel_size': 8, 'gpu_memory_utilization': 0.92}`;
  yield `${api} INFO ${clock()} [config.py:1604] Using max model len 32768`;
  yield `${core} INFO ${clock()} [core.py:74] Initializing a V1 LLM engine (v0.10.1) with config: model='meta-llama/Llama-3.1-405B-Instruct-FP8', speculative_config=None, tokenizer='meta-llama/Llama-3.1-405B-Instruct-FP8', skip_tokenizer_init=False, tokenizer_mode=auto, revision=None, trust_remote_code=False, dtype=torch.bfloat16, max_seq_len=32768, download_dir=None, load_format=auto, tensor_parallel_size=8, pipeline_parallel_size=2, data_parallel_size=1, disable_custom_all_reduce=False, quantization=fbgemm_fp8, enforce_eager=False, kv_cache_dtype=auto, device_config=cuda, seed=0, served_model_name=meta-llama/Llama-3.1-405B-Instruct-FP8, enable_prefix_caching=True`;
  yield `${core} INFO ${clock()} [ray_utils.py:345] Connecting to existing Ray cluster at address: 10.20.0.11:6379...`;
  for (let r = 0; r < RANKS; r++) {
    const n = NODES[Math.floor(r / GPUS)];
    yield `${core} (RayWorkerWrapper pid=${41000 + r * 7}, ip=${n.ip}) INFO ${clock()} [parallel_state.py:1134] rank ${r} in world size ${RANKS} is assigned as DP rank 0, PP rank ${Math.floor(r / GPUS)}, TP rank ${r % GPUS}, EP rank ${r % GPUS}`;
  }
  yield `${core} (RayWorkerWrapper pid=41000, ip=10.20.0.11) INFO ${clock()} [gpu_model_runner.py:1953] Model loading took 24.5123 GiB and 212.481 seconds`;
  yield `${core} INFO ${clock()} [gpu_worker.py:276] Available KV cache memory: 40.13 GiB`;
  yield `${core} INFO ${clock()} [kv_cache_utils.py:849] GPU KV cache size: 1,281,856 tokens`;
  yield `${core} INFO ${clock()} [kv_cache_utils.py:853] Maximum concurrency for 32,768 tokens per request: 39.12x`;
  yield `${core} INFO ${clock()} [core.py:215] init engine (profile, create kv cache, warmup model) took 96.12 seconds`;
  yield `${api} INFO ${clock()} [api_server.py:1818] Starting vLLM API server 0 on http://0.0.0.0:8000`;
  yield `${api} INFO:     Application startup complete.`;
}

/** NCCL's init, per rank: banner, bootstrap, network, ring connections (P2P in a node, IB/GDRDMA across), Init COMPLETE. */
function* ncclInit(ranks, random) {
  yield "NCCL version 2.26.2+cuda12.2";
  for (const k of ranks) {
    const p = `${k.node.host}:${k.pid}:${k.pid} [${k.dev}] NCCL INFO`;
    yield `${p} Bootstrap: Using eth0:${k.node.ip}<0>`;
    yield `${p} cudaDriverVersion 12040`;
    yield `${p} NCCL_IB_HCA set by environment to mlx5_0,mlx5_1,mlx5_2,mlx5_3`;
    yield `${p} NET/IB : Using [0]mlx5_0:1/IB [1]mlx5_1:1/IB [2]mlx5_2:1/IB [3]mlx5_3:1/IB [RO]; OOB eth0:${k.node.ip}<0>`;
    yield `${p} Using network IB`;
    yield `${p} ncclCommInitRank comm ${k.comm} rank ${k.r} nranks ${RANKS} cudaDev ${k.dev} nvmlDev ${k.dev} busId ${k.busId} commId 0x7a3e5c1d9b2f4e60 - Init START`;
  }
  for (const k of ranks) {
    // NCCL prints Init START, the connections and Init COMPLETE from the one thread that initialises the communicator
    const p = `${k.node.host}:${k.pid}:${k.pid} [${k.dev}] NCCL INFO`;
    for (let c = 0; c < 4; c++) {
      const next = (k.r + 1) % RANKS;
      const prev = (k.r + RANKS - 1) % RANKS;
      const sameNode = Math.floor(next / GPUS) === Math.floor(k.r / GPUS);
      if (sameNode) yield `${p} Channel ${pad2(c)}/0 : ${k.r}[${k.dev}] -> ${next}[${next % GPUS}] via P2P/IPC`;
      else {
        yield `${p} Channel ${pad2(c)}/0 : ${k.r}[${k.dev}] -> ${next}[${next % GPUS}] [send] via NET/IB/${c % 4}/GDRDMA`;
      }
      if (Math.floor(prev / GPUS) !== Math.floor(k.r / GPUS)) yield `${p} Channel ${pad2(c)}/0 : ${prev}[${prev % GPUS}] -> ${k.r}[${k.dev}] [receive] via NET/IB/${c % 4}/GDRDMA`;
    }
    yield `${p} GPU Direct RDMA Enabled for GPU ${k.dev} / HCA ${k.dev % 4} (distance 4 <= 4), read 1 mode Default`;
    yield `${p} Connected all rings, use ring PXN 0 GDR 1`;
    yield `${p} ncclCommInitRank comm ${k.comm} rank ${k.r} nranks ${RANKS} cudaDev ${k.dev} nvmlDev ${k.dev} busId ${k.busId} commId 0x7a3e5c1d9b2f4e60 - Init COMPLETE`;
  }
  void random;
}

function metricsLine(clock, random) {
  const run = Math.floor(random() * 64);
  return `(APIServer pid=40990) INFO ${clock()} [loggers.py:123] Engine 000: Avg prompt throughput: ${(random() * 9000).toFixed(1)} tokens/s, Avg generation throughput: ${(random() * 2000).toFixed(1)} tokens/s, Running: ${run} reqs, Waiting: 0 reqs, GPU KV cache usage: ${(random() * 60).toFixed(1)}%, Prefix cache hit rate: ${(random() * 80).toFixed(1)}%`;
}

/**
 * Yields the log as text chunks of about `chunkChars` characters until `bytes` have been produced (ASCII only, so
 * characters are bytes). The steady state interleaves, per step, one collective on every rank, its TRACE proxy
 * lines on the ranks that cross nodes, and every ~20,000 lines a metrics line.
 */
export function* generateLog({ bytes, seed = 42, chunkChars = 1 << 20 }) {
  const random = rng(seed);
  let t = Date.UTC(2025, 6, 25, 10, 11, 12);
  const clock = () => {
    t += 37;
    const d = new Date(t);
    return `${pad2(d.getUTCMonth() + 1)}-${pad2(d.getUTCDate())} ${pad2(d.getUTCHours())}:${pad2(d.getUTCMinutes())}:${pad2(d.getUTCSeconds())}`;
  };
  const ranks = ranksInfo();
  let produced = 0;
  let buf = [];
  let bufLen = 0;
  const push = (line) => {
    buf.push(line);
    bufLen += line.length + 1;
  };
  const flush = () => {
    const text = buf.join("\n") + "\n";
    produced += text.length;
    buf = [];
    bufLen = 0;
    return text;
  };
  for (const l of vllmStartup(clock)) push(l);
  for (const l of ncclInit(ranks, random)) push(l);
  let op = 0;
  let ms = 5120.5;
  let sinceMetrics = 0;
  let warned = false;
  while (produced + bufLen < bytes) {
    const coll = COLLECTIVES[op % COLLECTIVES.length];
    const count = 1 << (10 + Math.floor(random() * 12));
    for (const k of ranks) {
      push(`${k.node.host}:${k.pid}:${k.pid} [${k.dev}] NCCL INFO ${coll}: opCount ${hex(op)} sendbuff 0x7f3a${hex(0x80000000 + (op % 64) * 0x100000)} recvbuff 0x7f3a${hex(0x90000000 + (op % 64) * 0x100000)} count ${count} datatype ${op % 3 ? 9 : 7} op 0 root 0 comm ${k.comm} [nranks=${RANKS}] stream ${k.stream}`);
      if (k.dev === GPUS - 1 || k.dev === 0) {
        ms += random() * 0.05;
        const ch = op % 4;
        const req = `0x7f3b${hex(0x10000000 + ((op * 31 + k.r) % 4096) * 0x40)}`;
        push(`${k.node.host}:${k.pid}:${k.proxyTid} [${k.dev}] ${ms.toFixed(6)} sendProxy:${380 + ch} NCCL TRACE sendProxy [${op % 8}/${ch}] Isend posted, req ${req}, size ${Math.min(count * 2, 524288)}, proto 2, myRank ${k.r}, channelId ${ch}`);
        push(`${k.node.host}:${k.pid}:${k.proxyTid} [${k.dev}] ${(ms + 0.02).toFixed(6)} recvProxy:${520 + ch} NCCL TRACE recvProxy [${op % 8}/${ch}] request ${req} done`);
      }
    }
    sinceMetrics += RANKS * 2;
    if (sinceMetrics >= 20000) {
      sinceMetrics = 0;
      push(metricsLine(clock, random));
    }
    if (!warned && produced > bytes / 2) {
      warned = true;
      const k = ranks[9];
      push("");
      push(`${k.node.host}:${k.pid}:${k.proxyTid} [${k.dev}] transport/net_ib.cc:1295 NCCL WARN NET/IB : Got async event : GID table change`);
    }
    op++;
    if (bufLen >= chunkChars) yield flush();
  }
  if (buf.length) yield flush();
}

/** Writes the log to `path` as a stream (never the whole text in memory); resolves with the byte count. */
export async function writeLog(path, opts) {
  const { createWriteStream } = await import("node:fs");
  const out = createWriteStream(path);
  let n = 0;
  for (const chunk of generateLog(opts)) {
    n += chunk.length;
    if (!out.write(chunk)) await new Promise((r) => out.once("drain", r));
  }
  await new Promise((resolve, reject) => out.end((e) => (e ? reject(e) : resolve())));
  return n;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const [path = "bench/out/sample.log", size = "1000000"] = process.argv.slice(2);
  writeLog(path, { bytes: Number(size) }).then((n) => console.log(`${path}: ${n} bytes`));
}

// ---- shapes: the same content as the collectors write it, and two logs of other line mixes ----

/** The shapes `npm run bench -- --shapes` measures (see `shapedLog`). */
export const SHAPES = ["bare", "kubectl", "compose", "ray", "crlf", "nonascii", "vllm-server", "vllm-debug", "nccl-setup", "nccl-setup-wide"];

const NCCL_HEAD = /^([A-Za-z0-9][\w.\-]*):(\d+):\d+ \[\d+\]/;
const TQDM_EVERY = 5000;

/** The tqdm progress line put after every 5,000th line of the `nonascii` shape (`ascii`: `#` instead of `█`). */
export function tqdmLine(n, ascii = false) {
  const full = n % 11;
  const bar = (ascii ? "#" : "█").repeat(full) + " ".repeat(10 - full);
  return `Loading safetensors checkpoint shards: ${String(full * 10).padStart(3)}% |${bar}| ${full}/10 [00:0${full % 10}<00:0${9 - (full % 10)},  1.2${n % 10}it/s]`;
}

/** Wraps one line of the bare log as `shape` writes it; `n` is the line's 0-based number, `t` a millisecond clock. */
function wrapLine(shape, line, n, t, ascii) {
  switch (shape) {
    case "kubectl": {
      const d = new Date(t);
      return `${d.toISOString().slice(0, 19)}.${String(d.getUTCMilliseconds()).padStart(3, "0")}${String(n % 1000000).padStart(6, "0")}Z ${line}`;
    }
    case "compose":
      return `vllm-head-1  | ${line}`;
    case "ray": {
      const m = NCCL_HEAD.exec(line);
      if (!m) return line;
      const ip = NODES.find((x) => x.host === m[1])?.ip ?? "10.20.0.99";
      return `(RayWorkerWrapper pid=${m[2]}, ip=${ip}) ${line}`;
    }
    case "crlf":
      return `${line}\r`;
    case "nonascii":
    case "nonascii-ascii":
      return (n + 1) % TQDM_EVERY === 0 ? `${line}\n${tqdmLine(n, ascii)}` : line;
    default:
      return line;
  }
}

/**
 * The bench log of about `bytes` (before wrapping) in one of SHAPES; the wrappers keep the content, so every such
 * shape reads to the bare log's facts (`nonascii` to those of `nonascii-ascii`, the same lines with `#` for `█`).
 */
export function* shapedLog(shape, { bytes, seed = 42, chunkChars = 1 << 20 }) {
  if (shape === "vllm-server") return yield* vllmServerLog({ bytes, seed, chunkChars });
  if (shape === "vllm-debug") return yield* vllmServerLog({ bytes, seed, chunkChars, debug: true });
  if (shape === "nccl-setup") return yield* ncclSetupLog({ bytes, seed, chunkChars });
  if (shape === "nccl-setup-wide") return yield* ncclSetupWideLog({ bytes });
  if (shape === "bare") return yield* generateLog({ bytes, seed, chunkChars });
  let n = 0;
  let t = Date.UTC(2025, 10, 20, 9, 14, 2);
  const ascii = shape === "nonascii-ascii";
  for (const chunk of generateLog({ bytes, seed, chunkChars })) {
    const lines = chunk.split("\n");
    lines.pop();
    yield lines.map((l) => wrapLine(shape, l, n++, (t += 3), ascii)).join("\n") + "\n";
  }
}

/**
 * A vLLM API server under load: request, access and stats lines, nothing of NCCL. `debug`: at DEBUG level (V1's engine
 * core and front end say they are alive between the requests: `EngineCore loop active.`, `Called check_health.`).
 */
function* vllmServerLog({ bytes, seed, chunkChars, debug = false }) {
  const random = rng(seed);
  let t = Date.UTC(2025, 10, 20, 9, 0, 0);
  const clock = () => {
    t += 11;
    const d = new Date(t);
    return `${pad2(d.getUTCMonth() + 1)}-${pad2(d.getUTCDate())} ${pad2(d.getUTCHours())}:${pad2(d.getUTCMinutes())}:${pad2(d.getUTCSeconds())}`;
  };
  const api = "(APIServer pid=40990)";
  const core = "(EngineCore_DP0 pid=40991)";
  let buf = [];
  let len = 0;
  let produced = 0;
  const push = (l) => {
    buf.push(l);
    len += l.length + 1;
  };
  for (const l of vllmStartup(clock)) if (!l.includes("RayWorkerWrapper")) push(l);
  let id = 0;
  while (produced + len < bytes) {
    const req = `chatcmpl-${hex(0x5f3a0000 + id)}${hex(id * 7919)}`;
    const tokens = 64 + Math.floor(random() * 4000);
    push(`${api} INFO ${clock()} [logger.py:43] Received request ${req}: prompt: '<|begin_of_text|><|start_header_id|>user<|end_header_id|>\\n\\nSummarize document ${id}', params: SamplingParams(n=1, temperature=0.7, top_p=1.0, max_tokens=${tokens}), prompt_token_ids: None, lora_request: None.`);
    push(`${api} INFO ${clock()} [async_llm.py:270] Added request ${req}.`);
    if (random() < 0.002) push(`${api} INFO ${clock()} [async_llm.py:420] Aborted request ${req}.`);
    else push(`${api} INFO ${clock()} [loggers.py:96] Finished request ${req}.`);
    const status = random() < 0.001 ? "400 Bad Request" : "200 OK";
    push(`${api} INFO:     10.20.${Math.floor(random() * 4)}.${Math.floor(random() * 250)}:${40000 + (id % 20000)} - "POST /v1/chat/completions HTTP/1.1" ${status}`);
    if (id % 50 === 0) push(metricsLine(clock, random));
    if (debug) {
      push(`${core} DEBUG ${clock()} [core.py:781] EngineCore loop active.`);
      push(`${api} DEBUG ${clock()} [async_llm.py:645] Called check_health.`);
      push(`${core} DEBUG ${clock()} [core.py:759] EngineCore waiting for work.`);
      if (id % 10 === 0) push(`${api} DEBUG ${clock()} [utils.py:182] Shutdown of the idle HTTP connection to 10.20.${id % 4}.${id % 250} (keep-alive timeout).`);
    }
    id++;
    if (len >= chunkChars) {
      const text = buf.join("\n") + "\n";
      produced += text.length;
      buf = [];
      len = 0;
      yield text;
    }
  }
  if (buf.length) yield buf.join("\n") + "\n";
}

/** NCCL set-up over and over (new communicators): banners, bootstrap, channels and connections, Init COMPLETE. */
function* ncclSetupLog({ bytes, seed, chunkChars }) {
  const random = rng(seed);
  let produced = 0;
  let round = 0;
  while (produced < bytes) {
    const ranks = ranksInfo().map((k) => ({ ...k, comm: `0x55d1${hex(0xa0000000 + round * 0x10000 + k.r * 0x100)}` }));
    const lines = [...ncclInit(ranks, random)];
    const text = lines.join("\n") + "\n";
    produced += text.length;
    round++;
    yield text;
  }
  void chunkChars;
}

/**
 * A big job's NCCL set-up (2.21-era lines): 256 nodes x 8 GPUs in one communicator over 32 channels, rings and trees,
 * started again with new processes until the size is reached, so no line repeats. Each node's log in turn, its 8
 * processes' lines interleaved as they share its output.
 */
function* ncclSetupWideLog({ bytes }) {
  const NODES_W = 256;
  const LOCAL = 8;
  const NR = NODES_W * LOCAL;
  const CH = 32;
  let produced = 0;
  for (let attempt = 0; produced < bytes; attempt++) {
    const commId = `0x${hex(0x3c5e7a9b1d2f0000 + attempt * 0x1000)}`;
    for (let node = 0; node < NODES_W && produced < bytes; node++) {
      const host = `dgx-h100-${String(node).padStart(3, "0")}`;
      const ip = `10.64.${node >> 6}.${(node & 63) + 10}`;
      const per = [];
      for (let l = 0; l < LOCAL; l++) {
        const r = node * LOCAL + l;
        const pid = 20000 + ((attempt * 97 + l * 13) % 40000);
        const p = `${host}:${pid}:${pid + 31} [${l}] NCCL INFO`;
        const comm = `0x7f${hex(0x3a000000 + attempt * 0x10000 + l * 0x100)}0`;
        const busId = `${hex(0x18 + l * 0x10)}000`;
        const init = (phase) => `${p} ncclCommInitRank comm ${comm} rank ${r} nranks ${NR} cudaDev ${l} nvmlDev ${l} busId ${busId} commId ${commId} - Init ${phase}`;
        const ls = [
          `${p} Bootstrap : Using ib0:${ip}<0>`,
          `${p} cudaDriverVersion 12040`,
          `${p} NCCL_IB_HCA set by environment to mlx5_0,mlx5_3,mlx5_4,mlx5_5`,
          `${p} NET/IB : Using [0]mlx5_0:1/IB [1]mlx5_3:1/IB [2]mlx5_4:1/IB [3]mlx5_5:1/IB [RO]; OOB ib0:${ip}<0>`,
          `${p} Using network IB`,
          `${p} DMA-BUF is available on GPU device ${l}`,
          init("START"),
          `${p} Setting affinity for GPU ${l} to ffff,ffffffff`,
          `${p} comm ${comm} rank ${r} nRanks ${NR} nNodes ${NODES_W} localRanks ${LOCAL} localRank ${l} MNNVL 0`,
          `${p} Trees [0] ${l === 0 ? `${r + 1}/${(r + 8) % NR}/-1->${r}->${(r + NR - 8) % NR}` : `${(r + 1) % NR}/-1/-1->${r}->${r - 1}`} [1] ${(r + 1) % NR}/-1/-1->${r}->${r === 0 ? -1 : r - 1}`,
          `${p} P2P Chunksize set to 524288`,
        ];
        const net = (c) => `NET/IB/${c % 4}/GDRDMA`;
        const cc = (c) => String(c).padStart(2, "0");
        for (let c = 0; c < CH; c++) {
          const next = (r + 1) % NR;
          if (l < LOCAL - 1) ls.push(`${p} Channel ${cc(c)}/0 : ${r}[${l}] -> ${next}[${l + 1}] via P2P/IPC/read`);
          else ls.push(`${p} Channel ${cc(c)}/0 : ${r}[${l}] -> ${next}[0] [send] via ${net(c)}`);
          if (l === 0) ls.push(`${p} Channel ${cc(c)}/0 : ${(r + NR - 1) % NR}[${LOCAL - 1}] -> ${r}[0] [receive] via ${net(c)}`);
        }
        ls.push(`${p} Connected all rings, use ring PXN 0 GDR 1`);
        for (let c = 0; c < CH; c++) {
          if (l === 0) {
            const up = (r + NR - 8 * (1 + (c % 2))) % NR;
            ls.push(`${p} Channel ${cc(c)}/0 : ${r}[0] -> ${up}[0] [send] via ${net(c)}`);
            ls.push(`${p} Channel ${cc(c)}/0 : ${up}[0] -> ${r}[0] [receive] via ${net(c)}`);
          } else ls.push(`${p} Channel ${cc(c)}/0 : ${r}[${l}] -> ${r - 1}[${l - 1}] via P2P/IPC/read`);
        }
        ls.push(
          `${p} Connected all trees`,
          `${p} threadThresholds 8/8/64 | 16384/8/64 | 512 | 512`,
          `${p} 32 coll channels, 32 collnet channels, 0 nvls channels, 32 p2p channels, 32 p2p channels per peer`,
          init("COMPLETE"),
          `${p} Init timings - ncclCommInitRank: rank ${r} nranks ${NR} total ${(1.5 + (r % 97) / 100).toFixed(2)} (kernels 0.12, alloc 0.05, bootstrap 0.88, allgathers 0.04, topo 0.51, graphs 0.02, connections 0.61, rest 0.08)`,
        );
        per.push(ls);
      }
      const out = [];
      for (let i = 0; per.some((ls) => i < ls.length); i++) for (const ls of per) if (i < ls.length) out.push(ls[i]);
      const text = out.join("\n") + "\n";
      produced += text.length;
      yield text;
    }
  }
}

/** Writes `shapedLog(shape)` to `path` as a stream; resolves with the byte count. */
export async function writeShape(path, shape, opts) {
  const { createWriteStream } = await import("node:fs");
  const out = createWriteStream(path);
  let n = 0;
  for (const chunk of shapedLog(shape, opts)) {
    n += Buffer.byteLength(chunk);
    if (!out.write(chunk)) await new Promise((r) => out.once("drain", r));
  }
  await new Promise((resolve, reject) => out.end((e) => (e ? reject(e) : resolve())));
  return n;
}
