import { describe, expect, it } from "vitest";
import { analyzeSource } from "../src/analyze.js";
import { memorySource } from "../src/input/memory.js";
import { finalizeFacts } from "../src/facts/state.js";

async function factsOf(text: string) {
  const { state } = await analyzeSource(memorySource("t.log", text), 0);
  return finalizeFacts(state);
}

/** NCCL prints a newline before every WARN; under a Ray or vLLM prefix that newline is a prefix-only line. */
describe("where an NCCL WARN record starts", () => {
  it("a prefix-only line of the same process right above the WARN is the record's first line", async () => {
    const facts = await factsOf([
      "(RayWorkerWrapper pid=4242) gpu7:4242:4242 [0] NCCL INFO NCCL_SOCKET_IFNAME set by environment to eth9",
      "(RayWorkerWrapper pid=4242) ",
      "(RayWorkerWrapper pid=4242) gpu7:4242:4242 [0] bootstrap.cc:45 NCCL WARN Bootstrap : no socket interface found",
      "(RayWorkerWrapper pid=4242) gpu7:4242:4242 [0] NCCL INFO init.cc:82 -> 3",
    ].join("\n"));
    expect(facts.nccl.firstWarn?.line).toBe(2);
    expect(facts.firstError?.line).toBe(2);
    expect(facts.nccl.firstWarn?.text).toContain("NCCL WARN Bootstrap : no socket interface found");
  });

  it("an unprefixed WARN, or one under another process's blank line, starts on its own line", async () => {
    const plain = await factsOf(["gpu7:4242:4242 [0] NCCL INFO x", "", "gpu7:4242:4242 [0] misc/socket.cc:1 NCCL WARN Net : Connect failed"].join("\n"));
    expect(plain.nccl.firstWarn?.line).toBe(3);
    const other = await factsOf(["(RayWorkerWrapper pid=1) ", "(RayWorkerWrapper pid=2) gpu7:2:2 [0] misc/socket.cc:1 NCCL WARN Net : Connect failed"].join("\n"));
    expect(other.nccl.firstWarn?.line).toBe(2);
  });
});
