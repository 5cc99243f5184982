import { describe, expect, it } from "vitest";
import { analyzeText } from "./rules/analyze-text.js";
import type { Report } from "../src/model.js";
import { WRAPS } from "./helpers/variants.js";

/**
 * Another random sample of NCCL_DEBUG output (round 42n): what the tool read wrong. Every log text here is written
 * for the test, in the printed shape of the programs' own lines, and the facts are exact.
 */

/** The report on `lines` behind each wrapper a reader should not care about (test/helpers/variants.ts). */
const throughWraps = (lines: string[]): Promise<Report[]> => Promise.all(WRAPS.map(([, wrap]) => analyzeText(wrap(`${lines.join("\n")}\n`))));

// aws-ofi-nccl's test programs (nccl_message_transfer, ring, the functional tests) hand the plugin a `logger` of their
// own instead of NCCL's: `WARN: Function: <func> Line: <n>: ` / `INFO: ..` / `TRACE: ..` then the plugin's message,
// which its NCCL_OFI_* macros start with `NET/OFI `. <func> is __PRETTY_FUNCTION__ (a whole signature in C++ builds).
const ofiTest = [
  "INFO: Function: ofi_init Line: 702: NET/OFI Selected Provider is efa",
  "INFO: Function: main Line: 51: NET/OFI Process rank 0 started. NCCLNet device used on ip-10-1-2-3 is AWS Libfabric.",
  "INFO: Function: main Line: 51: NET/OFI Process rank 1 started. NCCLNet device used on ip-10-1-2-4 is AWS Libfabric.",
  "INFO: Function: main Line: 55: NET/OFI Received 2 network devices",
  "WARN: Function: int nccl_net_ofi_create_av(nccl_net_ofi_ep_t*, bool) Line: 1284: NET/OFI Couldn't open AV. RC: -12, ERROR: Cannot allocate memory",
  "WARN: Function: int nccl_net_ofi_create_av(nccl_net_ofi_ep_t*, bool) Line: 1284: NET/OFI Couldn't open AV. RC: -12, ERROR: Cannot allocate memory",
];

describe("aws-ofi-nccl's test-program logger (`WARN: Function: f Line: n: NET/OFI ..`)", () => {
  it("its WARN is the first error, its ranks are counted, the network is OFI; no NCCL WARN", async () => {
    for (const r of await throughWraps(ofiTest)) {
      expect(r.facts.firstError?.line).toBe(5);
      expect(r.facts.firstError?.text).toContain(ofiTest[4]);
      const n = r.facts.nccl!;
      expect(n.ranks).toBe(2);
      expect(n.net).toBe("OFI");
      expect(n.firstWarn).toBeNull();
      expect(n.hosts).toEqual([]);
    }
  });

  it("the same words outside the format are not records: no `NET/OFI` message, no ` Line: n: ` after the function", async () => {
    const other = [
      "INFO: Function: main Line: 51: Process rank 0 started.",
      "WARN: Function: setup_endpoint (line 88) NET/OFI could not open AV",
      "WARN: Function: setup_endpoint Line: eighty: NET/OFI could not open AV",
    ];
    const reports = await throughWraps(other);
    expect(reports.map((r) => [r.facts.firstError, r.facts.nccl?.ranks ?? null])).toEqual(reports.map(() => [null, null]));
  });
});
