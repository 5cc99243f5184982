import { describe, expect, it } from "vitest";
import { analyzeText, ids } from "./rules/analyze-text.js";

/**
 * Gaps the readers had (round 25, helper gaps25), each closed for the format rather than for a file. Every log text
 * here is written for the test in the format's shape, over versions and wrappers; the facts and findings are exact.
 */

/** `lines` as a terminal of `width` columns shows them: every physical line (its wrapper included) cut at the width */
function terminal(lines: string[], width: number, eol = "\n"): string {
  const out: string[] = [];
  for (const l of lines) for (let i = 0; i < l.length || i === 0; i += width) out.push(l.slice(i, i + width));
  return out.join(eol) + eol;
}

const WRAPPERS: [string, (l: string, i: number) => string][] = [
  ["bare", (l) => l],
  ["kubectl --timestamps", (l, i) => `2026-03-04T05:06:${String(10 + i).padStart(2, "0")}.123456789Z ${l}`],
  ["docker compose", (l) => `vllm-openai-1  | ${l}`],
  ["ANSI colour", (l) => `\x1b[32m${l}\x1b[0m`],
];

describe("a server's stats records cut by a terminal's width", () => {
  // each record: running, waiting, GPU KV %, generation tokens/s, in every version's wording
  const values: [number, number, number, number][] = [[31, 0, 17.6, 616.1], [32, 2, 48.25, 597.0], [28, 5, 96.4, 589.1], [30, 0, 29.6, 578.9]];
  const fmt = (x: number) => x.toFixed(1);
  const versions: [string, (v: [number, number, number, number], i: number) => string][] = [
    // V0 ≤0.4 (`metrics.py:NNN]`, no trailing period)
    ["V0 0.4", ([r, w, kv, g], i) => `INFO 07-03 23:2${i}:42 metrics.py:295] Avg prompt throughput: 0.0 tokens/s, Avg generation throughput: ${fmt(g)} tokens/s, Running: ${r} reqs, Swapped: 0 reqs, Pending: ${w} reqs, GPU KV cache usage: ${fmt(kv)}%, CPU KV cache usage: 0.0%`],
    // V0 0.5–0.6 (a trailing period)
    ["V0 0.6", ([r, w, kv, g], i) => `INFO 07-03 23:2${i}:42 metrics.py:351] Avg prompt throughput: 12.4 tokens/s, Avg generation throughput: ${fmt(g)} tokens/s, Running: ${r} reqs, Swapped: 0 reqs, Pending: ${w} reqs, GPU KV cache usage: ${fmt(kv)}%, CPU KV cache usage: 0.0%.`],
    // V1 0.7.1 (the comma missing before the KV usage)
    ["V1 0.7.1", ([r, w, kv, g], i) => `INFO 02-03 23:2${i}:42 loggers.py:78] Avg prompt throughput: 3.2 tokens/s, Avg generation throughput: ${fmt(g)} tokens/s, Running: ${r} reqs, Waiting: ${w} reqs GPU KV cache usage: ${fmt(kv)}%.`],
    // V1 0.11 behind the API server's prefix
    ["V1 0.11", ([r, w, kv, g], i) => `(APIServer pid=2211) INFO 10-03 23:2${i}:42 [loggers.py:127] Engine 000: Avg prompt throughput: 1523.4 tokens/s, Avg generation throughput: ${fmt(g)} tokens/s, Running: ${r} reqs, Waiting: ${w} reqs, GPU KV cache usage: ${fmt(kv)}%, Prefix cache hit rate: 41.2%`],
  ];
  for (const [version, line] of versions) {
    it(`${version}: every record counted once with its KV usage, at every width and wrapper`, async () => {
      for (const width of [80, 97, 128, 150]) {
        for (const [name, wrap] of WRAPPERS) {
          const lines = values.map((v, i) => wrap(line(v, i), i));
          const r = await analyzeText(terminal(lines, width, name === "bare" && width === 128 ? "\r\n" : "\n"));
          const rt = r.facts.runtime;
          const at = `${version} at ${width} columns, ${name}`;
          expect(rt?.statsLines, at).toBe(4);
          expect(rt?.running.max, at).toBe(32);
          expect(rt?.waiting.max, at).toBe(5);
          expect(rt?.gpuKvUsagePct?.max, at).toBe(96.4);
          expect(rt?.gpuKvUsagePct?.min, at).toBe(17.6);
          expect(rt?.generationThroughput.max, at).toBe(616.1);
        }
      }
    });
  }

  it("a cut record among many whole ones (the fast path reads those): joined, counted once, its KV usage kept", async () => {
    const line = (i: number, kv: string) => `(APIServer pid=7) INFO 10-03 23:${String(10 + Math.floor(i / 6)).padStart(2, "0")}:${String((i % 6) * 10).padStart(2, "0")} [loggers.py:127] Engine 000: Avg prompt throughput: 0.0 tokens/s, Avg generation throughput: ${100 + i}.0 tokens/s, Running: ${i % 9} reqs, Waiting: 0 reqs, GPU KV cache usage: ${kv}%, Prefix cache hit rate: 41.2%`;
    const lines: string[] = [];
    for (let i = 0; i < 40; i++) lines.push(line(i, "10.0"));
    const cut = line(40, "97.5");
    const at = cut.indexOf("usage: 9") + 8;
    lines.push(cut.slice(0, at), cut.slice(at));
    for (let i = 41; i < 60; i++) lines.push(line(i, "10.0"));
    const rt = (await analyzeText(lines.join("\n") + "\n")).facts.runtime;
    expect(rt?.statsLines).toBe(60);
    expect(rt?.gpuKvUsagePct?.max).toBe(97.5);
    expect(rt?.gpuKvUsagePct?.min).toBe(10);
    expect(rt?.generationThroughput.max).toBe(159);
  });

  it("a record cut and the next glued to it (`Running: 32 $INFO ...`): the cut one counts without KV usage, the next whole", async () => {
    const head = (s: number) => `INFO 07-03 23:23:${s} [metrics.py:536] Avg prompt throughput: 0.0 tokens/s, Avg generation throughput: `;
    const text = [
      `${head(42)}616.1 tokens/s, Running: 32 r`,
      "eqs, Swapped: 0 reqs, Pending: 0 reqs, GPU KV cache usage: 17.6%, CPU KV cache usage: 0.0%.",
      `${head(53)}597.0 tokens/s, Running: 32 $${head(58)}589.1 tokens/s, Running: 31 r`,
      "eqs, Swapped: 0 reqs, Pending: 0 reqs, GPU KV cache usage: 24.8%, CPU KV cache usage: 0.0%.                    ",
    ].join("\n");
    const rt = (await analyzeText(text + "\n")).facts.runtime;
    expect(rt?.statsLines).toBe(3);
    expect(rt?.gpuKvUsagePct).toEqual({ min: 17.6, median: 17.6, p95: 24.8, max: 24.8 });
    expect(rt?.generationThroughput.max).toBe(616.1);
  });

  it("a cut record whose rest never comes (the paste ends, or a record of its own follows) still counts", async () => {
    const a = "INFO 07-03 23:23:42 [metrics.py:536] Avg prompt throughput: 0.0 tokens/s, Avg generation throughput: 616.1 tokens/s, Running: 32 r";
    for (const after of [[], ["INFO 07-03 23:23:44 [engine.py:310] Aborted request cmpl-1."], ["", "WARNING 07-03 23:23:45 [scheduler.py:1760] Sequence group 7 is preempted by PreemptionMode.RECOMPUTE mode because there is not enough KV cache space."]]) {
      const rt = (await analyzeText([a, ...after].join("\n"))).facts.runtime;
      expect(rt?.statsLines).toBe(1);
      expect(rt?.running.max).toBe(32);
      expect(rt?.gpuKvUsagePct).toBeNull();
    }
  });
});

describe("stats records an author shortened with `...` in a write-up", () => {
  it("the records are counted with the values they keep; an elided value is no zero", async () => {
    const text = [
      "Engine 000: Avg prompt throughput: 91.0 tokens/s, Avg generation throughput: 46.1 tokens/s,",
      "Running: 3 reqs, Waiting: 0 reqs, GPU KV cache usage: 27.7%,",
      "Prefix cache hit rate: 43.4%",
      "",
      "Engine 000: ... Avg generation throughput: 0.6 tokens/s, Running: 5 reqs,",
      "GPU KV cache usage: 99.0% ...",
      "",
      "INFO 04-07 18:11:25 [loggers.py:259] ... Avg generation throughput: 92.5 tokens/s, Running: 1 reqs, Waiting: 2 reqs, GPU KV cache usage: 0.5%, ...",
      "INFO 04-07 18:12:25 [loggers.py:259] … Running: 0 reqs, Waiting: 0 reqs, GPU KV cache usage: 0.0%, Prefix cache hit rate: 71.0%",
      "Engine 001: Avg generation throughput:  82.8 tokens/s, Running: 4 reqs, ..., GPU KV cache usage: 56.3%",
    ].join("\n");
    const rt = (await analyzeText(text + "\n")).facts.runtime;
    expect(rt?.statsLines).toBe(5);
    expect(rt?.running.max).toBe(5);
    expect(rt?.waiting.max).toBe(2);
    expect(rt?.gpuKvUsagePct?.max).toBe(99);
    expect(rt?.generationThroughput).toEqual({ min: 0.6, median: 46.1, p95: 92.5, max: 92.5 });
    // only the whole record states a prompt throughput
    expect(rt?.promptThroughput).toEqual({ min: 91, median: 91, p95: 91, max: 91 });
  });

  it("prose that names the labels is no stats record", async () => {
    const text = [
      "Running: 3 reqs is what the dashboard showed, with the GPU KV cache usage: 40% panel flat.",
      "We looked at Avg generation throughput in Grafana and Running: counts.",
    ].join("\n");
    expect((await analyzeText(text + "\n")).facts.runtime).toBeNull();
  });
});

describe("a multi-node run shown only by a connection to another machine's address", () => {
  // One node's log of a multi-node job: its own NCCL lines, and a socket call to a rank whose node printed nothing here.
  // NCCL connects to the address each peer bootstrapped from; ranks on one host bootstrap from one interface.
  const own = (host: string, addr: string, v: "2.10" | "2.18" | "2.21") => [
    `${host}:796:796 [1] NCCL INFO Bootstrap : Using enp67s0:${addr}<0>`,
    ...(v === "2.10" ? [`${host}:796:796 [1] NCCL INFO NET/Plugin : No plugin found (libnccl-net.so), using internal implementation`] : [`${host}:796:796 [1] NCCL INFO NET/Plugin: Could not find: libnccl-net.so. Using internal network plugin.`]),
    `${host}:796:796 [1] NCCL INFO NET/IB : No device found.`,
    `${host}:796:796 [1] NCCL INFO NET/Socket : Using [0]enp67s0:${addr}<0>`,
    `${host}:796:796 [1] NCCL INFO Using network Socket`,
  ];
  const connect = (host: string, peer: string, v: "2.10" | "2.18" | "2.21") =>
    v === "2.10"
      ? `${host}:795:822 [0] include/socket.h:409 NCCL WARN Net : Connect to ${peer}<54263> failed : No route to host`
      : v === "2.18"
        ? `${host}:795:822 [0] misc/socket.cc:483 NCCL WARN socketStartConnect: Connect to ${peer}<54263> failed : Connection refused`
        : `${host}:795:822 [0] misc/socket.cc:533 NCCL WARN socketPollConnect: Connect to ${peer}<54263> returned 113(No route to host) errno 115(Operation now in progress)`;
  const wrappers: [string, (l: string) => string][] = [
    ["bare", (l) => l],
    ["mpirun --tag-output", (l) => `[1,1]<stdout>:${l}`],
    ["kubectl --timestamps", (l) => `2026-03-04T05:06:07.123456789Z ${l}`],
    ["docker compose", (l) => `trainer-1  | ${l}`],
  ];

  for (const v of ["2.10", "2.18", "2.21"] as const) {
    it(`NCCL ${v}: the Socket network carries inter-node traffic (socket-fallback), nodes stays the hosts seen`, async () => {
      for (const [peer, mine] of [["192.168.1.9", "192.168.1.8"], ["fd00:10:0:1::22", "fd00:10:0:1::21"]]) {
        for (const [name, wrap] of wrappers) {
          for (const eol of ["\n", "\r\n"]) {
            const r = await analyzeText([...own("ps-8", mine, v), "", connect("ps-8", peer, v)].map(wrap).join(eol) + eol);
            const n = r.facts.nccl;
            const at = `${v} ${peer} ${name}`;
            expect(n.remotePeers, at).toEqual([peer]);
            expect(n.multiNode, at).toBe(true);
            expect(n.nodes, at).toBe(1);
            expect(n.interNodeNet, at).toBe("NET/Socket");
            expect(ids(r), at).toEqual(["nccl/bootstrap-failure", "nccl/socket-fallback"]);
            const f = r.findings.find((x) => x.ruleId === "nccl/socket-fallback")!;
            expect(f.message, at).toContain(`NCCL connects to ${peer}, an address of no process in the log (it runs on ${mine})`);
            expect(f.evidence.map((e) => e.line), at).toContain(7);
          }
        }
      }
    });
  }

  it("no other machine: a connection to its own address, loopback, link-local, Docker's bridge, another network, or with no own address", async () => {
    const cases: [string, string | null][] = [
      ["192.168.1.8", "192.168.1.8"], // itself (NCCL's bootstrap connects to its own root)
      ["127.0.0.1", "192.168.1.8"],
      ["::1", "192.168.1.8"],
      ["fe80::20d:3aff:fef7:74b3%enP7906s1", "fe80::20d:3aff:fef7:74b4"],
      ["172.17.0.3", "172.17.0.2"], // two containers on the default bridge: one host
      ["10.244.7.2", "192.168.1.8"], // another network than NCCL's own interface: a second interface of the host
      ["192.168.1.9", null], // no own address in the log to compare with
    ];
    for (const [peer, mine] of cases) {
      const lines = [...(mine ? own("gpu-a", mine, "2.18") : []), connect("gpu-a", peer, "2.18")];
      const r = await analyzeText(lines.join("\n") + "\n");
      expect(r.facts.nccl.remotePeers, peer).toEqual([]);
      expect(r.facts.nccl.multiNode, peer).toBe(false);
      expect(ids(r), peer).not.toContain("nccl/socket-fallback");
    }
  });

  it("an INFO trace of connections to its own bootstrap address is one node (NCCL_DEBUG_SUBSYS=NET)", async () => {
    const lines = [
      "host-2:38610:38610 [0] NCCL INFO Bootstrap : Using enp179s0f0:198.18.2.2<0>",
      "host-2:38610:38610 [0] NCCL INFO NET/IB : Using [0]mlx5_0:1/RoCE [RO]; OOB enp179s0f0:198.18.2.2<0>",
      "host-2:38610:38610 [0] NCCL INFO Using network IB",
      "host-2:38610:38610 [0] NCCL INFO socketStartConnect: Connect to 198.18.2.2<54298>",
      "host-2:38610:38621 [0] NCCL INFO socketStartConnect: Connect to 198.18.2.2<36116>",
    ];
    const r = await analyzeText(lines.join("\n") + "\n");
    expect(r.facts.nccl.multiNode).toBe(false);
    expect(ids(r)).toEqual([]);
  });

  it("vLLM's torch.distributed init method on another machine than NCCL's own address: multi-node; loopback or its own: not", async () => {
    const log = (init: string) => [
      `DEBUG 06-10 09:12:01 [parallel_state.py:945] world_size=2 rank=1 local_rank=0 distributed_init_method=tcp://${init}:29500 backend=nccl`,
      "(RayWorkerWrapper pid=4100) gpu-b:4100:4100 [0] NCCL INFO Bootstrap : Using eth0:10.4.0.12<0>",
      "(RayWorkerWrapper pid=4100) gpu-b:4100:4177 [0] NCCL INFO NET/IB : No device found.",
      "(RayWorkerWrapper pid=4100) gpu-b:4100:4177 [0] NCCL INFO NET/Socket : Using [0]eth0:10.4.0.12<0>",
      "(RayWorkerWrapper pid=4100) gpu-b:4100:4177 [0] NCCL INFO Using network Socket",
    ].join("\n") + "\n";
    const far = await analyzeText(log("10.4.0.11"));
    expect(far.facts.distributed.hostIp).toBe("10.4.0.11");
    expect(far.facts.nccl.multiNode).toBe(true);
    expect(ids(far)).toEqual(["nccl/socket-fallback"]);
    expect(far.findings[0].message).toContain("the distributed init method is on 10.4.0.11, an address of no process in the log (it runs on 10.4.0.12)");
    for (const near of ["127.0.0.1", "10.4.0.12", "172.31.9.9"]) {
      const r = await analyzeText(log(near));
      expect(r.facts.nccl.multiNode, near).toBe(false);
      expect(ids(r), near).toEqual([]);
    }
  });
});

describe("Ray's placement-group and resources sentences wrapped over up to six lines", () => {
  /** `msg` wrapped at `width` at blanks (a console's word wrap), the first line after `head`, the rest under `indent` */
  const wordWrap = (head: string, msg: string, width: number, indent: string): string[] => {
    const out: string[] = [];
    let cur = "";
    for (const w of msg.split(" ")) {
      if (cur && cur.length + 1 + w.length > width) {
        out.push(cur);
        cur = w;
      } else cur = cur ? `${cur} ${w}` : w;
    }
    out.push(cur);
    return out.map((l, i) => (i === 0 ? `${head}${l}` : `${indent}${l}`));
  };
  const sentences = [
    "The number of required GPUs exceeds the total number of available GPUs in the placement group.",
    "Current node has no GPU available. current_node_resource={'CPU': 16.0, 'memory': 6.1e10}. vLLM engine cannot start without GPU. Make sure you have at least 1 GPU available in a node current_node_id=8f1c current_ip=10.0.0.5.",
    "Cannot provide a placement group requiring 8 GPUs (placement_group_specs=[{'GPU': 1.0, 'node:10.0.0.5': 0.001}, {'GPU': 1.0}]) within 1800 seconds.",
    "Waiting for creating a placement group of specs for 10 seconds. specs=[{'GPU': 1.0, 'node:10.0.0.5': 0.001}, {'GPU': 1.0}]. Check `ray status` and `ray list nodes` to see if you have enough resources.",
  ];
  it("a rich console's narrow message column (5–6 lines), its continuations bare or under the column's indent", async () => {
    for (const s of sentences) {
      for (const indent of ["", " ".repeat(28)]) {
        // what a pipeline logs around vLLM's error: the sentence starts on the record's third or fourth line
        const msg = `❌ Failed to load step 'generate_responses_0': Step load failed: ${s}`;
        const lines = [...wordWrap("[10/21/24 06:53:04] ERROR    ['distilabel.pipeline'] ", msg, 36, indent), "", "[10/21/24 06:53:05] INFO     ['distilabel.pipeline'] 🛑 Stopping pipeline."];
        for (const eol of ["\n", "\r\n"]) {
          const r = await analyzeText(lines.join(eol) + eol);
          expect(ids(r), `${s.slice(0, 30)} indent ${indent.length}`).toContain("vllm/ray-insufficient-resources");
          expect(r.findings.find((f) => f.ruleId === "vllm/ray-insufficient-resources")?.evidence[0].line).toBe(1);
        }
      }
    }
  });
  it("a terminal's hard cut at 60 columns behind a vLLM header and a Ray worker prefix", async () => {
    const head = "(RayWorkerWrapper pid=4100, ip=10.0.0.5) WARNING 03-18 11:21:42 [ray_utils.py:214] ";
    for (const s of sentences) {
      const line = `${head}Ray placement: ${s}`;
      const lines: string[] = [];
      for (let i = 0; i < line.length; i += 60) lines.push(line.slice(i, i + 60));
      expect(lines.length).toBeGreaterThanOrEqual(4);
      expect(lines.length).toBeLessThanOrEqual(6);
      const r = await analyzeText(lines.join("\n") + "\n");
      expect(ids(r), s.slice(0, 30)).toContain("vllm/ray-insufficient-resources");
    }
  });
});

describe("rich's console log records (RichHandler) around vLLM", () => {
  it("an ERROR or CRITICAL record is the first error, with its time column, blank time column or squeezed padding", async () => {
    const warn = "[10/21/24 06:53:03] WARNING  ['distilabel.pipeline'] ⚠️ Step 'x' has no GPUs left      local.py:288";
    const info = "                    INFO     ['distilabel.pipeline'] ⏳ Waiting for all the steps       local.py:301";
    const errors = [
      "[10/21/24 06:53:04] ERROR    ['distilabel.pipeline'] ❌ Failed to load step 'x'       local.py:302",
      "                    ERROR    ['distilabel.pipeline'] ❌ Failed to load step 'x'       local.py:302",
      "[10/21/24 06:53:04] ERROR ['distilabel.pipeline'] ❌ Failed to local.py:302",
      "[10/21/24 06:53:04] CRITICAL ['ray.job'] Job driver exited                           job.py:77",
    ];
    for (const e of errors) {
      for (const wrap of [(l: string) => l, (l: string) => `2026-03-04T05:06:07.123456789Z ${l}`, (l: string) => `pipeline-1  | ${l}`]) {
        const r = await analyzeText([warn, info, e, "load step"].map(wrap).join("\n") + "\n");
        expect(r.facts.firstError?.line, e).toBe(3);
      }
    }
    expect((await analyzeText([warn, info].join("\n") + "\n")).facts.firstError).toBeNull();
  });
});

describe("multi-node data parallel (--data-parallel-address / -size-local / -start-rank / --headless)", () => {
  const cfg = async (text: string) => (await analyzeText(text + "\n")).facts;
  const nda = (args: string) => `(APIServer pid=4101) INFO 07-01 10:00:01 [utils.py:326] non-default args: {${args}}`;

  it("the head node: nodes = data-parallel size / local size, the master address the data-parallel head's", async () => {
    const texts = [
      "$ vllm serve deepseek-ai/DeepSeek-V3 --data-parallel-size 4 --data-parallel-size-local 2 --data-parallel-address 10.99.48.128 --data-parallel-rpc-port 13345 --enable-expert-parallel",
      "vllm serve deepseek-ai/DeepSeek-V3 -dp 4 -dpl 2 -dpa 10.99.48.128 -dpp 13345 -ep",
      nda("'model_tag': 'deepseek-ai/DeepSeek-V3', 'model': 'deepseek-ai/DeepSeek-V3', 'data_parallel_size': 4, 'data_parallel_size_local': 2, 'data_parallel_address': '10.99.48.128', 'data_parallel_rpc_port': 13345, 'enable_expert_parallel': True"),
      "INFO 05-20 10:00:01 api_server.py:1043] args: Namespace(model='deepseek-ai/DeepSeek-V3', tensor_parallel_size=1, data_parallel_size=4, data_parallel_size_local=2, data_parallel_start_rank=None, data_parallel_address='10.99.48.128', data_parallel_rpc_port=13345, headless=False, enable_expert_parallel=True)",
    ];
    for (const t of texts) {
      const f = await cfg(t);
      expect(f.config.dataParallelSize, t).toBe(4);
      expect(f.config.dataParallelSizeLocal, t).toBe(2);
      expect(f.config.dataParallelAddress, t).toBe("10.99.48.128");
      expect(f.config.masterAddr, t).toBe("10.99.48.128");
      expect(f.config.nnodes, t).toBe(2);
      expect(f.config.nodeRank, t).toBeNull();
      expect(f.sources["config.nnodes"]?.derived, t).toBe("data_parallel_size 4 / data_parallel_size_local 2");
      expect(f.sources["config.masterAddr"]?.line, t).toBe(1);
      // a run of two nodes, by vLLM's own count; no NCCL lines, so no node count of NCCL's
      expect(f.nccl.multiNode, t).toBe(true);
      expect(f.nccl.nodes, t).toBeNull();
    }
  });

  it("the other node (--headless, start rank 2): node rank 1 of 2; its NCCL lines make a two-node run", async () => {
    const lines = [
      "vllm serve deepseek-ai/DeepSeek-V3 --headless --data-parallel-size 4 --data-parallel-size-local 2 --data-parallel-start-rank 2 --data-parallel-address 10.99.48.128 --data-parallel-rpc-port 13345",
      "INFO 07-01 10:00:03 [serve.py:120] Launching 2 data parallel engine(s) in headless mode, with head node address tcp://10.99.48.128:13345.",
      "(EngineCore_DP2 pid=101) gpu-b:101:101 [0] NCCL INFO Bootstrap : Using eth0:10.99.48.129<0>",
      "(EngineCore_DP2 pid=101) gpu-b:101:101 [0] NCCL INFO NET/IB : Using [0]mlx5_0:1/IB ; OOB eth0:10.99.48.129<0>",
      "(EngineCore_DP2 pid=101) gpu-b:101:101 [0] NCCL INFO Using network IB",
    ];
    for (const text of [lines.join("\n"), lines.map((l) => `2026-03-04T05:06:07.123456789Z ${l}`).join("\n"), lines.join("\r\n")]) {
      const f = await cfg(text);
      expect(f.config.headless).toBe(true);
      expect(f.config.nnodes).toBe(2);
      expect(f.config.nodeRank).toBe(1);
      expect(f.config.dataParallelStartRank).toBe(2);
      expect(f.config.masterAddr).toBe("10.99.48.128");
      expect(f.nccl.nodes).toBe(2);
      expect(f.nccl.multiNode).toBe(true);
      expect(f.nccl.interNodeNet).toBe("NET/IB");
    }
  });

  it("the headless line alone: this node's engines and the head's address, no node count", async () => {
    const f = await cfg("(APIServer pid=9) INFO 07-01 10:00:03 [serve.py:120] Launching 4 data parallel engine(s) in headless mode, with head node address tcp://10.99.48.128:13345.");
    expect(f.config).toMatchObject({ headless: true, dataParallelSizeLocal: 4, dataParallelAddress: "10.99.48.128", masterAddr: "10.99.48.128", nnodes: null, nodeRank: null });
  });

  it("stated --nnodes / --master-addr win; one node's data parallel, an uneven split or no local size derive nothing", async () => {
    const stated = await cfg("vllm serve m --nnodes 4 --node-rank 3 --master-addr 10.0.0.1 -dp 4 -dpl 2 -dpr 2 -dpa 10.0.0.9");
    expect(stated.config).toMatchObject({ nnodes: 4, nodeRank: 3, masterAddr: "10.0.0.1", dataParallelAddress: "10.0.0.9" });
    expect(stated.sources["config.nnodes"]?.derived).toBeUndefined();
    for (const t of ["vllm serve m --data-parallel-size 4", "vllm serve m -dp 3 -dpl 2 -dpr 1", "vllm serve m -dp 4 -dpl 4"]) {
      const f = await cfg(t);
      expect(f.config.nnodes, t).toBeNull();
      expect(f.config.nodeRank, t).toBeNull();
      expect(f.config.masterAddr, t).toBeNull();
    }
  });

  it("a front end with no local engines (--data-parallel-size-local 0) is part of a multi-node run", async () => {
    const lines = [
      "vllm serve m --data-parallel-size 2 --data-parallel-size-local 0 --data-parallel-address 10.99.48.128",
      "gpu-a:101:101 [0] NCCL INFO Bootstrap : Using eth0:10.99.48.128<0>",
      "gpu-a:101:150 [0] NCCL INFO NET/IB : No device found.",
      "gpu-a:101:150 [0] NCCL INFO NET/Socket : Using [0]eth0:10.99.48.128<0>",
      "gpu-a:101:150 [0] NCCL INFO Using network Socket",
    ];
    const r = await analyzeText(lines.join("\n") + "\n");
    expect(r.facts.config.nnodes).toBeNull();
    expect(r.facts.nccl.multiNode).toBe(true);
    expect(r.findings.find((f) => f.ruleId === "nccl/socket-fallback")?.message).toContain("--data-parallel-size-local 0: every data-parallel engine runs on another node");
  });

  it("a data-parallel head on a public address is named as such", async () => {
    const r = await analyzeText("vllm serve m -dp 2 -dpl 1 -dpa 34.120.5.9 -dpp 13345\n");
    const f = r.findings.find((x) => x.ruleId === "security/public-address");
    expect(f?.message).toContain("the data-parallel head address (--data-parallel-address)");
    expect(f?.message).toContain("34.120.5.9");
  });
});

describe("a record whose level stands alone in brackets (`[ERROR] msg`) from one of the run's processes", () => {
  it("is an error behind Ray's nested prefixes, kubectl stamps; transformers' docstring-check print is not, nor another program's", async () => {
    const docCheck = "(EngineCore pid=367) [ERROR] `min_frames` is part of Qwen3VLVideoProcessorInitKwargs, but not documented. Make sure to add it to the docstring of the function in /usr/lib/transformers/video_processing.py.";
    const err = "(EngineCore_DP0 pid=846) (RayWorkerWrapper pid=1027) [ERROR] TBE Subprocess[task_distribute] raise error[], main process disappeared!";
    const later = "(EngineCore_DP0 pid=846) (RayWorkerWrapper pid=1027) ConnectionResetError: [Errno 104] Connection reset by peer";
    for (const wrap of [(l: string) => l, (l: string) => `2026-03-04T05:06:07.123456789Z ${l}`, (l: string) => l.replace(/^\(EngineCore_DP0 pid=846\) /, "")]) {
      const r = await analyzeText([docCheck, "(EngineCore pid=367) INFO 08-14 14:07:55 [vllm.py:979] Performance mode set to 'interactivity'.", err, later].map(wrap).join("\n") + "\n");
      expect(r.facts.firstError?.line).toBe(3);
    }
    expect((await analyzeText(docCheck + "\n")).facts.firstError).toBeNull();
    expect((await analyzeText("[ERROR]\n[WARNING] low disk space on /tmp\n")).facts.firstError).toBeNull();
    // a launcher's own print, no process of the run's in front
    expect((await analyzeText("[ERROR] ssh to node-2 timed out, retrying\n")).facts.firstError).toBeNull();
  });
});

describe("an exception line a write-up's markdown made a heading", () => {
  it("`## ValueError: ...` and `- ## ValueError: ...` are the first error; a heading that names no error is not", async () => {
    const msg = "ValueError: To serve at least one request with the models's max seq len (60000), (8.24 GiB KV cache is needed, which is larger than the available KV cache memory (4.00 GiB).";
    for (const mark of ["## ", "- ## ", "### ", "* # "]) {
      const r = await analyzeText(["# Notes on the 60k run", "", "Started with the usual command.", "", `${mark}${msg} `, "  - Based on the available memory, the estimated maximum model length is 29056. "].join("\n") + "\n");
      expect(r.facts.firstError?.line, mark).toBe(5);
      expect(r.facts.config.maxModelLen, mark).toBe(60000);
      expect(ids(r), mark).toContain("vllm/kv-cache-too-small");
    }
    expect((await analyzeText("## Errors we saw\n- ## Running out of memory\n").then((r) => r.facts.firstError))).toBeNull();
  });
});

describe("an NCCL prefix whose pid and tid the quoter blanked", () => {
  it("still names its host (one token or two, X's, ellipses or placeholders)", async () => {
    const warn = (head: string) => `${head} [5] ibvwrap.c:262 NCCL WARN Call to ibv_modify_qp failed with 110 Connection timed out, on dev mlx5_1:1, curr state INIT, next state RTR`;
    for (const [a, b] of [["host-01.example.com:XXXXXX", "host-02.example.com:XXXXXX"], ["gpu-a:xxx:xxx", "gpu-b:xxx:xxx"], ["node3:<pid>:<tid>", "node4:<pid>:<tid>"], ["dgx1:...", "dgx2:..."]]) {
      for (const stamp of ["", "[2026-03-13 22:26:02] "]) {
        const one = await analyzeText(`${stamp}${warn(a)}\n`);
        expect(one.facts.nccl.hosts, a).toEqual([a.slice(0, a.indexOf(":"))]);
        expect(one.facts.nccl.nodes, a).toBe(1);
        expect(one.facts.nccl.firstWarn?.line, a).toBe(1);
        const two = await analyzeText(`${stamp}${warn(a)}\n${stamp}${warn(b)}\n`);
        expect(two.facts.nccl.nodes, a).toBe(2);
      }
    }
    // a number is no host name
    const clock = await analyzeText(`10:xxx ${warn("").trimStart()}\n`);
    expect(clock.facts.nccl.nodes).toBeNull();
  });
});

describe("a traceback that stops inside the engine's construction (a caller's `LLM(` line, then vLLM's frames)", () => {
  const frames = (build: string, inner: string[]) => [
    "Traceback (most recent call last):",
    '  File "/home/u/rl/verl/workers/fsdp_workers.py", line 384, in init_model',
    "    self._build_rollout()",
    '  File "/home/u/rl/verl/workers/rollout/vllm_rollout_spmd.py", line 76, in __init__',
    `    ${build}`,
    ...inner,
  ];
  const vllmInner = ['  File "/opt/conda/lib/python3.10/site-packages/vllm/utils.py", line 1161, in inner', "    return fn(*args, **kwargs)"];
  it("is a start-up failure when the paste stops there, behind FastChat-style and Ray prefixes", async () => {
    for (const build of ["self.inference_engine = LLM(", "engine = AsyncLLMEngine.from_engine_args(engine_args)", "self.llm = vllm.LLM(model=path, tensor_parallel_size=2)"]) {
      for (const tail of [[], ["(pid=41424) INFO 07-17 17:00:40 __init__.py:183] Automatically detected platform cuda."]]) {
        for (const wrap of [(l: string) => l, (l: string) => `2025-07-17 17:00:39 | ERROR | stderr | (pid=41424) ${l}`, (l: string) => `(WorkerDict pid=41424, ip=10.0.0.7) ${l}`]) {
          const r = await analyzeText(frames(build, [...vllmInner, ...tail]).map(wrap).join("\n") + "\n");
          expect(ids(r), `${build} ${tail.length}`).toContain("vllm/engine-init-failed");
        }
      }
    }
  });
  it("not when the whole traceback shows no start-up function (a caller's wrong argument), the frames after it are the caller's own, or the engine runs", async () => {
    const args = await analyzeText(frames("llm = LLM(**model_args)", [...vllmInner, '  File "/opt/conda/lib/python3.11/site-packages/vllm/entrypoints/llm.py", line 210, in __init__', "    engine_args = EngineArgs(", "TypeError: EngineArgs.__init__() got an unexpected keyword argument 'worker_use_ray'"]).join("\n") + "\n");
    expect(args.facts.firstError?.line).toBe(10);
    expect(ids(args)).not.toContain("vllm/engine-init-failed");
    const own = await analyzeText(frames("self.inference_engine = LLM(", ['  File "/home/u/rl/verl/utils/config.py", line 12, in check', "    raise ValueError(msg)", "ValueError: bad rollout config"]).join("\n") + "\n");
    expect(ids(own)).not.toContain("vllm/engine-init-failed");
    const running = await analyzeText(frames("outputs = self.inference_engine.generate(prompts)", [...vllmInner, "RuntimeError: CUDA error: an illegal memory access was encountered"]).join("\n") + "\n");
    expect(ids(running)).not.toContain("vllm/engine-init-failed");
  });
});

describe("a traceback a paste cut inside a chain of imports", () => {
  const head = [
    "INFO 05-02 10:00:03 [api_server.py:1043] vLLM API server version 0.8.5",
    "Traceback (most recent call last):",
    '  File "/usr/local/lib/python3.12/dist-packages/vllm/entrypoints/openai/api_server.py", line 1078, in run_server',
    "    async with build_async_engine_client(args) as engine_client:",
    '  File "/usr/local/lib/python3.12/dist-packages/vllm/entrypoints/openai/api_server.py", line 166, in build_async_engine_client_from_engine_args',
  ];
  const modules = [
    "    from vllm.v1.engine.async_llm import AsyncLLM",
    '  File "/usr/local/lib/python3.12/dist-packages/vllm/v1/engine/async_llm.py", line 20, in <module>',
    "    from vllm.v1.engine.core_client import EngineCoreClient",
  ];
  it("names no failure, whether it stops at a module's line or at the import in a start-up function", async () => {
    for (const lines of [[...head, ...modules], [...head, modules[0]], [...head, ...modules.slice(0, 2)]]) {
      for (const wrap of [(l: string) => l, (l: string) => `2025-05-02T10:00:04.000000000Z ${l}`, (l: string) => `(APIServer pid=7) ${l}`]) {
        const r = await analyzeText(lines.map(wrap).join("\n") + "\n");
        expect(ids(r), lines.at(-1)).not.toContain("vllm/engine-init-failed");
      }
    }
  });
  it("but a cut inside the engine's start-up call still does, and so does the chain's own exception line", async () => {
    const call = await analyzeText([...head.slice(0, 4), '  File "/usr/local/lib/python3.12/dist-packages/vllm/v1/engine/core_client.py", line 130, in make_async_mp_client', "    return AsyncMPClient(*client_args)"].join("\n") + "\n");
    expect(ids(call)).toContain("vllm/engine-init-failed");
    const raised = await analyzeText([...head, ...modules, "ImportError: libcudart.so.12: cannot open shared object file: No such file or directory"].join("\n") + "\n");
    expect(raised.facts.firstError?.line).toBe(9);
  });
});
