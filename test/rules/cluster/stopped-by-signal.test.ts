import { describe, expect, it } from "vitest";
import { analyzeText } from "../analyze-text.js";

const WRAPS: [string, (l: string) => string, string][] = [
  ["bare", (l) => l, "\n"],
  ["CRLF", (l) => l, "\r\n"],
  ["kubectl --timestamps", (l) => `2026-03-01T08:12:40.118273645Z ${l}`, "\n"],
  ["docker compose", (l) => `trainer-1  | ${l}`, "\n"],
];

const AGENT_TERM = [
  "[rank3]: step 1400 loss 1.873",
  "W0301 08:12:40.118000 5521 torch/distributed/elastic/agent/server/api.py:704] Received 15 death signal, shutting down workers",
  "W0301 08:12:40.119000 5521 torch/distributed/elastic/multiprocessing/api.py:766] Closing process 5530 via signal SIGTERM",
  "W0301 08:12:40.119000 5521 torch/distributed/elastic/multiprocessing/api.py:766] Closing process 5531 via signal SIGTERM",
  "Traceback (most recent call last):",
  '  File "/opt/venv/bin/torchrun", line 8, in <module>',
  "    sys.exit(main())",
  "torch.distributed.elastic.multiprocessing.api.SignalException: Process 5521 got signal: 15",
];

const of = (r: Awaited<ReturnType<typeof analyzeText>>) => r.findings.filter((f) => f.ruleId === "cluster/stopped-by-signal");

describe("cluster/stopped-by-signal (log text in, report out)", () => {
  it("torchrun's agent told to stop by SIGTERM, under every wrapper: an error naming who sends it, the signal lines as evidence", async () => {
    for (const [name, wrap, eol] of WRAPS) {
      const r = await analyzeText(AGENT_TERM.map(wrap).join(eol) + eol);
      const f = of(r);
      expect(f, name).toHaveLength(1);
      expect(f.map((x) => [x.severity, x.message]), name).toEqual([[
        "error",
        "torchrun's agent received SIGTERM and stopped its workers: it came from outside the job: a scheduler ending the job (Slurm at its time limit, on preemption or `scancel`; Kubernetes on eviction, a rollout or pod deletion), `kill`, or `docker stop`. The workers did not fail by themselves; the job was ended before it finished.",
      ]]);
      expect(f[0].evidence.map((e) => e.line), name).toEqual([2, 8]);
      expect(f[0].remediation[0], name).toMatch(/^Ask the scheduler why it ended the job: `sacct -j <jobid>/);
      expect(r.verdict, name).toMatch(/^Failed \(cluster\/stopped-by-signal\): torchrun's agent received SIGTERM/);
    }
  });

  it("names Slurm's reason when slurmstepd says it cancelled the job at its time limit", async () => {
    const r = await analyzeText(
      ["slurmstepd: error: *** JOB 4410 ON gpu-n07 CANCELLED AT 2026-03-01T08:12:40 DUE TO TIME LIMIT ***", "WARNING:torch.distributed.elastic.agent.server.api:Received 15 death signal, shutting down workers", ""].join("\n"),
    );
    const f = of(r);
    expect(f.map((x) => [x.severity, x.message])).toEqual([[
      "error",
      "torchrun's agent received SIGTERM and stopped its workers: Slurm cancelled the job DUE TO TIME LIMIT. The workers did not fail by themselves; the job was ended before it finished.",
    ]]);
    expect(f[0].evidence.map((e) => e.line)).toEqual([2, 1]);
    expect(f[0].remediation[0]).toMatch(/^Give the job more time \(`#SBATCH --time`/);
  });

  it("Slurm's own cancel line, with no reason, is no earlier failure: the signal stays the error (`scancel` by hand)", async () => {
    const r = await analyzeText(
      ["slurmstepd: error: *** JOB 4410 ON gpu-n07 CANCELLED AT 2026-03-01T08:12:40 ***", "WARNING:torch.distributed.elastic.agent.server.api:Received 15 death signal, shutting down workers", ""].join("\n"),
    );
    expect(r.facts.firstError?.line).toBe(1);
    expect(of(r).map((x) => x.severity)).toEqual(["error"]);
  });

  it("after a failure in the same file the signal is its consequence: a note that points at the failure, which keeps the verdict", async () => {
    const r = await analyzeText(
      [
        "torch.distributed.elastic.rendezvous.api.RendezvousClosedError",
        "srun: error: gpu-n08: task 1: Exited with exit code 1",
        "srun: Terminating StepId=4410.1",
        "slurmstepd: error: *** STEP 4410.1 ON gpu-n07 CANCELLED AT 2026-03-01T08:12:40 ***",
        "WARNING:torch.distributed.elastic.agent.server.api:Received 15 death signal, shutting down workers",
        "",
      ].join("\n"),
    );
    const f = of(r);
    expect(f.map((x) => x.severity)).toEqual(["info"]);
    expect(f[0].message).toMatch(/^torchrun's agent received SIGTERM and stopped its workers after the failure at \S*run\.log:2: /);
    expect(r.verdict).toMatch(/^Error with no known cause at \S*run\.log:2 /);
  });

  it("SIGINT asks what sent it if nobody pressed Ctrl-C; SIGHUP advises running detached", async () => {
    const int = of(await analyzeText("WARNING:torch.distributed.elastic.agent.server.api:Received 2 death signal, shutting down workers\n"));
    expect(int.map((x) => x.severity)).toEqual(["error"]);
    expect(int[0].message).toContain("received SIGINT and stopped its workers: it came from outside the job: Ctrl-C in the terminal that started it, or a launcher passing it on. The workers did not fail by themselves; if nobody pressed Ctrl-C, find what sent it.");
    const hup = of(await analyzeText("torch.distributed.elastic.multiprocessing.api.SignalException: Process 77 got signal: 1\n"));
    expect(hup.map((x) => x.severity)).toEqual(["error"]);
    expect(hup[0].remediation[1]).toMatch(/^Start long runs detached from the terminal/);
  });

  it("the agent stopping its workers after one of them failed is no signal from outside", async () => {
    const r = await analyzeText(
      [
        "WARNING:torch.distributed.elastic.multiprocessing.api:Sending process 5620 closing signal SIGTERM",
        "ERROR:torch.distributed.elastic.multiprocessing.api:failed (exitcode: 1) local_rank: 1 (pid: 5621) of binary: /usr/bin/python3",
        "",
      ].join("\n"),
    );
    expect(of(r)).toEqual([]);
  });
});
