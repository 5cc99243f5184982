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

  it("behind a collector's stamp: the prefix-only line when the stamp is the WARN line's too, else the WARN's own line", async () => {
    const ray = "(RayWorkerWrapper pid=4242) ";
    const lines = (stamps: string[]) => [
      `${stamps[0]}${ray}gpu7:4242:4242 [0] NCCL INFO NCCL_SOCKET_IFNAME set by environment to eth9`,
      `${stamps[1]}${ray}`,
      `${stamps[2]}${ray}gpu7:4242:4242 [0] bootstrap.cc:45 NCCL WARN Bootstrap : no socket interface found`,
    ].join("\n");
    // (one write of NCCL's, the newline and the record, stamped once)
    const same = await factsOf(lines(["2025-03-02T08:15:27.101010101Z ", "2025-03-02T08:15:27.202020202Z ", "2025-03-02T08:15:27.202020202Z "]));
    expect([same.nccl.firstWarn?.line, same.firstError?.line]).toEqual([2, 2]);
    const moved = await factsOf(lines(["2025-03-02T08:15:27.101010101Z ", "2025-03-02T08:15:27.202020202Z ", "2025-03-02T08:15:27.202020305Z "]));
    expect([moved.nccl.firstWarn?.line, moved.firstError?.line]).toEqual([3, 3]);
    expect(moved.nccl.firstWarn?.text).toContain("NCCL WARN Bootstrap : no socket interface found");
  });

  it("a prefix naming no pid (a timestamp and pod name, compose's service) leaves the WARN on its own line: the report does not depend on the collector", async () => {
    const pod = "2021-02-05 05:32:39 [trainer-worker-1, unknown_ip] ";
    const facts = await factsOf([
      `${pod}trainer-worker-1:25:25 [0] NCCL INFO NET/Socket : Using [0]eth0:10.240.1.123<0>`,
      pod,
      `${pod}trainer-worker-1:25:25 [0] init.cc:981 NCCL WARN Invalid rank requested : 2/2`,
    ].join("\n"));
    expect(facts.nccl.firstWarn?.line).toBe(3);
    const compose = await factsOf(["llm-train-worker-node-1  | gpu3:7:7 [0] NCCL INFO x", "llm-train-worker-node-1  | ", "llm-train-worker-node-1  | gpu3:7:7 [0] transport/net_ib.cc:9 NCCL WARN NET/IB : Got completion with error 12"].join("\n"));
    expect(compose.nccl.firstWarn?.line).toBe(3);
  });

  it("a short prefix (mpirun's, a bare pid) leaves the WARN on its own line, as the corpus conventions read it", async () => {
    const mpirun = await factsOf(["[1,2]<stdout>:gpu3:7:7 [0] NCCL INFO x", "[1,2]<stdout>:", "[1,2]<stdout>:gpu3:7:7 [0] init.cc:497 NCCL WARN Duplicate GPU detected : rank 2 and rank 0 both on CUDA device 1000"].join("\n"));
    expect(mpirun.nccl.firstWarn?.line).toBe(3);
    const compose = await factsOf(["trainer-1  | ", "trainer-1  | gpu3:7:7 [0] transport/net_ib.cc:9 NCCL WARN NET/IB : Got completion with error 12"].join("\n"));
    expect(compose.nccl.firstWarn?.line).toBe(2);
    const pid = await factsOf(["(pid=909608) ", "(pid=909608) gpu3:909608:909608 [0] init.cc:9 NCCL WARN Cuda failure 'out of memory'"].join("\n"));
    expect(pid.nccl.firstWarn?.line).toBe(2);
  });

  it("an unprefixed WARN, or one under another process's blank line, starts on its own line", async () => {
    const plain = await factsOf(["gpu7:4242:4242 [0] NCCL INFO x", "", "gpu7:4242:4242 [0] misc/socket.cc:1 NCCL WARN Net : Connect failed"].join("\n"));
    expect(plain.nccl.firstWarn?.line).toBe(3);
    const other = await factsOf(["(RayWorkerWrapper pid=1) ", "(RayWorkerWrapper pid=2) gpu7:2:2 [0] misc/socket.cc:1 NCCL WARN Net : Connect failed"].join("\n"));
    expect(other.nccl.firstWarn?.line).toBe(2);
  });
});
