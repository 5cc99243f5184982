import { describe, expect, it } from "vitest";
import { analyzeText, ids, eolsFor } from "./rules/analyze-text.js";
import type { Report } from "../src/model.js";

/**
 * Formats found in a round of real logs of NCCL under frameworks other than PyTorch (JAX/XLA, TensorFlow, Horovod,
 * PaddlePaddle, MXNet, Alpa). Four misses: a launcher's process index glued to the NCCL header with no space
 * (`[15]worker-23:83:2526 [0] ...`, a Horovod job's pods) hid the host; TensorFlow 1.x's OpError line `UnknownError (see
 * above for traceback): ...` was no exception line, so a Horovod traceback cut above its first exception line had no first
 * error; a socket recv that timed out on an established connection (`Net : Call to recv from ... failed : Connection timed
 * out`) was reported as a bootstrap that could not connect; and net_ib's `NET/IB : collective mismatch error` (the ranks
 * disagree on a collective) was reported as an InfiniBand fault. Besides, XLA's Status line quotes NCCL's last WARN
 * (`Last NCCL warning(error) log entry (may be unrelated) '...'`), which nccl/system-error now quotes and reads for the
 * call when the log has no NCCL line saying it. Every log text here is written for the test in the printed layout.
 */

const WRAPS: [string, (l: string) => string, string[]][] = [
  ["plain", (l) => l, ["\n"]],
  ["kubectl --timestamps", (l) => `2026-12-06T23:40:11.518204113Z ${l}`, eolsFor((l) => `2026-12-06T23:40:11.518204113Z ${l}`)],
  ["docker compose", (l) => `worker-1  | ${l}`, eolsFor((l) => `worker-1  | ${l}`)],
];

const join = (lines: string[], wrap: (l: string) => string, eol = "\n"): string => lines.map(wrap).join(eol) + eol;

async function eachWrap(lines: string[], check: (r: Report, at: string) => void): Promise<void> {
  for (const [name, wrap, eols] of WRAPS) for (const eol of eols) check(await analyzeText(join(lines, wrap, eol)), `${name} ${JSON.stringify(eol)}`);
}

const finding = (r: Report, id: string) => r.findings.find((f) => f.ruleId === id);

describe("a launcher's process index glued to the NCCL header (`[15]worker-23:83:2526 [0] ...`)", () => {
  const lines = [
    "[4]trainer-a7:112:640 [0] NCCL INFO Bootstrap : Using eth0:10.42.1.7<0>",
    "[4]trainer-a7:112:640 [0] NCCL INFO NET/Socket : Using [0]eth0:10.42.1.7<0>",
    "[4]trainer-a7:112:640 [0] NCCL INFO Using network Socket",
    "[9]trainer-b2:98:611 [0] NCCL INFO Bootstrap : Using eth0:10.42.3.2<0>",
    "[9]trainer-b2:98:611 [0] NCCL INFO Using network Socket",
    "[9]trainer-b2:98:611 [0] NCCL INFO Channel 00 : 1[1c0] -> 0[1b0] [send] via NET/Socket/0",
  ];
  it("counts the hosts behind the index, and takes no rank from it", async () => {
    await eachWrap(lines, (r, at) => {
      expect(r.facts.nccl.nodes, at).toBe(2);
      expect(r.facts.nccl.ranks, at).toBe(2);
      expect(r.facts.nccl.net, at).toBe("Socket");
      expect(r.facts.nccl.transports?.["NET/Socket"], at).toBe(1);
    });
  });
  it("a redacted host that is all brackets stays one host name", async () => {
    const r = await analyzeText(["[pod-name]:31:40 [0] NCCL INFO Using network IB", "[pod-name]:32:41 [1] NCCL INFO Using network IB"].join("\n") + "\n");
    expect(r.facts.nccl.nodes).toBe(1);
  });
});

describe("a socket recv or send that timed out on an established connection", () => {
  const recv = [
    "[2]trainer-c4:83:2526 [0] misc/socket.cc:503 NCCL WARN Net : Call to recv from 10.96.7.19<40112> failed : Connection timed out",
    "[2]trainer-c4:83:2526 [0] NCCL INFO misc/socket.cc:520 -> 2",
    "[2]trainer-c4:83:2526 [0] transport/net_socket.cc:219 NCCL WARN NET/Socket : socket progress error",
    "[2]trainer-c4:83:2520 [0] NCCL INFO include/net.h:32 -> 2",
  ];
  it("is a lost peer, not a bootstrap that could not connect", async () => {
    await eachWrap(recv, (r, at) => {
      expect(ids(r), at).toContain("nccl/remote-process-exited");
      expect(ids(r), at).not.toContain("nccl/bootstrap-failure");
      expect(finding(r, "nccl/remote-process-exited")!.message, at).toContain("10.96.7.19");
      expect(r.facts.nccl.nodes, at).toBe(1);
      expect(r.facts.nccl.net, at).toBe("Socket");
      expect(r.facts.firstError?.line, at).toBe(1);
      expect(r.facts.nccl.firstWarn?.line, at).toBe(1);
    });
  });
  it("a send that timed out reads the same", async () => {
    const r = await analyzeText("node-3:71:90 [1] misc/socket.cc:60 NCCL WARN socketProgressOpt: Call to send to 10.96.7.20<40113> failed : Connection timed out\nnode-3:71:90 [1] NCCL INFO misc/socket.cc:80 -> 2\n");
    expect(ids(r)).toContain("nccl/remote-process-exited");
    expect(ids(r)).not.toContain("nccl/bootstrap-failure");
  });
  it("near miss: a connect that timed out is still the bootstrap's", async () => {
    const r = await analyzeText("node-3:71:90 [1] misc/socket.cc:484 NCCL WARN socketStartConnect: Connect to 10.96.7.20<40113> failed : Connection timed out\nnode-3:71:90 [1] NCCL INFO bootstrap.cc:280 -> 2\n");
    expect(ids(r)).toContain("nccl/bootstrap-failure");
    expect(ids(r)).not.toContain("nccl/remote-process-exited");
  });
});

describe("net_ib's `collective mismatch error` under a framework's collective ops", () => {
  const old = [
    "ps-7:2210:2301 [0] external/nccl_archive/src/transport/net_ib.cc:651 NCCL WARN NET/IB : collective mismatch error local size 196608 remote 16384 addr 7f3a10220000 rkey 9c1 seq 3b/3b",
    "2026-01-11 09:12:40.101020: I tensorflow/core/nccl/nccl_manager.cc:670] done Nccl kernel collective_key 61:0:0:0 participant 0 ncclResult 0",
    "ps-7:2210:2301 [0] NCCL INFO external/nccl_archive/src/transport/net.cc:470 -> 3",
    "ps-7:2210:2301 [0] NCCL INFO external/nccl_archive/src/transport.cc:163 -> 3 [Proxy Thread]",
  ];
  it("NCCL ≤2.11 (ncclInternalError): the ranks disagree on a collective, no InfiniBand fault", async () => {
    await eachWrap(old, (r, at) => {
      expect(ids(r), at).toContain("nccl/internal-error");
      expect(ids(r), at).not.toContain("nccl/ib-error");
      const f = finding(r, "nccl/internal-error")!;
      expect(f.message, at).toContain("it had 196608 bytes to send where the peer had posted a receive of 16384");
      expect(f.message, at).toContain("It is not an InfiniBand fault");
      expect(f.remediation.join("\n"), at).toContain("collective_key");
      expect(r.facts.nccl.net, at).toBe("IB");
      expect(r.facts.firstError?.line, at).toBe(1);
    });
  });
  it("later NCCL (ncclInvalidUsage): nccl/error names the same cause and the peer", async () => {
    const r = await analyzeText([
      "gpu-d:501:620 [3] transport/net_ib.cc:1203 NCCL WARN NET/IB : req 0/1 tag 5 peer 10.7.0.12<51234> collective mismatch error, local size 4194304 remote size 2097152",
      "gpu-d:501:620 [3] NCCL INFO transport/net.cc:1110 -> 5",
      "gpu-d:501:620 [3] NCCL INFO proxy.cc:720 -> 5 [Progress Thread]",
    ].join("\n") + "\n");
    expect(ids(r)).not.toContain("nccl/ib-error");
    const f = finding(r, "nccl/error")!;
    expect(f.message).toContain("where the peer (10.7.0.12) had posted a receive of 2097152");
  });
  it("near miss: a completion error from the fabric is still an InfiniBand fault", async () => {
    const r = await analyzeText("gpu-d:501:620 [3] transport/net_ib.cc:1295 NCCL WARN NET/IB : Got completion from peer 10.7.0.12<51234> with status=12 opcode=1 len=0 vendor err 129 (Send) localGid ::ffff:10.7.0.11 remoteGids::ffff:10.7.0.12\n");
    expect(ids(r)).toContain("nccl/ib-error");
  });
});

describe("TensorFlow 1.x's OpError line (`UnknownError (see above for traceback): ...`)", () => {
  const cut = [
    '  File "/usr/lib/python3.6/site-packages/horovod/tensorflow/mpi_ops.py", line 88, in _allreduce',
    "    return MPI_LIB.horovod_allreduce(tensor, name=name)",
    '  File "/usr/lib/python3.6/site-packages/tensorflow/python/framework/ops.py", line 1770, in __init__',
    "    self._traceback = tf_stack.extract_stack()",
    "",
    "UnknownError (see above for traceback): ncclCommInitRank failed: unhandled cuda error",
    "\t [[node DistributedAdamOptimizer_Allreduce/HorovodAllreduce_gradients_dense_MatMul_grad_MatMul_1_0 (defined at train.py:40) ]]",
  ];
  it("is the first error of a traceback cut above its exception line", async () => {
    await eachWrap(cut, (r, at) => {
      expect(r.facts.firstError?.line, at).toBe(6);
      expect(r.facts.firstError?.text, at).toContain("UnknownError (see above for traceback)");
      expect(ids(r), at).toContain("nccl/cuda-error");
    });
  });
  it("after the exception line itself, the first error stays the exception line", async () => {
    const r = await analyzeText([
      "Traceback (most recent call last):",
      '  File "train.py", line 90, in <module>',
      "    sess.run(train_op)",
      "tensorflow.python.framework.errors_impl.InternalError: ncclCommInitRank failed: unhandled system error",
      "",
      "Caused by op 'HorovodAllreduce_grads_0', defined at:",
      '  File "train.py", line 61, in <module>',
      "    train_op = opt.minimize(loss)",
      "",
      "InternalError (see above for traceback): ncclCommInitRank failed: unhandled system error",
    ].join("\n") + "\n");
    expect(r.facts.firstError?.line).toBe(4);
    expect(ids(r)).toContain("nccl/system-error");
  });
  it("near miss: a word that names no error before the same words is prose", async () => {
    const r = await analyzeText("Note (see above for traceback): the job was restarted twice\n");
    expect(r.facts.firstError).toBeNull();
  });
});

describe("XLA's quote of NCCL's last warning in a failed call's Status line", () => {
  const status = (quote: string) =>
    `INTERNAL: external/xla/xla/service/gpu/nccl_utils.cc:305: NCCL operation ncclCommInitRank(&comm, nranks, id, rank) failed: unhandled system error (run with NCCL_DEBUG=INFO for details).${quote}`;
  const lines = [
    "2026-02-03 11:20:41.551273: W external/xla/xla/service/gpu/runtime/support.cc:58] Intercepted XLA runtime error:",
    status(" Last NCCL warning(error) log entry (may be unrelated) 'socketStartConnect: Connect to 10.11.0.6<37121> failed : No route to host'."),
    "2026-02-03 11:20:41.551306: E external/xla/xla/pjrt/pjrt_stream_executor_client.cc:2732] Execution of replica 1 failed: INTERNAL: Failed to execute XLA Runtime executable",
  ];
  it("is quoted, names a socket call, and puts reachability first", async () => {
    await eachWrap(lines, (r, at) => {
      const f = finding(r, "nccl/system-error");
      expect(f, at).toBeDefined();
      expect(f!.message, at).toContain("point at a socket operation between ranks.");
      expect(f!.message, at).toContain("XLA quotes NCCL's last warning (it says it may be unrelated): `socketStartConnect: Connect to 10.11.0.6<37121> failed : No route to host`");
      expect(f!.remediation[0], at).toMatch(/^Check that every node can reach the others/);
      expect(r.facts.firstError?.line, at).toBe(2);
    });
  });
  it("a quote that holds quotes of its own is read to its end", async () => {
    const r = await analyzeText(status(" Last NCCL warning(error) log entry (may be unrelated) 'Call to ibv_reg_mr failed with error Cannot allocate memory 'x''.; current tracing scope: all-reduce-start") + "\n");
    expect(finding(r, "nccl/system-error")!.message).toContain("`Call to ibv_reg_mr failed with error Cannot allocate memory 'x'`");
  });
  it("near miss: without a quote the system call stays unnamed and the container advice leads", async () => {
    const r = await analyzeText(status("") + "\n");
    const f = finding(r, "nccl/system-error")!;
    expect(f.message).toContain("point at a system call (shared memory, sockets");
    expect(f.message).not.toContain("XLA quotes");
    expect(f.remediation[0]).toMatch(/^In containers/);
  });
});
