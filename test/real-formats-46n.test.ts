import { describe, expect, it } from "vitest";
import { analyzeText, eolsFor } from "./rules/analyze-text.js";

/**
 * Formats found in a forty-sixth round of real logs: NCCL_DEBUG output pasted outside GitHub (blog posts, HPC and
 * cluster notes, vendor docs, course notes). Authors annotate the lines they paste: a Korean EKS write-up appended
 * `# ← ...` notes to NCCL's own lines, one of them `NCCL_IB_DISABLE set by environment to 1.`, and the reader took the
 * note for part of the value, so the run read as a Socket fallback instead of IB switched off on purpose. Every log
 * text here is written for the test in the printed layout, with wrappers the logs did not all show.
 */

const WRAPS: [string, (l: string) => string][] = [
  ["plain", (l) => l],
  ["kubectl --timestamps", (l) => `2026-12-06T14:25:01.004211930Z ${l}`],
  ["docker compose", (l) => `trainer-1  | ${l}`],
  ["Ray", (l) => `(RayWorkerWrapper pid=4410, ip=10.3.0.7) ${l}`],
  ["srun --label", (l) => `1: ${l}`],
  ["markdown quote", (l) => `> ${l}`],
];

const join = (lines: string[], wrap: (l: string) => string, eol = "\n"): string => lines.map(wrap).join(eol) + eol;
const rules = (r: Awaited<ReturnType<typeof analyzeText>>): string[] => r.findings.map((f) => f.ruleId).sort();

describe("a note its author appended to a pasted environment line is no part of the value", () => {
  it("NCCL's `NCCL_IB_DISABLE set by environment to 1.  # ← ...`: IB off on purpose (nccl/ib-disabled), not a Socket fallback", async () => {
    const log = [
      "trainer-0:1:1 [0] NCCL INFO Bootstrap : Using eth0:10.20.0.11<0>",
      "trainer-0:1:40 [0] NCCL INFO NET/IB : No device found.          # ← no verbs device on this instance",
      "trainer-0:1:40 [0] NCCL INFO NCCL_IB_DISABLE set by environment to 1.  # ← switched off on purpose",
      "trainer-0:1:40 [0] NCCL INFO NET/Socket : Using [0]eth0:10.20.0.11<0>  # ← TCP",
      "trainer-0:1:40 [0] NCCL INFO Using network Socket               # ← final choice",
      "trainer-0:1:40 [0] NCCL INFO comm 0x55f1c0a1d2e0 rank 0 nRanks 2 nNodes 2 localRanks 1 localRank 0 MNNVL 0",
      "trainer-0:1:43 [0] NCCL INFO Channel 00/0 : 1[0] -> 0[0] [receive] via NET/Socket/0",
      "trainer-0:1:43 [0] NCCL INFO Channel 00/0 : 0[0] -> 1[0] [send] via NET/Socket/0",
    ];
    for (const [name, wrap] of WRAPS) {
      for (const eol of eolsFor(wrap)) {
        const at = `${name} ${JSON.stringify(eol)}`;
        const r = await analyzeText(join(log, wrap, eol));
        expect(r.facts.nccl.env?.NCCL_IB_DISABLE, at).toBe("1");
        expect(r.facts.nccl.net, at).toBe("Socket");
        expect(r.facts.nccl.nodes, at).toBe(2);
        expect(r.facts.nccl.transports["NET/Socket"], at).toBe(2);
        expect(rules(r), at).toContain("nccl/ib-disabled");
        expect(rules(r), at).not.toContain("nccl/socket-fallback");
      }
    }
  });

  it("a value with spaces is still read whole, and the number's own `.` still dropped", async () => {
    const r = await analyzeText(
      [
        "nid001234:5501:5501 [0] NCCL INFO NCCL_NET set by environment to AWS Libfabric",
        "nid001234:5501:5501 [0] NCCL INFO NCCL_IB_DISABLE set by environment to 1.",
        "nid001234:5501:5501 [0] NCCL INFO Using network AWS Libfabric",
      ].join("\n") + "\n",
    );
    expect(r.facts.nccl.env?.NCCL_NET).toBe("AWS Libfabric");
    expect(r.facts.nccl.env?.NCCL_IB_DISABLE).toBe("1");
    expect(r.facts.nccl.net).toBe("OFI");
  });

  it("a shell's or compose file's comment after `export NAME=value` / `- NAME=value`", async () => {
    for (const set of ["export NCCL_IB_DISABLE=1  # these nodes have no IB", "$ export NCCL_IB_DISABLE=1 # no IB", "      - NCCL_IB_DISABLE=1   # compose"]) {
      const log = [
        set,
        "node-a:700:700 [0] NCCL INFO NET/Socket : Using [0]ens5:10.9.1.4<0>",
        "node-a:700:700 [0] NCCL INFO Using network Socket",
        "node-b:812:812 [0] NCCL INFO Using network Socket",
      ];
      const r = await analyzeText(log.join("\n") + "\n");
      expect(r.facts.env?.NCCL_IB_DISABLE, set).toBe("1");
      expect(rules(r), set).toContain("nccl/ib-disabled");
      expect(rules(r), set).not.toContain("nccl/socket-fallback");
    }
  });
});

describe("forum renderings of NCCL lines read as the lines themselves", () => {
  it("HTML-escaped arrows and interface suffixes (`-&gt;`, `&lt;0&gt;`), or the `<0>` a page ate as a tag", async () => {
    const lines = [
      "worker-3:2210:2290 [0] NCCL INFO NET/IB : Using [0]mlx5_0:1/RoCE [1]mlx5_1:1/RoCE [RO]; OOB eth0:10.4.0.3<0>",
      "worker-3:2210:2290 [0] NCCL INFO Using network IB",
      "worker-3:2210:2301 [0] NCCL INFO Channel 00/0 : 4[0] -> 3[0] [receive] via NET/IB/0/GDRDMA",
      "worker-3:2210:2301 [0] NCCL INFO Channel 00/0 : 3[0] -> 2[2] via P2P/IPC",
      "worker-3:2210:2290 [0] NCCL INFO comm 0x7f2a4c000f10 rank 3 nranks 8 cudaDev 0 busId 18000 commId 0x91c2e0d4b5a61f07 - Init COMPLETE",
    ];
    const escaped = lines.map((l) => l.replace(/->/g, "-&gt;").replace(/<0>/g, "&lt;0&gt;"));
    const eaten = lines.map((l) => l.replace(/<0>/g, ""));
    for (const [name, text] of [["escaped", escaped], ["eaten", eaten]] as const) {
      const r = await analyzeText(text.join("\n") + "\n");
      expect(r.facts.nccl.net, name).toBe("IB");
      expect(r.facts.nccl.ibHcas, name).toEqual(["mlx5_0:1", "mlx5_1:1"]);
      expect(r.facts.nccl.transports["NET/IB/GDRDMA"], name).toBe(1);
      expect(r.facts.nccl.transports["P2P/IPC"], name).toBe(1);
      expect(r.facts.nccl.gdr, name).toBe(true);
      expect(r.facts.nccl.initComplete, name).toBe(1);
    }
  });
});
