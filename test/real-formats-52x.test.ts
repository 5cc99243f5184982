import { describe, expect, it } from "vitest";
import { analyzeText, eolsFor } from "./rules/analyze-text.js";
import type { Report } from "../src/model.js";

/**
 * Formats found in a fifty-second round of real logs: NCCL over cloud fabrics (AWS EFA through aws-ofi-nccl, GCP
 * GPUDirect-TCPX, Slingshot through aws-ofi-nccl's cxi provider). Under mpirun's `--tag-output`, several processes of one
 * node print aws-ofi-nccl's start-up failure, and only some of them go on to print NCCL's own fallback (`NET/IB : No
 * device found`, `Using network Socket`) before the paste ends. The failure of a process that went on is no failure
 * (facts.recovered); nccl/error, reporting the ones that did not, named the rank of the first failure line in the log,
 * which was a process that had gone on. Every log text here is written for the test in the printed layout.
 */

const WRAPS: [string, (l: string) => string][] = [
  ["plain", (l) => l],
  ["kubectl --timestamps", (l) => `2026-12-06T17:02:41.093310472Z ${l}`],
  ["docker compose", (l) => `trainer-1  | ${l}`],
  // (no `ip=`: Ray writes it for an actor on another node than the driver, which is itself a sign of several nodes)
  ["Ray", (l) => `(RayWorkerWrapper pid=3310) ${l}`],
];

const join = (lines: string[], wrap: (l: string) => string, eol = "\n"): string => lines.map(wrap).join(eol) + eol;

async function eachWrap(lines: string[], check: (r: Report, at: string) => void): Promise<void> {
  for (const [name, wrap] of WRAPS)
    for (const eol of eolsFor(wrap)) check(await analyzeText(join(lines, wrap, eol)), `${name} ${JSON.stringify(eol)}`);
}

const finding = (r: Report, id: string) => r.findings.find((f) => f.ruleId === id);

// ranks 4 and 6 (MPI tags) fail to start aws-ofi-nccl; rank 4 then goes on with NCCL's sockets, rank 6's lines stop
const mixed = [
  "[1,4]<stdout>:efa-job-worker-0:41:388 [4] nccl_net_ofi_create_plugin:231 NCCL WARN NET/OFI Unable to find a protocol that worked",
  "[1,4]<stdout>:",
  "[1,4]<stdout>:efa-job-worker-0:41:388 [4] nccl_net_ofi_create_plugin:262 NCCL WARN NET/OFI aws-ofi-nccl initialization failed",
  "[1,5]<stdout>:efa-job-worker-0:42:390 [5] NCCL INFO NET/OFI Initializing aws-ofi-nccl 1.13.2-aws",
  "[1,6]<stdout>:",
  "[1,6]<stdout>:efa-job-worker-0:43:391 [6] nccl_net_ofi_create_plugin:231 NCCL WARN NET/OFI Unable to find a protocol that worked",
  "[1,6]<stdout>:",
  "[1,6]<stdout>:efa-job-worker-0:43:391 [6] nccl_net_ofi_create_plugin:262 NCCL WARN NET/OFI aws-ofi-nccl initialization failed",
  "[1,4]<stdout>:efa-job-worker-0:41:388 [4] NCCL INFO NET/IB : No device found.",
  "[1,4]<stdout>:efa-job-worker-0:41:388 [4] NCCL INFO NET/Socket : Using [0]eth0:10.42.7.19<0>",
  "[1,4]<stdout>:efa-job-worker-0:41:388 [4] NCCL INFO Using network Socket",
  "[1,5]<stdout>:efa-job-worker-0:42:390 [5] NCCL INFO NET/OFI Using Libfabric version 2.1",
];

describe("aws-ofi-nccl failing in several interleaved processes, some of which go on", () => {
  it("nccl/error names the rank whose failure stands, not the one that went on", async () => {
    await eachWrap(mixed, (r, at) => {
      const e = finding(r, "nccl/error");
      expect(e, at).toBeDefined();
      expect(e!.message, at).toContain("NCCL reported an error on rank 6: the aws-ofi-nccl plugin gave up its initialisation");
      // the standing failures only: rank 6's two WARNs (a WARN's evidence line is its own or, after a pid-keyed
      // launcher's prefix-only line, that line: src/events/read-nccl.ts startsWarnRecord)
      expect(e!.evidence.map((x) => /\[(\d)\] nccl_net_ofi_create_plugin:(\d+)/.exec(x.text)?.slice(1).join(":")), at).toEqual(["6:231", "6:262"]);
      const fb = finding(r, "nccl/net-plugin-fallback");
      expect(fb, at).toBeDefined();
      expect(fb!.message, at).toContain("NCCL went on with its internal Socket transport");
      expect(fb!.evidence.at(-1)!.text, at).toContain("[4] NCCL INFO NET/Socket : Using [0]eth0:10.42.7.19<0>");
      expect(r.facts.nccl.net, at).toBe("Socket");
      expect(r.facts.nccl.nodes, at).toBe(1);
      expect(r.facts.firstError?.line, at).toBe(1);
      expect(r.facts.firstError?.text, at).toContain("Unable to find a protocol that worked");
      expect(r.facts.nccl.firstWarn?.line, at).toBe(1);
      // one node seen, and no sign of another: the sockets are no inter-node finding
      expect(finding(r, "nccl/socket-fallback"), at).toBeUndefined();
    });
  });

  it("with the standing failure first, the rank is still that one", async () => {
    const order = [...mixed.slice(4, 8), ...mixed.slice(0, 4), ...mixed.slice(8)];
    const r = await analyzeText(order.join("\n") + "\n");
    expect(finding(r, "nccl/error")!.message).toContain("on rank 6:");
  });

  it("near miss: when every failing process goes on, nccl/error stays quiet", async () => {
    const both = [
      ...mixed,
      "[1,6]<stdout>:efa-job-worker-0:43:391 [6] NCCL INFO NET/IB : No device found.",
      "[1,6]<stdout>:efa-job-worker-0:43:391 [6] NCCL INFO Using network Socket",
    ];
    await eachWrap(both, (r, at) => {
      expect(finding(r, "nccl/error"), at).toBeUndefined();
      expect(finding(r, "nccl/net-plugin-fallback"), at).toBeDefined();
      expect(r.findings.filter((f) => f.severity === "error").map((f) => f.ruleId), at).toEqual([]);
    });
  });

  it("near miss: one process that fails and never goes on is named by its own rank", async () => {
    const lone = mixed.slice(4, 8);
    await eachWrap(lone, (r, at) => {
      expect(finding(r, "nccl/error")!.message, at).toContain("on rank 6:");
      expect(finding(r, "nccl/net-plugin-fallback"), at).toBeUndefined();
    });
  });
});
