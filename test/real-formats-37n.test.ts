import { describe, expect, it } from "vitest";
import { analyzeText, ids } from "./rules/analyze-text.js";

/**
 * Formats found in real pastes of NCCL's newest releases and their net plugins (round 37n) that the corpus does not
 * hold. Every log text here is written for the test, in the printed shape, and the facts are exact.
 */

// google/nccl-fastsocket (net_fastsocket.cc): flow-steering WARNs on connect and accept that the plugin goes on from,
// then its own INFO lines for the data socket it settled on
const fastSocketRun = [
  "trn-b:7110:7142 [0] net_fastsocket.cc:765 NCCL WARN Cannot get incoming CPU.",
  "",
  "trn-a:5220:5251 [0] net_fastsocket.cc:785 NCCL WARN Maximum retry reached for accept 2.",
  "",
  "trn-b:7110:7150 [0] net_fastsocket.cc:674 NCCL WARN Maximum retry reached for connect 2.",
  "trn-a:5220:5251 [0] NCCL INFO accept qid: 2, rqid: 2",
  "trn-a:5220:5251 [0] NCCL INFO NET/FastSocket : Connected after 1000 retries.",
  "trn-a:5220:5251 [0] NCCL INFO NET/FastSocket : Accepted data socket 2",
  "trn-b:7110:7150 [0] NCCL INFO connect qid: 2, rqid: 2",
  "trn-b:7110:7150 [0] NCCL INFO NET/FastSocket : Connected after 1000 retries.",
  "trn-b:7110:7150 [0] NCCL INFO NET/FastSocket : Connected data socket 2",
  "trn-b:7110:7150 [0] NCCL INFO NET/FastSocket : Async connect done",
];

describe("google/nccl-fastsocket's connect and accept lines", () => {
  it("reads its flow-steering WARNs as advisory: no error, no first error, the first WARN still kept", async () => {
    const r = await analyzeText(`${fastSocketRun.join("\n")}\n`);
    expect(ids(r, "error")).toEqual([]);
    expect(r.facts.firstError).toBeNull();
    expect(r.facts.nccl?.firstWarn?.line).toBe(1);
    expect(r.facts.nccl?.nodes).toBe(2);
  });

  it("names the network from the plugin's own data-socket lines when its `Using [0]..` list is not in the paste", async () => {
    const r = await analyzeText(`${fastSocketRun.join("\n")}\n`);
    expect(r.facts.nccl?.net).toBe("FastSocket");
    const connectOnly = await analyzeText("gce-1:300:330 [3] NCCL INFO NET/FastSocket : Connected data socket 0\n");
    expect(connectOnly.facts.nccl?.net).toBe("FastSocket");
  });

  it("keeps the plugin's one failing WARN on the same path a failure: `Cannot find empty socket for N.`", async () => {
    const text = [
      "trn-b:7110:7150 [0] net_fastsocket.cc:674 NCCL WARN Maximum retry reached for connect 5.",
      "trn-b:7110:7150 [0] net_fastsocket.cc:666 NCCL WARN Cannot find empty socket for 6.",
      "trn-b:7110:7150 [0] NCCL INFO transport/net.cc:722 -> 3",
      "",
    ].join("\n");
    const r = await analyzeText(text);
    expect(r.facts.firstError?.line).toBe(2);
    expect(ids(r, "error").length).toBeGreaterThan(0);
  });

  it("reads the same through kubectl --timestamps, a compose pane, a Ray prefix and CRLF", async () => {
    const wraps: ((l: string) => string)[] = [
      (l) => `2025-03-02T10:11:12.123456789Z ${l}`,
      (l) => `worker-1  | ${l}`,
      (l) => `(RayTrainWorker pid=4411, ip=10.4.0.9) ${l}`,
    ];
    for (const wrap of wraps) {
      const r = await analyzeText(`${fastSocketRun.map(wrap).join("\n")}\n`);
      expect(ids(r, "error")).toEqual([]);
      expect(r.facts.firstError).toBeNull();
      expect(r.facts.nccl?.net).toBe("FastSocket");
    }
    const crlf = await analyzeText(`${fastSocketRun.join("\r\n")}\r\n`);
    expect(ids(crlf, "error")).toEqual([]);
    expect(crlf.facts.nccl?.net).toBe("FastSocket");
  });
});
