import { describe, expect, it } from "vitest";
import { analyzeText } from "./rules/analyze-text.js";
import type { Report } from "../src/model.js";

/**
 * A terminal (or a viewer) that hard-wraps a log at its width cuts a start-up fact's line anywhere: inside its label,
 * between a number and its unit, at a number's decimal point. The halves are read as they are, and the two joined are
 * read for what only the join states (src/events/wrapped.ts): the start-up facts too. Log text written for the test.
 */
const hardWrap = (lines: string[], width: number): string =>
  lines.flatMap((l) => (l.length <= width ? [l] : Array.from({ length: Math.ceil(l.length / width) }, (_, k) => l.slice(k * width, (k + 1) * width)))).join("\n") + "\n";

const START = [
  "(EngineCore_DP0 pid=2211) INFO 11-03 09:14:55 [gpu_worker.py:298] Available KV cache memory: 51.37 GiB",
  "(EngineCore_DP0 pid=2211) INFO 11-03 09:14:55 [kv_cache_utils.py:1087] GPU KV cache size: 420,800 tokens",
  "(EngineCore_DP0 pid=2211) INFO 11-03 09:14:55 [kv_cache_utils.py:1091] Maximum concurrency for 131,072 tokens per request: 3.21x",
  "(APIServer pid=2140) INFO 11-03 09:15:20 [api_server.py:1971] Starting vLLM API server 0 on http://0.0.0.0:8000",
];

describe("a start-up log hard-wrapped at a terminal's width", () => {
  it("reads the KV cache size and the maximum concurrency whole, wherever the cut falls", async () => {
    const line = START[2];
    // (cut inside the label, before the number, at its decimal point, and in its last digits)
    for (const at of [line.indexOf("concurrency") + 4, line.indexOf("3.21x"), line.indexOf("3.21x") + 2, line.indexOf("3.21x") + 3]) {
      const r = await analyzeText(hardWrap([START[0], START[1], line.slice(0, at) + "\n" + line.slice(at), START[3]], 4000).replace("\n\n", "\n"));
      expect(r.facts.kvCache.tokens, `cut at ${at}`).toBe(420800);
      expect(r.facts.kvCache.maxConcurrency, `cut at ${at}`).toBe(3.21);
      expect(r.facts.kvCache.tokensPerRequest, `cut at ${at}`).toBe(131072);
    }
    for (const width of [100, 120, 132]) {
      const r = await analyzeText(hardWrap(START, width));
      expect(r.facts.kvCache.maxConcurrency, `width ${width}`).toBe(3.21);
      expect(r.facts.kvCache.tokensPerRequest, `width ${width}`).toBe(131072);
    }
  });

  it("does not join a record that ends a sentence with a record of its own after it", async () => {
    const r = await analyzeText(
      [
        "(EngineCore_DP0 pid=2211) INFO 11-03 09:14:55 [kv_cache_utils.py:1091] Maximum concurrency for 131,072 tokens per request: 3.",
        "(EngineCore_DP0 pid=2211) INFO 11-03 09:14:56 [core.py:210] init engine (profile, create kv cache, warmup model) took 41.20 seconds",
      ].join("\n") + "\n",
    );
    expect(r.facts.kvCache.maxConcurrency).toBeNull();
  });
  it("does not join an NCCL record with a record of its own behind labels the peel does not know", async () => {
    // (two launchers' labels, `srun -l`'s over pdsh's: the second line is no continuation of the first, whose join would
    // read `Bootstrap … Failed` as a bootstrap failure)
    for (const label of ["3: 10.3.35.83: ", "task 3: node-a: ", "<3> [node-a] "]) {
      const r = await analyzeText(
        [
          `${label}ip-10-3-35-83:362:362 [0] NCCL INFO Bootstrap : Using eth0:10.3.35.83<0>`,
          `${label}ip-10-3-35-83:362:362 [0] NCCL INFO NET/Plugin: Failed to find ncclCollNetPlugin_v4 symbol.`,
          `${label}ip-10-3-35-83:362:362 [0] NCCL INFO NET/OFI Selected Provider is efa (found 4 nics)`,
        ].join("\n") + "\n",
      );
      expect(r.findings.map((f) => f.ruleId), label).toEqual([]);
    }
  });
});

describe("NCCL's Init records hard-wrapped inside their commId", () => {
  const init = (host: string, pid: number, dev: number, rank: number) =>
    `${host}:${pid}:${pid + 270} [${dev}] NCCL INFO comm 0x55a${dev}fe785f7a0 rank ${rank} nranks 16 cudaDev ${dev} nvmlDev ${dev} busId ${dev + 1}b000 commId 0x5ae77eb5ea4ec1ee - Init COMPLETE`;
  const lines = [0, 1, 2, 3].map((d) => init("gpu-a07", 4100 + d, d, d));

  it("counts each Init COMPLETE whose tail a cut put on the next line, wherever in the commId the cut falls", async () => {
    for (const keep of [0, 4, 12]) {
      const cut = lines.flatMap((l) => {
        const at = l.indexOf("commId 0x") + "commId 0x".length + keep;
        return [l.slice(0, at), l.slice(at)];
      });
      const r = await analyzeText(cut.join("\n") + "\n");
      expect(r.facts.nccl.initComplete, `cut after ${keep} hex digits`).toBe(4);
    }
  });

  it("reads a line of hex digits and ` - Init COMPLETE` as nothing after another NCCL record", async () => {
    const r = await analyzeText([lines[0], "gpu-a07:4100:4370 [0] NCCL INFO Using network IB", "7eb5ea4ec1ee - Init COMPLETE"].join("\n") + "\n");
    expect(r.facts.nccl.initComplete).toBe(1);
  });
});

describe("PyTorch's watchdog timeout hard-wrapped before its operation", () => {
  const WATCHDOG = [
    "[rank3]:[E1207 10:11:12.123456789 ProcessGroupNCCL.cpp:632] [Rank 3] Watchdog caught collective operation timeout: WorkNCCL(SeqNum=1184, OpType=ALLREDUCE, NumelIn=8388608, NumelOut=8388608, Timeout(ms)=600000) ran for 600047 milliseconds before timing out.",
    "[rank3]:[E1207 10:11:12.124000000 ProcessGroupNCCL.cpp:670] [Rank 3] Some NCCL operations have failed or timed out. Due to the asynchronous nature of CUDA kernels, subsequent GPU operations might run on corrupted/incomplete data.",
  ];
  it("names the operation, sequence and timeout as the whole line does, wherever the cut falls, and counts the line once", async () => {
    const whole = await analyzeText(WATCHDOG.join("\n") + "\n");
    const want = whole.findings.find((f) => f.ruleId === "nccl/collective-timeout")!;
    expect(want.message).toMatch(/^Rank 3 waited in ALLREDUCE \(SeqNum 1184\) longer than the 600 s timeout/);
    const line = WATCHDOG[0];
    for (const at of [line.indexOf("WorkNCCL") + 5, line.indexOf("SeqNum=") + 3, line.indexOf("OpType=") + 9, line.indexOf("Timeout(ms)=") + 4]) {
      for (const width of [80, 120, 4000]) {
        const text = hardWrap([line.slice(0, at)], width) + hardWrap([line.slice(at)], width) + hardWrap([WATCHDOG[1]], width);
        const r = await analyzeText(text);
        const got = r.findings.find((f) => f.ruleId === "nccl/collective-timeout")!;
        expect(got.message, `cut at ${at}, width ${width}`).toBe(want.message);
        expect(got.evidence[0].line, `cut at ${at}, width ${width}`).toBe(1);
        expect(r.facts.firstError?.line).toBe(1);
      }
    }
  });
});


describe("a launch command hard-wrapped at a terminal's width", () => {
  const CMD =
    "user@gpu-node:~/work$ CUDA_VISIBLE_DEVICES=0,1,2,3 vllm serve meta-llama/Llama-3.1-70B-Instruct --port 8099 --max-model-len 32768 --gpu-memory-utilization 0.85 --max-num-seqs 32 --tensor-parallel-size 4";
  const LOG = "INFO 07-02 15:53:59 [__init__.py:244] Automatically detected platform cuda.";
  const config = (r: Report) => {
    const c = r.facts.config;
    return { model: c.model, tp: c.tensorParallelSize, len: c.maxModelLen, util: c.gpuMemoryUtilization };
  };
  it("reads the flags of every piece as the whole command's, wherever after `vllm serve` the cut falls", async () => {
    const want = config(await analyzeText(`${CMD}\n${LOG}\n`));
    expect(want).toEqual({ model: "meta-llama/Llama-3.1-70B-Instruct", tp: 4, len: 32768, util: 0.85 });
    // (a cut inside or right after the command's own words, `vllm ser` / `ve ...`, leaves no command to continue)
    for (let width = CMD.indexOf("serve ") + 8; width <= 200; width += 3) expect(config(await analyzeText(hardWrap([CMD, LOG], width))), `width ${width}`).toEqual(want);
  });
  it("does not join a whole command with the line after it", async () => {
    // (a model name the next line's first word would lengthen; a record of its own; a plain word)
    const cmd = "$ python -m vllm.entrypoints.openai.api_server --tensor-parallel-size 2 --model org/chat-model-v2";
    for (const next of ["INFO:     Started server process [12]", "Traceback (most recent call last):", "loading", "vllm: error: unrecognized arguments: --enable-foo"]) {
      const r = await analyzeText(`${cmd}\n${next}\n`);
      expect(config(r).model, next).toBe("org/chat-model-v2");
      expect(config(r).tp, next).toBe(2);
    }
    // a line of flags whose backslash a paste ate starts a word of its own
    const flags = await analyzeText(`${cmd}\n--max-model-len 4096 --tensor-parallel-size 4\n`);
    expect(config(flags)).toEqual({ model: "org/chat-model-v2", tp: 4, len: 4096, util: null });
  });
});

describe("NCCL connection records hard-wrapped inside their transport", () => {
  const head = (ch: number) => `gpu-b:926:1151 [7] NCCL INFO Channel ${String(ch).padStart(2, "0")}/0 : 15[7] -> 6[6]`;
  const KINDS: [string, string][] = [
    ["via P2P/IPC/read", "P2P/IPC"],
    ["via P2P/CUMEM/read", "P2P/CUMEM"],
    ["via SHM/direct/direct", "SHM"],
    ["[send] via NET/Socket/3", "NET/Socket"],
    ["[receive] via NET/IB/1", "NET/IB"],
    ["via P2P/direct pointer/read", "P2P/direct"],
    ["[send] via NET/IB/0/GDRDMA", "NET/IB/GDRDMA"],
  ];
  it("counts each connection once by its kind, wherever in `via …` the cut falls", async () => {
    for (const [tail, kind] of KINDS) {
      const line = `${head(3)} ${tail}`;
      const from = line.indexOf("via ") + 4;
      for (let at = from + 1; at < line.length; at++) {
        const r = await analyzeText(`${line.slice(0, at)}\n${line.slice(at)}\n${head(4)} ${tail}\n`);
        const counted = Object.entries(r.facts.nccl.transports).filter(([, n]) => n > 0);
        // (cut right before `/GDRDMA` or after its slash, the first half is a whole `NET/IB/0` record: read so, alone)
        const whole = /NET\/IB\/0\/?$/.test(line.slice(0, at));
        expect(counted, `${tail} cut after ${JSON.stringify(line.slice(from, at))}`).toEqual(whole ? [["NET/IB", 1], ["NET/IB/GDRDMA", 1]] : [[kind, 2]]);
      }
    }
  });
  it("reads nothing into a line after the cut that does not go on with the kind", async () => {
    for (const next of [" T/Socket/3", "INFO 07-02 15:53:59 [core.py:1] T/Socket/3", "T : Using [0]eth0:10.0.0.1<0>"]) {
      const r = await analyzeText(`${head(3)} [send] via NE\n${next}\n`);
      expect(Object.values(r.facts.nccl.transports).every((n) => n === 0), next).toBe(true);
    }
  });
});

describe("NCCL's `NET/IB : Using` list of a node of many HCAs, hard-wrapped", () => {
  const LINE = "gpu-a:21488:21838 [0] NCCL INFO NET/IB : Using [0]mlx5_0:1/IB [1]mlx5_1:1/IB [2]mlx5_2:1/IB [3]mlx5_3:1/IB [4]mlx5_4:1/IB [5]mlx5_5:1/RoCE [6]mlx5_6:1/IB [7]mlx5_7:1/IB [RO]; OOB ib0:10.0.0.1<0>";
  const ALL = [0, 1, 2, 3, 4, 5, 6, 7].map((i) => `mlx5_${i}:1`);
  it("lists every HCA wherever in the list the cut falls", async () => {
    const from = LINE.indexOf("Using ") + 8;
    for (let at = from; at < LINE.indexOf("; OOB"); at++) {
      const r = await analyzeText(`${LINE.slice(0, at)}\n${LINE.slice(at)}\n`);
      expect(r.facts.nccl.ibHcas, `cut after ${JSON.stringify(LINE.slice(from - 2, at))}`).toEqual(ALL);
    }
  });
  it("reads no other line into a list that ends without its OOB", async () => {
    // (NCCL 2.3's form has no OOB part; a record of its own follows)
    const old = "gpu-a:21488:21838 [0] NCCL INFO NET/IB : Using [0]mlx5_0:1/IB [1]mlx5_1:1/IB";
    for (const next of ["gpu-a:21488:21838 [0] NCCL INFO Using network IB", "INFO 07-02 15:53:59 [core.py:1] [2]mlx5_9:1/IB", "(RayWorkerWrapper pid=9) [2]mlx5_9:1/IB"]) {
      const r = await analyzeText(`${old}\n${next}\n`);
      expect(r.facts.nccl.ibHcas, next).toEqual(["mlx5_0:1", "mlx5_1:1"]);
    }
  });
});

describe("an Init COMPLETE record hard-wrapped anywhere in its last words", () => {
  const LINE = "gpu-a07:4101:4371 [1] NCCL INFO comm 0x55a1fe785f7a0 rank 1 nranks 16 cudaDev 1 nvmlDev 1 busId 2b000 commId 0x5ae77eb5ea4ec1ee - Init COMPLETE";
  it("counts it once wherever from its busId on the cut falls", async () => {
    for (let at = LINE.indexOf("busId"); at < LINE.length; at++) {
      const r = await analyzeText(`${LINE.slice(0, at)}\n${LINE.slice(at)}\n`);
      expect(r.facts.nccl.initComplete, `cut before ${JSON.stringify(LINE.slice(at))}`).toBe(1);
    }
  });
});
