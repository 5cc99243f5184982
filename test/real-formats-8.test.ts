import { describe, expect, it } from "vitest";
import { analyzeText, ids } from "./rules/analyze-text.js";

/**
 * Formats found in an eighth round of real pastes (NCCL under FSDP/XLA/TensorRT-LLM/kubeflow, nccl-tests and
 * rccl-tests tails) that the corpus does not hold. Every log text here is written for the test, in the format's
 * shape, with variants the pastes did not show (other wrappers, other eras' wording).
 */

describe("ncclCommSplit's `bootstrapSplit: comm 0x… parent 0x… rank N nranks M … - DONE` (bootstrap.cc)", () => {
  it("counts the split communicator's ranks, under plain, torchrun and kubectl-timestamp prefixes", async () => {
    const text = [
      "gpu-n1:31:10585 [0] NCCL INFO Using network IBext_v8",
      "gpu-n1:33:10589 [2] NCCL INFO bootstrapSplit: comm 0x7fd77cf70b90 parent 0xd809c70 rank 2 nranks 8 color -934961569 key 2 prev 1 next 3 - DONE",
      "[rank5]:gpu-n1:36:10591 [5] NCCL INFO bootstrapSplit: comm 0x7feb50f56ae0 parent 0xe1f0120 rank 5 nranks 8 color -934961569 key 5 prev 4 next 6 - DONE",
      "2025-03-01T10:00:00.123456789Z gpu-n1:38:10588 [7] NCCL INFO bootstrapSplit: comm 0x7f00aa parent 0xe1f0999 rank 7 nranks 8 color 1 key 7 prev 6 next 0 - DONE",
      // cut before its rank: no rank of its own
      "gpu-n1:32:10592 [1] NCCL INFO bootstrapSplit: comm 0x7f00bb parent 0xe1f0",
      "",
    ].join("\n");
    const n = (await analyzeText(text)).facts.nccl;
    expect(n.ranks).toBe(3);
    expect(n.nodes).toBe(1);
    expect(n.net).toBe("IB");
  });
});

describe("NCCL 2.4–2.11's `include/shm.h:28 NCCL WARN Call to posix_fallocate failed : No space left on device`", () => {
  it("is /dev/shm too small even without the `Error while creating shared memory segment` line after it", async () => {
    const text = [
      "gpu2-ru7:2144:2556 [2] NCCL INFO Ring 00 : 2[3d000] -> 3[3e000] via direct shared memory",
      "gpu2-ru7:2143:2561 [1] NCCL INFO Ring 00 : 1[1b000] -> 2[3d000] via direct shared memory",
      "",
      "gpu2-ru7:2143:2561 [1] include/shm.h:28 NCCL WARN Call to posix_fallocate failed : No space left on device",
      "gpu2-ru7:2143:2561 [1] NCCL INFO include/shm.h:41 -> 2",
      "",
    ].join("\n");
    const r = await analyzeText(text);
    expect(r.facts.nccl.firstWarn?.line).toBe(4);
    expect(r.facts.firstError?.line).toBe(4);
    expect(ids(r)).toContain("nccl/shm-too-small");
    expect(ids(r)).toContain("nccl/system-error");
  });

  it("also under mpirun's tag and without the space before the colon (2.7.3's wording)", async () => {
    const text = "[1,2]<stdout>:node-a:901:955 [2] include/shm.h:28 NCCL WARN Call to posix_fallocate failed: No space left on device\n";
    const r = await analyzeText(text);
    expect(r.facts.nccl.firstWarn?.line).toBe(1);
    expect(ids(r)).toContain("nccl/shm-too-small");
  });

  it("a posix_fallocate line that is no NCCL failure is not read as one", async () => {
    const r = await analyzeText("INFO 03-01 10:00:00 worker.py:100] posix_fallocate is supported on this filesystem\n");
    expect(ids(r)).not.toContain("nccl/shm-too-small");
  });
});

describe("markdown bold pasted around a record's level (`file.cc:28 **NCCL WARN ...**`)", () => {
  it("reads the WARN and its header: first warning, first error, host and the failure's kind", async () => {
    const text = [
      "7635c25c81cd:41590:41835 [0] NCCL INFO Channel 00 : 3[1c0] -> 2[1b0] via direct shared memory",
      "7635c25c81cd:41588:41837 [0] include/shm.h:28 **NCCL WARN Call to posix_fallocate failed : No space left on device**",
      "7635c25c81cd:41588:41837 [0] NCCL INFO include/shm.h:41 -> 2",
      "",
    ].join("\n");
    const r = await analyzeText(text);
    expect(r.facts.nccl.firstWarn?.line).toBe(2);
    expect(r.facts.firstError?.line).toBe(2);
    expect(r.facts.nccl.hosts).toEqual(["7635c25c81cd"]);
    expect(ids(r)).toContain("nccl/shm-too-small");
  });

  it("a bold CUDA failure of a later NCCL (with the `[dev]` only, no host) is a CUDA error", async () => {
    const text = "[3] enqueue.cc:1450 **NCCL WARN Cuda failure 'out of memory'**\n[3] NCCL INFO enqueue.cc:1480 -> 1\n";
    const r = await analyzeText(text);
    expect(r.facts.nccl.firstWarn?.line).toBe(1);
    expect(ids(r)).toContain("nccl/cuda-error");
  });
});

describe("an nccl-tests table pasted without its header (a sweep's tail and footer only)", () => {
  it("reads the rows of 2022+ (with `root` and `#wrong`) and the footer", async () => {
    const text = [
      "   130023432      32505858     float     sum      -1   2584.7   50.31   96.42      0   2587.1   50.26   96.33      0",
      "   131072008      32768002     float     sum      -1   2604.6   50.32   96.45      0   2630.6   49.83   95.50      0",
      "# Out of bounds values : 0 OK",
      "# Avg bus bandwidth    : 84.8558",
      "",
    ].join("\n");
    const nt = (await analyzeText(text, "tail.txt")).facts.bench?.ncclTests;
    expect(nt).toMatchObject({ maxBusbwGBs: 96.45, avgBusbwGBs: 84.8558, wrongTotal: 0, outOfBoundsOk: true, errorColumn: "#wrong", rowsComplete: 2, collective: null, ranks: null });
  });

  it("reads an older table (no `root`, `error` deviations, `N/A` in place) and takes the first of two runs", async () => {
    const text = [
      "   268435456      67108864     float     sum   55225    4.86    4.86  2e-07    55242    4.86    4.86  2e-07",
      "# Out of bounds values : 0 OK",
      "# Avg bus bandwidth    : 1.80135 ",
      "#",
      "",
      "   268435456      67108864     float     sum   59067    4.54    4.54  2e-07      N/A     N/A     N/A    N/A",
      "# Out of bounds values : 3 FAILED",
      "# Avg bus bandwidth    : 1.65866 ",
      "",
    ].join("\n");
    const b = (await analyzeText(text, "two.txt")).facts.bench;
    expect(b?.ncclTests).toMatchObject({ maxBusbwGBs: 4.86, avgBusbwGBs: 1.80135, wrongTotal: null, outOfBoundsOk: true, errorColumn: "error" });
  });

  it("numbers that are not a row (an unknown type, too few cells) start no table", async () => {
    const text = [
      "   1024      256     foo     sum      -1   2584.7   50.31   96.42      0   2587.1   50.26   96.33      0",
      "   1024      256     float     sum      -1   2584.7   50.31",
      "# Avg bus bandwidth    : 84.8558",
      "",
    ].join("\n");
    const r = await analyzeText(text, "not.txt");
    expect(r.facts.bench?.ncclTests ?? null).toBeNull();
  });
});

describe("NCCL ≤2.3's WARN record without the NCCL token (`[0] include/socket.h:196 WARN ...`, `.cu` sources)", () => {
  it("a peer closing the connection is a remote exit, as in later NCCLs", async () => {
    const text = [
      "trainer-a:454:484 [0] include/socket.h:185 WARN Call to connect failed : Connection refused",
      "trainer-a:454:484 [0] INFO bootstrap.cu:76 -> 2 [bthread]",
      "",
      "trainer-b:301:388 [1] include/socket.h:196 WARN Connection closed by remote peer",
      "trainer-b:301:388 [1] INFO transport/net_socket.cu:149 -> 2",
      "trainer-b:301:388 [1] INFO misc/group.cu:70 -> 2 [Async thread]",
      "",
    ].join("\n");
    const r = await analyzeText(text);
    expect(r.facts.firstError?.line).toBe(1);
    expect(r.facts.nccl.hosts).toEqual(["trainer-a", "trainer-b"]);
    expect(ids(r)).toEqual(expect.arrayContaining(["nccl/remote-process-exited", "nccl/bootstrap-failure", "nccl/system-error"]));
  });

  it("the same words from a program that is not NCCL stay unread", async () => {
    const r = await analyzeText("2024-01-01 10:00:00 client.py:12 WARN Connection closed by remote peer while streaming\n");
    expect(ids(r)).not.toContain("nccl/remote-process-exited");
  });
});

describe("GitHub auto-links pasted back as markdown (`transport/[net_ib.cc:101](http://net_ib.cc:101/)`, IPs)", () => {
  it("reads the records as if unlinked: headers, hosts, error chains, peers", async () => {
    const text = [
      "> node201:127799:127863 [0] transport/[net_ib.cc:101](http://net_ib.cc:101/) NCCL WARN NET/IB : mlx5_0:1 Got async event : local access violation work queue error",
      // no quote, https, an IP link in the message and a link in an error chain
      "node023:10214:10303 [0] transport/[net_ib.cc:1909](https://net_ib.cc:1909/) NCCL WARN NET/IB : Got completion from peer [10.1.3.201](http://10.1.3.201/)<33057> with status=9 opcode=0 len=0 vendor err 138 (Send)",
      "node023:10214:10303 [0] NCCL INFO transport/[net.cc:1137](http://net.cc:1137/) -> 6",
      "node023:10214:10303 [0] NCCL INFO [proxy.cc:698](http://proxy.cc:698) -> 6",
      // a link whose text is not its address stays as written
      "node023:10214:10214 [0] NCCL INFO see [the docs](https://docs.nvidia.com/deeplearning/nccl/) for NCCL_IB_HCA",
      "",
    ].join("\n");
    const r = await analyzeText(text);
    expect(r.facts.nccl.hosts).toEqual(["node023", "node201"]);
    expect(r.facts.nccl.firstWarn?.line).toBe(1);
    expect(ids(r)).toEqual(expect.arrayContaining(["nccl/ib-error", "nccl/remote-process-exited"]));
  });
});

describe("net_ib.cc's routine async events are not failures, whole or cut at the end of the record", () => {
  it("`client reregistration` after Init COMPLETE: a first warning, no first error, no IB error", async () => {
    const text = [
      "gpu1:5022:5377 [1] NCCL INFO comm 0x4438f540 rank 1 nranks 8 cudaDev 1 busId 52000 - Init COMPLETE",
      "",
      "gpu1:5021:5386 [0] transport/net_ib.cc:93 NCCL WARN NET/IB : Got async event : client reregistration",
      "",
      "gpu1:5026:5383 [0] transport/net_ib.cc:93 NCCL WARN NET/IB : mlx5_2:1 Got async event : port acti",
      "",
    ].join("\n");
    const r = await analyzeText(text);
    expect(r.facts.nccl.firstWarn?.line).toBe(3);
    expect(r.facts.firstError).toBeNull();
    expect(ids(r)).not.toContain("nccl/ib-error");
  });

  it("a fatal event, or a cut too short to name the event, is still an IB failure", async () => {
    const text = [
      "gpu1:5021:5386 [0] transport/net_ib.cc:93 NCCL WARN NET/IB : Got async event : local catastrophic error",
      "gpu1:5022:5387 [1] transport/net_ib.cc:93 NCCL WARN NET/IB : Got async event : cl",
      "",
    ].join("\n");
    const r = await analyzeText(text);
    expect(r.facts.firstError?.line).toBe(1);
    expect(ids(r)).toContain("nccl/ib-error");
  });
});
