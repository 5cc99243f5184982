import { describe, expect, it } from "vitest";
import { analyzeText } from "./rules/analyze-text.js";

/**
 * Cloud networks (round 37s): a net plugin's own WARN names the network it runs, as NCCL's transports do. GPUDirect-
 * TCPXO's FasTrak plugin logs `NET/FasTrak <time>: <status>` through NCCL's logger; other plugins `NET/<name> : ...`.
 * Every text here is written for the test in the printed layout.
 */

const FASTRAK = "a3m-node-7:2211:2390 [3] NCCL WARN NET/FasTrak 2026-01-12T08:04:11.521+00:00: UNAVAILABLE: rx daemon went away";

describe("a net plugin's WARN names the network", () => {
  const wraps: [string, (l: string) => string][] = [
    ["as printed", (l) => l],
    ["kubectl --timestamps", (l) => `2026-01-12T08:04:11.523456789Z ${l}`],
    ["docker compose", (l) => `trainer-1  | ${l}`],
    ["Ray worker prefix", (l) => `(RayWorkerWrapper pid=55, ip=10.1.2.3) ${l}`],
  ];
  for (const [name, wrap] of wraps)
    it(`reads FasTrak from its WARN (${name}, CRLF too)`, async () => {
      for (const eol of ["\n", "\r\n"]) {
        const text = [wrap("a3m-node-7:2211:2211 [3] NCCL INFO cudaDriverVersion 12040"), wrap(FASTRAK), ""].join(eol);
        const r = await analyzeText(text);
        expect(r.facts.nccl?.net).toBe("FasTrak");
        expect(r.facts.nccl?.firstWarn?.line).toBe(2);
      }
    });

  it("reads it when the user elided the prefix and the time (`NCCL WARN NET/FasTrak ...: ...`)", async () => {
    const r = await analyzeText("NCCL WARN NET/FasTrak ...: FAILED_PRECONDITION: send() error: 104: Connection reset by peer\n");
    expect(r.facts.nccl?.net).toBe("FasTrak");
  });

  it("reads `NET/<name> : ...` of another plugin", async () => {
    const r = await analyzeText("gke-a3u-0:88:301 [0] NCCL WARN NET/gIB : ibv_modify_qp failed with 110 Connection timed out\n");
    expect(r.facts.nccl?.net).toBe("gIB");
  });

  it("keeps NCCL's own choice over a plugin's WARN", async () => {
    const text = [
      "a3m-node-7:2211:2390 [3] NCCL INFO Using network IB",
      FASTRAK,
      "",
    ].join("\n");
    expect((await analyzeText(text)).facts.nccl?.net).toBe("IB");
  });

  it("names no network from NCCL's plugin loader or a socket transport that found no interface", async () => {
    for (const warn of [
      "box-2:710:710 [0] NCCL WARN NET/Plugin: Could not load plugin libnccl-net-foo.so: cannot open shared object file",
      "box-2:710:710 [0] NCCL WARN NET/Socket : no interface found",
    ]) {
      const r = await analyzeText(`${warn}\n`);
      expect(r.facts.nccl?.net ?? null).toBeNull();
    }
  });
});
