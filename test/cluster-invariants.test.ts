import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { analyze } from "../src/analyze.js";
import { evaluateGate, parseGateSpec } from "../src/gate/check.js";
import { memorySource } from "../src/input/memory.js";
import { analyzeSource, buildReport } from "../src/analyze.js";
import { randomCluster } from "./helpers/cluster-logs.js";

void analyze;

async function reportOf(text: string) {
  const { state, events } = await analyzeSource(memorySource("c.log", text), 0);
  return buildReport(state, events);
}

describe("cluster model invariants over generated multi-communicator logs", () => {
  it("P2P/SHM/NVLS are never inter-node; NET inside a host is intra-node; counts match the generator; the gate never contradicts socket-fallback", async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 1, max: 2 ** 31 - 1 }), async (seed) => {
        const c = randomCluster(seed);
        const r = await reportOf(c.log);
        const n = r.facts.nccl;
        for (const k of Object.keys(n.interNode)) expect(k).not.toMatch(/^(?:P2P\/|SHM|NVLS)/);
        for (const p of n.nodePairs) if (p.scope === "inter") for (const k of Object.keys(p.kinds)) expect(k).not.toMatch(/^(?:P2P\/|SHM|NVLS)/);
        expect(n.hosts).toEqual(c.hosts);
        // a rank's address is its own node's, and known wherever the log printed it beside the rank's process
        for (const e of n.rankMap) {
          const ip = c.ipOfHost[e.host!];
          if (e.ip || c.log.includes(`, ip=${ip})`)) expect(e.ip, `${e.host} rank ${e.rank}`).toBe(ip);
        }
        expect(n.nodes ?? 0).toBeGreaterThanOrEqual(c.hosts.length);
        if (c.complete) {
          expect(n.interNode).toEqual(c.inter);
          expect(n.intraNode).toEqual(c.intra);
        }
        const socket = r.findings.some((f) => f.ruleId === "nccl/socket-fallback");
        const gate = evaluateGate(r, parseGateSpec({ failOn: "none", forbidTransport: ["NET/Socket"] }));
        if (socket) expect(gate.passed).toBe(false);
        if ((c.inter["NET/Socket"] ?? 0) > 0) expect(gate.passed).toBe(false);
      }),
      { numRuns: 60 },
    );
  });
});
