import { describe, expect, it } from "vitest";
import { analyzeText, ids, eolsFor } from "./rules/analyze-text.js";
import type { Report } from "../src/model.js";

/**
 * Formats found in a fifty-fifth round of real logs: launchers around NCCL and vLLM (Slurm's srun and slurmstepd, Open
 * MPI's mpirun, MPICH's Hydra, DeepSpeed's launcher, torchrun). The MPI launchers' own reports of the rank that failed
 * were not read at all: Open MPI's `mpirun noticed that process rank N ... exited on signal S (Name).`, `mpirun detected
 * that one or more processes exited with non-zero status`, `mpirun has exited due to process rank N ...`, and Hydra's
 * `=   BAD TERMINATION OF ONE OF YOUR APPLICATION PROCESSES` block (`=   KILLED BY SIGNAL: 11 (Segmentation fault)`), so a
 * run whose only failure was a rank killed by a signal had no first error and no crash finding. And a Slurm record that
 * landed behind a tqdm bar on one line (`... 58.67s/it]slurmstepd: error: *** STEP 6053.0 ON n020 CANCELLED AT ... ***`)
 * was not read as Slurm's. Every log text here is written for the test in the printed layout, under wrappers the logs
 * did not all show.
 */

const WRAPS: [string, (l: string) => string][] = [
  ["plain", (l) => l],
  ["kubectl --timestamps", (l) => `2026-12-06T18:21:07.311904112Z ${l}`],
  ["docker compose", (l) => (l ? `trainer-1  | ${l}` : "trainer-1  |")],
];

const join = (lines: string[], wrap: (l: string) => string, eol = "\n"): string => lines.map(wrap).join(eol) + eol;

async function eachWrap(lines: string[], check: (r: Report, at: string) => void): Promise<void> {
  for (const [name, wrap] of WRAPS)
    for (const eol of eolsFor(wrap)) check(await analyzeText(join(lines, wrap, eol)), `${name} ${JSON.stringify(eol)}`);
}

const finding = (r: Report, id: string) => r.findings.find((f) => f.ruleId === id);

/** each text read alone reports no failure line (and, when named, not that rule) */
async function noFailure(texts: string[], rule?: string): Promise<void> {
  for (const text of texts) {
    const r = await analyzeText(text);
    expect(r.facts.firstError, text).toBeNull();
    if (rule) expect(ids(r), text).not.toContain(rule);
  }
}
const RULE = "-".repeat(74);

describe("Open MPI's report of a rank killed by a signal (`mpirun noticed that process rank …`)", () => {
  const lines = [
    "# nThread 1 nGpus 2 minBytes 8 maxBytes 134217728 step: 2(factor) warmup iters: 5 iters: 20 agg iters: 1 validation: 1 graph: 0",
    "Primary job  terminated normally, but 1 process returned",
    "a non-zero exit code. Per user-direction, the job has been aborted.",
    RULE,
    RULE,
    "mpirun noticed that process rank 5 with PID 30412 on node gpu-c14 exited on signal 11 (Segmentation fault).",
    RULE,
    "7 total processes killed (some possibly by mpirun during cleanup)",
  ];
  it("is the first error, and the crash finding names SIGSEGV", async () => {
    await eachWrap(lines, (r, at) => {
      expect(r.facts.firstError?.line, at).toBe(6);
      expect(r.facts.firstError?.text, at).toContain("mpirun noticed that process rank 5");
      const f = finding(r, "vllm/fatal-signal");
      expect(f, at).toBeDefined();
      expect(f!.message, at).toContain("A process was killed by SIGSEGV");
      expect(f!.evidence[0].line, at).toBe(6);
    });
  });

  it("reads every launcher name and era: prterun (Open MPI 5), orterun, mpiexec, 1.2's `job rank`, a signal without its name", async () => {
    for (const [line, signal] of [
      ["prterun noticed that process rank 48 with PID 613162 on node gpu-node07 exited on signal 7 (Bus error).", "SIGBUS"],
      ["orterun noticed that process rank 0 with PID 2231 on node n1 exited on signal 4 (Illegal instruction).", "SIGILL"],
      ["mpiexec noticed that process rank 3 with PID 881 on node 10.1.0.4 exited on signal 11.", "SIGSEGV"],
      ["mpirun noticed that job rank 1 with PID 4411 on node cn02 exited on signal 11 (Segmentation fault).", "SIGSEGV"],
    ] as const) {
      const r = await analyzeText(`${RULE}\n${line}\n${RULE}\n`);
      expect(r.facts.firstError?.line, line).toBe(2);
      expect(finding(r, "vllm/fatal-signal")?.message, line).toContain(`killed by ${signal}`);
    }
  });

  it("a rank killed by SIGKILL is a warning about host memory, one ended by SIGTERM is no crash", async () => {
    const killed = await analyzeText(`${RULE}\nmpirun noticed that process rank 1 with PID 9920 on node a100-03 exited on signal 9 (Killed).\n${RULE}\n`);
    expect(killed.facts.firstError?.line).toBe(2);
    expect(finding(killed, "vllm/host-oom")?.severity).toBe("warning");
    expect(ids(killed)).not.toContain("vllm/fatal-signal");
    const termed = await analyzeText(`mpirun noticed that process rank 1 with PID 771 on node n2 exited on signal 15 (Terminated).\n`);
    expect(termed.facts.firstError?.line).toBe(1);
    expect(ids(termed)).not.toContain("vllm/fatal-signal");
    expect(ids(termed)).not.toContain("vllm/host-oom");
  });

  it("near misses: the preamble alone, prose quoting the launcher, another program's `noticed that`", async () => {
    await noFailure([
      "Primary job  terminated normally, but 1 process returned\na non-zero exit code. Per user-direction, the job has been aborted.\n",
      "I think the mpirun noticed that process rank 3 exited on signal 11 because of the driver.\n",
      "Then mpirun noticed that process rank 3 was slow, nothing more.\n",
      "watchdog noticed that process rank 2 with PID 77 on node n1 exited on signal 11 (Segmentation fault).\n",
    ], "vllm/fatal-signal");
  });
});

describe("Open MPI's other failure reports (`detected … non-zero status`, `has exited due to process rank …`)", () => {
  it("`mpirun detected` is the first error, after the preamble and after an NCCL INFO line", async () => {
    const lines = [
      "node05:44741:44741 [0] NCCL INFO Launch mode Parallel",
      "-------------------------------------------------------",
      "Primary job  terminated normally, but 1 process returned",
      "a non-zero exit code.. Per user-direction, the job has been aborted.",
      "-------------------------------------------------------",
      RULE,
      "mpirun detected that one or more processes exited with non-zero status, thus causing",
      "the job to be terminated. The first process to do so was:",
      "",
      "  Process name: [[11192,1],8]",
      "  Exit code:    3",
      RULE,
    ];
    await eachWrap(lines, (r, at) => {
      expect(r.facts.firstError?.line, at).toBe(7);
      expect(r.facts.nccl.nodes, at).toBe(1);
      expect(r.findings.filter((f) => f.severity === "error").map((f) => f.ruleId), at).toEqual([]);
    });
  });

  it("an earlier failure of a rank stays the first error: the launcher's report is the knock-on", async () => {
    const lines = [
      "gpu-a3: Test NCCL failure common.cu:1204 'unhandled cuda error (run with NCCL_DEBUG=INFO for details) / '",
      " .. gpu-a3 pid 51820: Test failure common.cu:915",
      RULE,
      "mpirun detected that one or more processes exited with non-zero status, thus causing",
      "the job to be terminated. The first process to do so was:",
      "",
      "  Process name: [[44912,1],12]",
      "  Exit code:    3",
    ];
    await eachWrap(lines, (r, at) => {
      expect(r.facts.firstError?.line, at).toBe(1);
      expect(ids(r), at).toContain("nccl/cuda-error");
    });
  });

  it("`has exited due to process rank` (exiting improperly, calling abort) and `was unable to find the specified executable`", async () => {
    const improper = await analyzeText(`${RULE}\nmpirun has exited due to process rank 0 with PID 0 on\nnode gpu-b2 exiting improperly. There are three reasons this could occur:\n`);
    expect(improper.facts.firstError?.line).toBe(2);
    const abort = await analyzeText(`prterun has exited due to process rank 6 with PID 2207 on\nnode n4 calling "abort". This may have caused other processes\n`);
    expect(abort.facts.firstError?.line).toBe(1);
    const exe = await analyzeText(`mpirun was unable to find the specified executable file, and therefore\ndid not launch the job.  This error was first reported for process\n`);
    expect(exe.facts.firstError?.line).toBe(1);
  });
});

describe("Hydra's (MPICH, Intel MPI) `BAD TERMINATION` block", () => {
  const eq = "=".repeat(83);
  it("its head line is the first error; `KILLED BY SIGNAL: 11` is a crash, `KILLED BY SIGNAL: 9` a host-memory warning", async () => {
    const segv = [eq, "=   BAD TERMINATION OF ONE OF YOUR APPLICATION PROCESSES", "=   RANK 3 PID 1234 RUNNING AT c001-001", "=   KILLED BY SIGNAL: 11 (Segmentation fault)", eq];
    await eachWrap(segv, (r, at) => {
      expect(r.facts.firstError?.line, at).toBe(2);
      expect(finding(r, "vllm/fatal-signal")?.message, at).toContain("killed by SIGSEGV");
    });
    const killed = await analyzeText(join([eq, "=   BAD TERMINATION OF ONE OF YOUR APPLICATION PROCESSES", "=   RANK 0 PID 5490 RUNNING AT gn59", "=   KILLED BY SIGNAL: 9 (Killed)", eq], (l) => l));
    expect(killed.facts.firstError?.line).toBe(2);
    expect(finding(killed, "vllm/host-oom")?.severity).toBe("warning");
  });

  it("the older block (PID only, EXIT CODE) and its exit string", async () => {
    const r = await analyzeText(join([eq, "=   BAD TERMINATION OF ONE OF YOUR APPLICATION PROCESSES", "=   PID 28488 RUNNING AT gpu-rtx-4", "=   EXIT CODE: 139", "=   CLEANING UP REMAINING PROCESSES", "=   YOU CAN IGNORE THE BELOW CLEANUP MESSAGES", eq, "YOUR APPLICATION TERMINATED WITH THE EXIT STRING: Segmentation fault (signal 11)", "This typically refers to a problem with your application."], (l) => l));
    expect(r.facts.firstError?.line).toBe(2);
    expect(finding(r, "vllm/fatal-signal")?.evidence.map((e) => e.line)).toEqual([8]);
  });

  it("near misses: the words in prose, a rule of `=` signs alone", async () => {
    await noFailure([`${eq}\n${eq}\n`, "we saw BAD TERMINATION OF ONE OF YOUR APPLICATION PROCESSES twice yesterday\n", "= BAD TERMINATION OF ONE OF YOUR APPLICATION PROCESSES, said the FAQ, is not a bug\n"]);
  });
});

describe("a Slurm record glued behind a tqdm bar", () => {
  const lines = [
    "Preparing test set...:  45%|████▍     | 30/67 [27:15<23:13, 37.65s/it]",
    "Preparing test set...:  46%|████▋     | 31/67 [29:02<35:12, 58.67s/it]slurmstepd: error: *** STEP 7711.0 ON gpu-n020 CANCELLED AT 2026-04-23T12:18:08 ***",
    "srun: Job step aborted: Waiting up to 32 seconds for job step to finish.",
    "srun: error: gpu-n020: task 0: Terminated",
  ];
  it("is read as Slurm's record: the step's cancel is the first error", async () => {
    await eachWrap(lines, (r, at) => {
      expect(r.facts.firstError?.line, at).toBe(2);
      expect(r.facts.firstError?.text, at).toContain("CANCELLED AT 2026-04-23T12:18:08");
    });
  });

  it("a task's failure glued to a bar, and srun's label before the bar", async () => {
    const r = await analyzeText("0: Loading checkpoint shards:  50%|█████     | 1/2 [00:03<00:03,  3.10s/it]srun: error: gpu-n07: task 1: Exited with exit code 1\n");
    expect(r.facts.firstError?.line).toBe(1);
    expect(r.facts.firstError?.text).toContain("task 1: Exited with exit code 1");
  });

  it("near misses: a bar alone, Slurm's words inside a message after a bar", async () => {
    await noFailure([
      "Preparing test set...:  46%|████▋     | 31/67 [29:02<35:12, 58.67s/it]\n",
      "Epoch 3:  46%|████▋     | 31/67 [29:02<35:12, 58.67s/it, note=mysrun: error: none]\n",
      "Epoch 3:  46%|████▋     | 31/67 [29:02<35:12, 58.67s/it] the srun: error: lines come later\n",
    ]);
  });
});

describe("srun --label rank prefixes over torch's watchdog, then srun's own failure line", () => {
  const lines = [
    "1: [rank1]:[E702 12:22:50.103110475 ProcessGroupNCCL.cpp:629] [Rank 1] Watchdog caught collective operation timeout: WorkNCCL(SeqNum=52, OpType=ALLREDUCE, NumelIn=11, NumelOut=11, Timeout(ms)=240000) ran for 240000 milliseconds before timing out.",
    "3: [rank3]:[E702 12:22:50.160528660 ProcessGroupNCCL.cpp:629] [Rank 3] Watchdog caught collective operation timeout: WorkNCCL(SeqNum=52, OpType=ALLREDUCE, NumelIn=11, NumelOut=11, Timeout(ms)=240000) ran for 240057 milliseconds before timing out.",
    "1: [rank1]:[E702 12:22:50.186106643 ProcessGroupNCCL.cpp:2168] [PG ID 0 PG GUID 0(default_pg) Rank 1]  failure detected by watchdog at work sequence id: 52 PG status: last enqueued work: 52, last completed work: 51",
    "srun: error: lrdn0412: task 1: Exited with exit code 1",
    "srun: error: lrdn0412: task 3: Exited with exit code 1",
  ];
  it("the watchdog is the first error and the timeout names both ranks; srun's lines are knock-ons", async () => {
    await eachWrap(lines, (r, at) => {
      expect(r.facts.firstError?.line, at).toBe(1);
      expect(r.facts.nccl.ranks, at).toBe(2);
      const f = finding(r, "nccl/collective-timeout");
      expect(f, at).toBeDefined();
      expect(f!.message, at).toContain("Ranks 1, 3");
    });
  });
});

describe("Hydra's error lines under its `[proxy:…@host]` / `[mpiexec@host]` prefix", () => {
  it("are errors: the first one is the first error", async () => {
    const lines = [
      "[proxy:0:1@gpu-n4] got pmi command (from 4): barrier_in",
      "[proxy:0:1@gpu-n4] HYDU_sock_write (utils/sock/sock.c:256): write error (Bad file descriptor)",
      "[proxy:0:1@gpu-n4] control_cb (pm/pmiserv/pmip_cb.c:202): unable to write to downstream stdin",
      "[mpiexec@gpu-n3] HYDT_bscu_wait_for_completion (tools/bootstrap/utils/bscu_wait.c:76): one of the processes terminated badly; aborting",
      "[mpiexec@gpu-n3] main (ui/mpich/mpiexec.c:340): process manager error waiting for completion",
    ];
    await eachWrap(lines, (r, at) => {
      expect(r.facts.firstError?.line, at).toBe(2);
      expect(r.facts.firstError?.text, at).toContain("HYDU_sock_write");
    });
    const old = await analyzeText("[mpiexec@n1] pmiserv_cb.c (77): assert (!closed) failed\n");
    expect(old.facts.firstError?.line).toBe(1);
  });

  it("near misses: its debug output, a host's bracket that is not Hydra's", async () => {
    await noFailure([
      "[proxy:0:0@n1] got pmi command (from 0): init\n",
      "[proxy:0:0@n1] PMI response: cmd=response_to_init pmi_version=1 pmi_subversion=1 rc=0\n",
      "[user@login1] main (see notes.c:12): nothing failed here, a quote\n",
    ]);
  });
});

describe("srun's report of its tasks' ends (`srun: error: <node>: task[s] <ids>: <signal words>`)", () => {
  it("a signal that crashes is the crash finding; SIGKILL alone is a host-memory warning", async () => {
    await eachWrap(["srun: error: gpu-n12: tasks 29,31: Bus error", "srun: error: gpu-n12: tasks 0,4,15: Bus error (core dumped)", "srun: Force Terminated StepId=4410.0"], (r, at) => {
      expect(r.facts.firstError?.line, at).toBe(1);
      expect(finding(r, "vllm/fatal-signal")?.evidence.map((e) => e.line), at).toEqual([1, 2]);
    });
    await eachWrap(["srun: error: nid001321: tasks 4-7: Killed", "srun: error: nid001320: tasks 0-3: Terminated"], (r, at) => {
      expect(r.facts.firstError?.line, at).toBe(1);
      expect(finding(r, "vllm/host-oom")?.severity, at).toBe("warning");
    });
  });

  it("tasks killed after another task failed are the launcher's knock-on, not memory (srun --kill-on-bad-exit, mpirun's clean-up)", async () => {
    const lines = [
      "0: RuntimeError: CUDA error: an illegal memory access was encountered",
      "srun: error: gpu-n07: task 0: Exited with exit code 1",
      "srun: error: gpu-n08: tasks 4-7: Killed",
      "srun: error: gpu-n07: tasks 1-3: Killed",
    ];
    await eachWrap(lines, (r, at) => {
      expect(r.facts.firstError?.line, at).toBe(1);
      const f = finding(r, "vllm/host-oom");
      expect(f?.severity, at).toBe("info");
      expect(f!.message, at).toContain("after the failure at");
    });
    const mpi = await analyzeText(`[1,2]<stderr>:Traceback (most recent call last):\n[1,2]<stderr>:ValueError: bad shape\n${RULE}\nmpirun noticed that process rank 5 with PID 881 on node n3 exited on signal 9 (Killed).\n`);
    expect(mpi.facts.firstError?.line).toBe(2);
    expect(finding(mpi, "vllm/host-oom")?.severity).toBe("info");
    // the kernel's own words stay a memory error, whatever came before
    const oom = await analyzeText("ValueError: bad shape\n[81234.551234] Out of memory: Killed process 48213 (python3) total-vm:41234kB\nsrun: error: gpu-n07: task 0: Killed\n");
    expect(finding(oom, "vllm/host-oom")?.severity).toBe("error");
  });
});

describe("srun --label / pdsh labels before a launcher's Python logging record", () => {
  it("torchrun's agent record (torch 2.1-2.3's bracketed stamp, ≤2.0's `ERROR:logger:`) and DeepSpeed's launcher record are read under the label", async () => {
    for (const [line, text] of [
      ["1: [2026-02-01 10:00:00,000] torch.distributed.elastic.multiprocessing.api: [ERROR] failed (exitcode: 1) local_rank: 0 (pid: 2231) of binary: /usr/bin/python3", "failed (exitcode: 1)"],
      ["12: ERROR:torch.distributed.elastic.multiprocessing.api:failed (exitcode: 1) local_rank: 0 (pid: 2231) of binary: /usr/bin/python3", "failed (exitcode: 1)"],
      ["gpu003: [2026-02-11 22:36:35,999] [ERROR] [launch.py:321:sigkill_handler] ['/usr/bin/python3', '-u', 'train.py', '--local_rank=1'] exits with return code = 1", "exits with return code = 1"],
    ] as const) {
      await eachWrap([line], (r, at) => {
        expect(r.facts.firstError?.line, `${at} ${line}`).toBe(1);
        expect(r.facts.firstError?.text, at).toContain(text);
      });
    }
  });

  it("the agent's SIGKILL is host-oom's warning through the label; its INFO records and prose with a colon are no failure", async () => {
    const r = await analyzeText("1: [2026-02-01 10:00:00,000] torch.distributed.elastic.multiprocessing.api: [ERROR] failed (exitcode: -9) local_rank: 0 (pid: 2231) of binary: /usr/bin/python3\n");
    expect(finding(r, "vllm/host-oom")?.severity).toBe("warning");
    await noFailure([
      "gpu003: [2026-02-11 22:36:22,106] [INFO] [launch.py:315:sigkill_handler] Killing subprocess 275125\n",
      "0: INFO:torch.distributed.elastic.agent.server.api:[default] Starting worker group\n",
      "Note: ERROR:this is how the old format looked\n",
    ]);
  });
});

describe("vLLM's Ray executor warning that a node holds fewer GPUs than the TP size", () => {
  const warn = (tp: number, gpus: number, node: string) =>
    `WARNING 02-22 21:02:44 ray_utils.py:180] tensor_parallel_size=${tp} is bigger than a reserved number of GPUs (${gpus} GPUs) in a node ${node}. Tensor parallel workers can be spread out to 2+ nodes which can degrade the performance unless you have fast interconnect across nodes, like Infiniband. To resolve this issue, make sure you have more than ${tp} GPUs available at each node.`;
  it("is the TP group spanning nodes, read through a Ray cluster's driver lines and wrappers", async () => {
    const lines = [
      "2026-02-22 21:02:44,020\tINFO worker.py:1654 -- Connecting to existing Ray cluster at address: 10.0.0.4:6379...",
      warn(2, 1, "c797a74e172f57f36312f0618dd4e52b02c6ad65733d6b51adf62ab6"),
      warn(2, 1, "7b735ccfa73fa03c59732ae8c2b730d9cb2512fef53e85361fdfe25c"),
      "INFO 02-22 21:02:44 ray_distributed_executor.py:149] use_ray_spmd_worker: False",
    ];
    await eachWrap(lines, (r, at) => {
      const f = finding(r, "vllm/tp-spans-nodes");
      expect(f?.severity, at).toBe("warning");
      expect(f!.message, at).toContain("found 1 GPU for the job on a node, fewer than tensor parallel size 2");
      expect(f!.evidence.map((e) => e.line), at).toEqual([2, 3]);
      expect(r.facts.config.tensorParallelSize, at).toBe(2);
      expect(r.facts.firstError, at).toBeNull();
    });
  });

  it("near miss: the placement group's count of the whole cluster's GPUs says nothing of one node", async () => {
    const r = await analyzeText("ValueError: The number of required GPUs exceeds the total number of available GPUs (4) in the placement group.\n");
    expect(ids(r)).not.toContain("vllm/tp-spans-nodes");
  });
});

describe("cluster/slurm-cancelled: Slurm's own cancel record, without torchrun's death signal", () => {
  const JOB = "slurmstepd: error: *** JOB 494583 ON gpu-n07 CANCELLED AT 2026-04-20T09:09:37 DUE TO TIME LIMIT ***";
  const STEP = "slurmstepd: error: *** STEP 494583.0 ON gpu-n07 CANCELLED AT 2026-04-20T09:09:37 DUE TO TIME LIMIT ***";
  it("a time limit is an error naming the reason, read under wrappers", async () => {
    await eachWrap(["srun: Job step aborted: Waiting up to 47 seconds for job step to finish.", JOB, STEP, "srun: error: gpu-n07: task 0: Terminated"], (r, at) => {
      const f = finding(r, "cluster/slurm-cancelled");
      expect(f?.severity, at).toBe("error");
      expect(f!.message, at).toContain("the job reached its time limit");
      expect(f!.evidence.map((e) => e.line), at).toEqual([2, 3]);
      expect(r.facts.firstError?.line, at).toBe(2);
    });
    for (const [reason, words] of [["PREEMPTION", "preempted it"], ["NODE FAILURE", "one of its nodes failed"]] as const) {
      const r = await analyzeText(`slurmstepd: error: *** JOB 77 CANCELLED AT 2026-04-20T09:09:37 DUE TO ${reason} ***\n`);
      expect(finding(r, "cluster/slurm-cancelled")?.message, reason).toContain(words);
    }
  });

  it("without a reason: a warning alone, an info after a failure earlier in the file (srun ended the step)", async () => {
    const step = "slurmstepd: error: *** STEP 6053.0 ON gpu-n20 CANCELLED AT 2026-04-23T12:18:08 ***";
    const alone = await analyzeText(`${step}\n`);
    expect(finding(alone, "cluster/slurm-cancelled")?.severity).toBe("warning");
    const after = await analyzeText(`0: RuntimeError: CUDA error: an illegal memory access was encountered\nsrun: error: gpu-n20: task 0: Exited with exit code 1\n${step}\n`);
    const f = finding(after, "cluster/slurm-cancelled");
    expect(f?.severity).toBe("info");
    expect(f!.message).toContain("after the failure at");
  });

  it("with torchrun's death signal it is cluster/stopped-by-signal's, and prose naming a cancel is nothing", async () => {
    const r = await analyzeText(`${JOB}\nW0301 08:12:40.118000 5521 torch/distributed/elastic/agent/server/api.py:704] Received 15 death signal, shutting down workers\n`);
    expect(ids(r)).toContain("cluster/stopped-by-signal");
    expect(ids(r)).not.toContain("cluster/slurm-cancelled");
    const prose = await analyzeText("the request was cancelled at the client's end\n");
    expect(ids(prose)).not.toContain("cluster/slurm-cancelled");
  });
});
