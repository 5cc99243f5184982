import { describe, expect, it } from "vitest";
import { parseConnection } from "../grammars/nccl.js";
import { isBenignWarn } from "../grammars/nccl-messages.js";
import { analyzeText, ids, eolsFor } from "./rules/analyze-text.js";

/**
 * Formats found in a twenty-eighth round of real NCCL logs, taken from places other than NCCL's own tracker
 * (aws-ofi-nccl, RCCL/ROCm, Horovod, Lightning, PyTorch-based projects). Every log text here is written for the test,
 * in the format's shape, with variants the logs did not show (other wrappers, CRLF, colour, other transports).
 */

const WRAPS: [string, (l: string) => string][] = [
  ["plain", (l) => l],
  ["mpirun --tag-output", (l) => `[1,3]<stdout>:${l}`],
  ["srun --label", (l) => `3: ${l}`],
  ["kubectl --timestamps", (l) => `2026-12-05T10:11:12.123456789Z ${l}`],
  ["torchrun", (l) => `[rank3]:${l}`],
  ["ANSI colour", (l) => `\x1b[36m${l}\x1b[0m`],
];

describe("NCCL 2.1/2.2 intra-node records with no ring number (`1[5224] -> 0[5223] via direct shared memory`)", () => {
  // the closed-source releases before 2.3.5 print `<rank>[<pid>] -> <rank>[<pid>] via <transport>` with no `Ring NN :`,
  // and INFO/WARN without the NCCL token; from 2.3.5 the same record reads `Ring 00 : 1[1] -> 0[0] via ...`
  it("reads the record as a connection of channel 0, the bracket kept as no device", () => {
    expect(parseConnection("1[5224] -> 0[5223] via direct shared memory")).toMatchObject({ keyword: "", channel: 0, from: 1, to: 0, fromDev: null, toDev: null, via: "direct shared memory" });
    expect(parseConnection("2[31007] -> 3[31008] via P2P/IPC")).toMatchObject({ from: 2, to: 3, via: "P2P/IPC" });
    expect(parseConnection("0[88] -> 1[89] via SHM/direct/direct")).toMatchObject({ from: 0, to: 1, via: "SHM/direct/direct" });
    // 2.1 prints the bare ranks
    expect(parseConnection("0 -> 1 via P2P/direct pointer")).toMatchObject({ from: 0, to: 1, fromDev: null, via: "P2P/direct pointer" });
    expect(parseConnection("3 -> 2 via P2P/IPC")).toMatchObject({ from: 3, to: 2, direction: null });
    // a net record of that era keeps its own reading (`[receive]`, no brackets)
    expect(parseConnection("7 -> 8 via NET/Socket/0")).toMatchObject({ from: 7, to: 8, direction: "receive" });
    // not a transport after `via`, or a bracket that is no number: not a connection
    expect(parseConnection("1[5224] -> 0[5223] via the bootstrap ring")).toBeNull();
    expect(parseConnection("1[a] -> 0[b] via direct shared memory")).toBeNull();
  });

  const lines = (token: string) => [
    `gpu-a:7001:7061 [0] ${token}Ring 00 :    0   1   2   3`,
    `gpu-a:7001:7061 [0] ${token}0[7001] -> 1[7002] via P2P/IPC`,
    `gpu-a:7002:7063 [1] ${token}1[7002] -> 2[7003] via direct shared memory`,
    `gpu-a:7003:7064 [2] ${token}2[7003] -> 3[7004] via direct shared memory`,
    `gpu-a:7004:7062 [3] ${token}3[7004] -> 0[7001] via P2P/IPC`,
    `gpu-a:7003:7064 [2] ${token}2[7003] -> 3[7004] via direct shared memory`,
    "",
    `gpu-a:7004:7062 [3] misc/enqueue.cu:150 ${token.replace("INFO", "WARN")}Cuda failure 'invalid device function'`,
    `gpu-a:7004:7062 [3] ${token}misc/enqueue.cu:205 -> 1`,
  ];

  it("counts them by kind and reads their ranks, with and without the NCCL token, whatever wraps the lines", async () => {
    for (const token of ["INFO ", "NCCL INFO "]) {
      for (const [name, wrap] of WRAPS) {
        for (const eol of eolsFor(wrap)) {
          const r = await analyzeText(lines(token).map(wrap).join(eol) + eol);
          const at = `${token} ${name} ${JSON.stringify(eol)}`;
          expect(r.facts.nccl.transports, at).toMatchObject({ "P2P/IPC": 2, SHM: 3 });
          expect(r.facts.nccl.ranks, at).toBe(4);
          expect(r.facts.nccl.nodes, at).toBe(1);
          expect(r.facts.firstError?.line, at).toBe(8);
          expect(ids(r), at).toContain("nccl/cuda-error");
        }
      }
    }
  });

  it("reads 2.1's bracketless records too, double-spaced as pasted, under any wrapper", async () => {
    const lines21 = [
      "ip-10-0-0-9:8258:8258 [0] misc/ibvwrap.cu:60 WARN Failed to open libibverbs.so[.1]",
      "ip-10-0-0-9:8258:8258 [0] INFO Using internal Network Socket",
      "NCCL version 2.1.15+cuda9.0",
      "ip-10-0-0-9:8258:8258 [1] INFO [0] Ring 0 :    0   1   2",
      "ip-10-0-0-9:8258:8258 [0] INFO 0 -> 1 via P2P/direct pointer",
      "ip-10-0-0-9:8258:8258 [1] INFO 1 -> 2 via P2P/IPC",
      "ip-10-0-0-9:8258:8258 [2] INFO 2 -> 0 via direct shared memory",
    ];
    for (const [name, wrap] of WRAPS) {
      const r = await analyzeText(lines21.map((l) => wrap(l) + "\n").join("\n"));
      expect(r.facts.nccl.transports, name).toMatchObject({ "P2P/direct": 1, "P2P/IPC": 1, SHM: 1 });
      expect(r.facts.nccl.ranks, name).toBe(3);
      expect(r.facts.nccl.version, name).toBe("2.1.15");
      expect(r.facts.firstError, name).toBeNull();
    }
  });

  it("a healthy 2.2 set-up with only these records raises no error finding", async () => {
    const r = await analyzeText(lines("INFO ").slice(0, 6).join("\n") + "\n");
    expect(r.facts.nccl.transports).toMatchObject({ "P2P/IPC": 2, SHM: 3 });
    expect(r.findings.filter((f) => f.severity === "error")).toEqual([]);
  });
});

describe("RCCL's cuMem capability WARNs are advisory (`cuMem support requires VMM RDMA support`)", () => {
  // rocmwrap.cc's cuMem capability check WARNs and sets supported = 0; RCCL then comes up with cuMem off
  const advisories = [
    "cuMem support requires VMM RDMA support",
    "cuMem support requires Linux kernel >= 6.8",
    "cuMem support requires HIP_VERSION >= 7.2.0 (or ROCm 7.0.2.x backport)",
    "NCCL_CUMEM_ENABLE=1 is set but cuMem VMM APIs are unavailable in this build (HIP_VERSION=60342134); disabling cuMem",
  ];

  it("classifies each as benign, and a real cuMem failure not", () => {
    for (const a of advisories) expect(isBenignWarn(a), a).toBe(true);
    expect(isBenignWarn("Cuda failure 'operation not supported'")).toBe(false);
    expect(isBenignWarn("cuMem allocation failed")).toBe(false);
  });

  const log = (warn: string, stamp: boolean) => [
    `${stamp ? "[2026-11-02 08:15:44] " : ""}mi-box:31:31 [1] /opt/src/rccl/build/hipify/src/misc/rocmwrap.cc:95 NCCL WARN ${warn}`,
    "mi-box:31:31 [1] NCCL INFO NCCL_CUMEM_ENABLE set by environment to 0.",
    "mi-box:31:31 [0] NCCL INFO RCCL version : 2.29.3-HEAD:1a2b3c4",
    "HIP version  : 7.1.25424-0000000",
    "mi-box:31:40 [1] NCCL INFO NET/Socket : Using [0]eth0:10.1.2.3<0>",
    "mi-box:31:40 [1] NCCL INFO Using network Socket",
    "mi-box:31:40 [1] NCCL INFO Channel 00/0 : 1[1] -> 0[0] via P2P/IPC",
  ];

  it("raises no error finding and no first error, whatever wraps the lines; the WARN stays the first warn", async () => {
    for (const a of advisories) {
      for (const stamp of [false, true]) {
        for (const [name, wrap] of WRAPS) {
          const r = await analyzeText(log(a, stamp).map(wrap).join("\r\n") + "\r\n");
          const at = `${a} ${stamp} ${name}`;
          expect(r.facts.firstError, at).toBeNull();
          expect(r.facts.nccl.firstWarn?.line, at).toBe(1);
          expect(r.findings.filter((f) => f.severity === "error").map((f) => f.ruleId), at).toEqual([]);
          expect(r.facts.nccl.transports["P2P/IPC"], at).toBe(1);
        }
      }
    }
  });

  it("a failure after the advisory is still the first error", async () => {
    const text = [
      ...log(advisories[0], true),
      "",
      "[2026-11-02 08:15:47] mi-box:31:40 [1] /opt/src/rccl/build/hipify/src/enqueue.cc:2061 NCCL WARN HIP failure 'the operation cannot be performed in the present state'",
      "mi-box:31:40 [1] NCCL INFO /opt/src/rccl/build/hipify/src/enqueue.cc:2070 -> 1",
    ].join("\n");
    const r = await analyzeText(text + "\n");
    expect(r.facts.firstError?.line).toBe(9);
    expect(r.facts.nccl.firstWarn?.line).toBe(1);
  });
});

describe("a pre-2.4 WARN without the NCCL token that is benign (`misc/ibvwrap.cu:61 WARN Failed to open libibverbs.so[.1]`)", () => {
  // ≤2.3 prints `WARN` with no `NCCL` token; the libibverbs one is the same advisory as later (NCCL goes on over
  // sockets), while the era's real failures (`include/socket.h:311 WARN Socket creation failed : ..`) stay failures
  const lines = (token: string) => [
    `e66aa18dc444:3171:3171 [0] misc/ibvwrap.cu:61 ${token}Failed to open libibverbs.so[.1]`,
    `e66aa18dc444:3171:3171 [0] ${token.replace("WARN", "INFO")}Using internal Network Socket`,
    `e66aa18dc444:3171:3171 [0] include/socket.h:311 ${token}Socket creation failed : Address family not supported by protocol`,
  ];

  it("is no first error; the failure after it is, with or without the token, whatever wraps the lines", async () => {
    for (const token of ["WARN ", "NCCL WARN "]) {
      for (const [name, wrap] of WRAPS) {
        for (const eol of eolsFor(wrap)) {
          const at = `${token} ${name} ${JSON.stringify(eol)}`;
          const r = await analyzeText(lines(token).map(wrap).join(eol) + eol);
          expect(r.facts.firstError?.line, at).toBe(3);
          const only = await analyzeText(lines(token).slice(0, 2).map(wrap).join(eol) + eol);
          expect(only.facts.firstError, at).toBeNull();
          expect(only.findings.filter((f) => f.severity === "error"), at).toEqual([]);
        }
      }
    }
  });
});

describe("the `ncclras` client's report (NCCL 2.24+ RAS): ranks it names and the job's node count", () => {
  // ras/client_support.cc prints the job summary's totals as a `  Nodes  Processes ..` header, a line whose first
  // column is `(total)`, and the numbers; when nodes differ it first prints per-node tables, then a shorter totals table
  const consistent = [
    "NCCL version 2.27.3 compiled with CUDA 12.8",
    "CUDA runtime version 12080, driver version 12080",
    "",
    "Job summary",
    "===========",
    "",
    "  Nodes  Processes         GPUs  Processes     GPUs",
    "(total)   per node  per process    (total)  (total)",
    "      3          8            1         24       24",
    "",
    "#0-0 (0123456789abcdef) MISSING",
    "  Missing ranks (2 total)",
    "  Rank 9 -- GPU 1 managed by process 4101 on node 10.0.0.12",
    "  Rank 10 has status INIT -- GPU 2 managed by process 4102 on node 10.0.0.12",
    "  Rank 17 has launched up to operation 88 -- GPU 1 managed by process 5201 on node 10.0.0.13",
  ];
  const uneven = [
    "Job summary",
    "===========",
    "",
    "  Nodes  Processes         GPUs",
    "          per node  per process",
    "      5          8            1",
    "      1          7            1",
    "",
    "  Nodes  Processes         GPUs",
    "(total)    (total)      (total)",
    "      6         47           47",
  ];

  it("reads the node count and the named ranks, whatever wraps the lines", async () => {
    // (the client is run once by hand, `ncclras` on a node: not under torchrun's or srun's rank labels)
    for (const [name, wrap] of WRAPS.filter(([n]) => n !== "torchrun" && n !== "srun --label")) {
      for (const eol of ["\n", "\r\n"]) {
        const at = `${name} ${JSON.stringify(eol)}`;
        const r = await analyzeText(consistent.map(wrap).join(eol) + eol);
        expect(r.facts.nccl.nodes, at).toBe(3);
        expect(r.facts.nccl.ranks, at).toBe(3);
        expect(r.facts.nccl.version, at).toBe("2.27.3");
        expect(r.facts.firstError, at).toBeNull();
        const u = await analyzeText(uneven.map(wrap).join(eol) + eol);
        // the per-node table (`per node` under `Nodes`) is no total: 6 from the totals table, not 5
        expect(u.facts.nccl.nodes, at).toBe(6);
      }
    }
  });

  it("a table of other numbers, or a rank sentence of other text, counts nothing", async () => {
    const r = await analyzeText([
      "  Nodes  Processes",
      "  a table from some other tool",
      "      9         12",
      "Rank 4 -- see the GPU managed by the scheduler",
      "",
    ].join("\n"));
    expect(r.facts.nccl.nodes).toBeNull();
    expect(r.facts.nccl.ranks).toBeNull();
  });
});

describe("aws-ofi-nccl's own failure lines name what to check (`NCCL WARN NET/OFI GDR disabled on GDR-supported instance type p5.48xlarge`, `Unable to register memory (type = 2) .. RC: -22`)", () => {
  // platform-aws (aws-ofi-nccl 1.7.3+) fails endpoint set-up on an instance type that needs GPUDirect RDMA when libfabric
  // cannot do it; the plugin then gives up (`aws-ofi-nccl initialization failed`, `Initializing plugin failed`)
  const WRAPS_OFI: [string, (l: string) => string][] = [
    ...WRAPS,
    // the CloudWatch console's copy: `  | <time> | ` before each row
    ["CloudWatch", (l) => `  | 2026-12-05T10:11:12.123-07:00 | ${l}`],
  ];
  const head = [
    "ip-10-1-2-3:511:511 [0] NCCL INFO Bootstrap : Using ens32:10.1.2.3<0>",
    "NCCL version 2.23.4+cuda12.6",
    "ip-10-1-2-3:511:602 [0] NCCL INFO NET/OFI Initializing aws-ofi-nccl 1.13.2",
    "ip-10-1-2-3:511:602 [0] NCCL INFO NET/OFI Selected provider is efa, fabric is efa (found 32 nics)",
    "ip-10-1-2-3:511:602 [0] platform_config_endpoint:640 NCCL WARN NET/OFI GDR disabled on GDR-supported instance type p5.48xlarge",
    "ip-10-1-2-3:511:602 [0] nccl_net_ofi_domain_get_ep:981 NCCL WARN NET/OFI Creating new endpoint for domain 0x55d0c1 failed: Invalid argument",
    "ip-10-1-2-3:511:602 [0] nccl_net_ofi_create_plugin:340 NCCL WARN NET/OFI aws-ofi-nccl initialization failed",
  ];
  const fallback = [
    "ip-10-1-2-3:511:602 [0] NCCL INFO NET/IB : No device found.",
    "ip-10-1-2-3:511:602 [0] NCCL INFO NET/Socket : Using [0]ens32:10.1.2.3<0>",
    "ip-10-1-2-3:511:602 [0] NCCL INFO Using network Socket",
  ];
  const advice = (r: Awaited<ReturnType<typeof analyzeText>>, id: string) => r.findings.find((f) => f.ruleId === id)?.remediation ?? [];

  it("the plugin's failure with nothing after it: an error whose advice starts from the GDR check, whatever wraps the lines", async () => {
    for (const [name, wrap] of WRAPS_OFI) {
      for (const eol of ["\n", "\r\n"]) {
        const at = `${name} ${JSON.stringify(eol)}`;
        const r = await analyzeText(head.map(wrap).join(eol) + eol);
        expect(r.facts.firstError?.line, at).toBe(5);
        expect(ids(r, "error"), at).toContain("nccl/error");
        const tips = advice(r, "nccl/error");
        const gdr = tips.findIndex((t) => t.includes("OFI_NCCL_DISABLE_GDR_REQUIRED_CHECK=1"));
        expect(gdr, at).toBeGreaterThanOrEqual(0);
        expect(tips[gdr], at).toContain("(p5.48xlarge)");
        // the plugin's general checks come after it, the network-wide ones after both
        expect(tips.findIndex((t) => t.includes("fi_info -p efa")), at).toBe(gdr + 1);
      }
    }
  });

  it("with NCCL going on over its own transport: the fallback warning carries the same GDR advice first", async () => {
    for (const [name, wrap] of WRAPS_OFI) {
      const at = name;
      const r = await analyzeText([...head, ...fallback].map(wrap).join("\n") + "\n");
      expect(ids(r), at).toContain("nccl/net-plugin-fallback");
      expect(advice(r, "nccl/net-plugin-fallback")[0], at).toContain("OFI_NCCL_DISABLE_GDR_REQUIRED_CHECK=1");
    }
  });

  it("another aws-ofi-nccl failure gets the plugin's checks and no GDR advice; a failure that is not the plugin's, neither", async () => {
    const other = await analyzeText([
      "ip-10-1-2-3:511:602 [0] nccl_net_ofi_rdma_init:7920 NCCL WARN NET/OFI Failed to initialize rdma protocol",
      "ip-10-1-2-3:511:602 [0] nccl_net_ofi_create_plugin:340 NCCL WARN NET/OFI aws-ofi-nccl initialization failed",
      "",
    ].join("\n"));
    const tips = advice(other, "nccl/error");
    expect(tips.some((t) => t.includes("fi_info -p efa"))).toBe(true);
    expect(tips.some((t) => t.includes("OFI_NCCL_DISABLE_GDR_REQUIRED_CHECK"))).toBe(false);
    // GPU memory registration refused with EINVAL (EFA installer < 1.29.1 under NCCL 2.19+), quoted bare or under a
    // wrapper; ENOMEM (pinned-memory limits) is another story
    for (const [name, wrap] of WRAPS_OFI) {
      const reg = await analyzeText(wrap("register_rail_mr_buffer:617 NCCL WARN NET/OFI Unable to register memory (type = 2) for device 4. RC: -22, Error: Invalid argument") + "\r\n");
      expect(reg.facts.firstError?.line, name).toBe(1);
      expect(advice(reg, "nccl/error").some((t) => t.includes("FI_EFA_SET_CUDA_SYNC_MEMOPS=0")), name).toBe(true);
    }
    const enomem = await analyzeText("host-a:51:60 [1] register_mr_buffers:469 NCCL WARN NET/OFI Unable to register memory (type = 2) for device 1. RC: -12, Error: Cannot allocate memory\n");
    expect(enomem.findings.flatMap((f) => f.remediation).some((t) => t.includes("FI_EFA_SET_CUDA_SYNC_MEMOPS"))).toBe(false);
    const ib = await analyzeText([
      "node1:511:602 [0] transport/net_ib.cc:1012 NCCL WARN NET/IB : Got completion from peer 10.0.0.2<5000> with status=12 opcode=0 len=0 vendor err 129 (Send)",
      "node1:511:602 [0] NCCL INFO transport/net.cc:1300 -> 6",
      "",
    ].join("\n"));
    expect(ib.findings.flatMap((f) => f.remediation).some((t) => t.includes("fi_info -p efa"))).toBe(false);
  });
});

describe("a topology XML without an attribute NCCL reads (`graph/xml.h:101 NCCL WARN Attribute arch of node cpu not found`)", () => {
  // graph/xml.h's xmlGetAttr* (2.6.4 → 2.30) WARN, then `graph/topo.cc:N -> 3`: NCCL_TOPO_FILE's XML (aws-ofi-nccl < 1.11's
  // static p4d/p5 file, /etc/nccl.conf, a cloud image's) lacks what NCCL reads, often with only some of the GPUs visible
  const chain = [
    "gpu-pod-3:75:95 [2] graph/xml.h:101 NCCL WARN Attribute vendor of node cpu not found",
    "gpu-pod-3:75:95 [2] NCCL INFO graph/topo.cc:493 -> 3",
    "gpu-pod-3:75:95 [2] NCCL INFO init.cc:1012 -> 3",
    "gpu-pod-3:75:95 [2] NCCL INFO group.cc:64 -> 3 [Async thread]",
  ];
  const topoFirst = (r: Awaited<ReturnType<typeof analyzeText>>) => r.findings.find((f) => f.ruleId === "nccl/internal-error");

  it("the WARN and its internal-error returns: one finding that names the node and the file, whatever wraps the lines", async () => {
    for (const [name, wrap] of WRAPS) {
      for (const eol of eolsFor(wrap)) {
        const at = `${name} ${JSON.stringify(eol)}`;
        const r = await analyzeText(chain.map(wrap).join(eol) + eol);
        const f = topoFirst(r);
        expect(f?.message, at).toContain('cpu node without the "vendor" attribute');
        expect(f?.remediation[0], at).toContain("NCCL_TOPO_FILE");
        // nccl/error has nothing more to say
        expect(ids(r, "error"), at).toEqual(["nccl/internal-error"]);
        expect(r.facts.firstError?.line, at).toBe(1);
      }
    }
    // the same chain quoted with every prefix stripped (NCCL 2.7: `graph/xml.h:77`)
    const bare = await analyzeText(chain.map((l) => l.replace(/^\S+ \[\d\] /, "")).join("\n") + "\n");
    expect(ids(bare, "error")).toEqual(["nccl/internal-error"]);
    expect(topoFirst(bare)?.remediation[0]).toContain("NCCL_TOPO_FILE");
  });

  it("NCCL's text on its own line after PyTorch's `Last error:`, or inside XLA's last-warning note", async () => {
    const torch = await analyzeText([
      "[rank5]: torch.distributed.DistBackendError: NCCL error in: ../torch/csrc/distributed/c10d/ProcessGroupNCCL.cpp:1970, internal error - please report this issue to the NCCL developers, NCCL version 2.21.5",
      "[rank5]: ncclInternalError: Internal check failed.",
      "[rank5]: Last error:",
      "[rank5]: Attribute busid of node nic not found",
      "",
    ].join("\r\n"));
    expect(topoFirst(torch)?.message).toContain('nic node without the "busid" attribute');
    const xla = await analyzeText("jaxlib.xla_extension.XlaRuntimeError: INTERNAL: external/xla/xla/service/gpu/nccl_utils.cc:305: NCCL operation ncclCommInitRank(&comm, nranks, id, rank) failed: internal error - please report this issue to the NCCL developers. Last NCCL warning(error) log entry (may be unrelated) 'Attribute arch of node cpu not found'.\n");
    expect(topoFirst(xla)?.remediation[0]).toContain("aws-ofi-nccl before 1.11");
    // vLLM 0.3's Ray worker re-logging the PyTorch error line by line
    const ray = await analyzeText(["torch.distributed.DistBackendError: NCCL error in: ProcessGroupNCCL.cpp:1333, internal error - please report this issue to the NCCL developers, NCCL version 2.18.6", "ncclInternalError: Internal check failed.", "Last error:", "Attribute busid of node nic not found"]
      .map((l) => `(RayWorkerVllm pid=7602) ERROR 04-07 00:57:46 ray_utils.py:45] ${l}`).join("\n") + "\n");
    expect(topoFirst(ray)?.message).toContain('nic node without the "busid" attribute');
  });

  it("another internal error keeps the general advice, and nccl/error still speaks for a WARN of another kind", async () => {
    const r = await analyzeText([
      "node1:11:22 [0] misc/socket.cc:441 NCCL WARN socketFinalizeAccept: wrong type 4 != 3",
      "node1:11:22 [0] NCCL INFO misc/socket.cc:561 -> 3",
      "",
    ].join("\n"));
    expect(topoFirst(r)?.remediation.some((t) => t.includes("NCCL_TOPO_FILE"))).toBe(false);
    const other = await analyzeText([
      "node1:11:22 [0] transport/net_ib.cc:1012 NCCL WARN NET/IB : Got completion from peer 10.0.0.2<5000> with status=12 opcode=0 len=0 vendor err 129 (Send)",
      "node1:11:22 [0] NCCL INFO init.cc:1012 -> 3",
      "",
    ].join("\n"));
    expect(other.findings.flatMap((f) => f.remediation).some((t) => t.includes("NCCL_TOPO_FILE"))).toBe(false);
  });
});
