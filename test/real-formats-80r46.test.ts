import { describe, expect, it } from "vitest";
import { analyzeText, ids, eachWrapped } from "./rules/analyze-text.js";
import type { Report } from "../src/model.js";

/**
 * Formats met in round 80r46 (vLLM and NCCL output pasted on forums, not GitHub): NCCL's HCA GDR line quoted in the
 * body of an NVIDIA Developer Forums post, outside a code block. The user stripped the `host:pid:tid [dev] NCCL INFO `
 * head, and the forum turned the quotes round the HCA name curly (`‘rocep1s0f0’`). The tool read nothing of the
 * stripped line's GDR state (facts.nccl.gdr null), and with curly quotes nccl/gdrdma-disabled lost the HCA name and
 * said nothing. Every log text here is written for the test.
 */

const WRAPS: [string, (l: string) => string][] = [
  ["plain", (l) => l],
  ["kubets", (l) => `2026-03-04T09:10:11.123456789Z ${l}`],
  ["mpi-tag", (l) => `[1,0]<stderr>:${l}`],
];

const eachWrap = (lines: string[], check: (r: Report, at: string) => void) => eachWrapped(WRAPS, lines, check);

describe("NCCL's HCA GDR line with its NCCL head stripped", () => {
  const lines = [
    "NET/IB : GPU Direct RDMA Disabled for HCA 0 'mlx5_2'",
    "NET/IB : GPU Direct RDMA Disabled for HCA 1 'mlx5_3'",
  ];
  it("says gdr false and notes the HCAs, behind wrappers and CRLF", async () => {
    await eachWrap(lines, (r, at) => {
      expect(r.facts.nccl.gdr, at).toBe(false);
      expect(r.facts.nccl.net, at).toBe("IB");
      expect(ids(r), at).toEqual(["nccl/gdrdma-disabled"]);
      const f = r.findings.find((x) => x.ruleId === "nccl/gdrdma-disabled");
      expect(f?.message, at).toMatch(/mlx5_2, mlx5_3/);
    });
  });
  it("reads the stripped line only when it is the whole message, and Enabled as no false", async () => {
    const off = await analyzeText("NET/IB : GPU Direct RDMA Disabled for HCA 0 'mlx5_2'\n");
    expect(off.facts.nccl.gdr).toBe(false);
    const on = await analyzeText("NET/IB : GPU Direct RDMA Enabled for HCA 0 'mlx5_2'\n");
    expect(on.facts.nccl.gdr).toBe(null);
    expect(ids(on)).toEqual([]);
    const prose = await analyzeText("I think NET/IB : GPU Direct RDMA Disabled for HCA is the cause here\n");
    expect(prose.facts.nccl.gdr).toBe(null);
  });
});

describe("curly quotes round the HCA name (a forum post outside a code block)", () => {
  const lines = [
    "spark-a:4101:4190 [0] NCCL INFO NET/IB : GPU Direct RDMA Disabled for HCA 0 \u2018roce0\u2019",
    "spark-a:4101:4190 [0] NCCL INFO NET/IB : GPU Direct RDMA Disabled for HCA 1 \u2018roce1\u2019",
  ];
  it("names both HCAs in nccl/gdrdma-disabled, behind wrappers and CRLF", async () => {
    await eachWrap(lines, (r, at) => {
      expect(r.facts.nccl.gdr, at).toBe(false);
      expect(ids(r), at).toEqual(["nccl/gdrdma-disabled"]);
      const f = r.findings.find((x) => x.ruleId === "nccl/gdrdma-disabled");
      expect(f?.message, at).toMatch(/roce0, roce1/);
    });
  });
  it("the bare form with curly quotes, as the post had it", async () => {
    const r = await analyzeText("NET/IB : GPU Direct RDMA Disabled for HCA 0 \u2018roce0\u2019\n");
    expect(r.facts.nccl.gdr).toBe(false);
    expect(ids(r)).toEqual(["nccl/gdrdma-disabled"]);
  });
});
