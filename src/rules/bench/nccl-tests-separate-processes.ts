import type { Evidence } from "../../model.js";
import { benchRuns, numberOf } from "./runs.js";
import { defineRule, type RuleSpec } from "../define.js";

export const meta = {
  id: "bench/nccl-tests-separate-processes",
  defaultSeverity: "error",
  title: "nccl-tests: the launched processes ran as separate 1-process jobs, not one job",
  tags: ["bench", "nccl", "mpi", "setup"],
  sources: [
    "NVIDIA/nccl-tests src/common.cu run(): `rank = proc*nThreads*nGpus+i`, proc from MPI_Comm_rank under MPI_SUPPORT (0 without); proc 0 gathers and prints every device line once",
    "NVIDIA/nccl-tests README (build with MPI=1 to run on several processes or nodes); NVIDIA/nccl-tests#107, #254",
  ],
} satisfies RuleSpec;

interface Device {
  rank: number;
  pid: number | null;
  host: string | null;
}

const devicesOf = (v: Record<string, unknown>): Device[] =>
  (Array.isArray(v.devices) ? v.devices : []).flatMap((d: unknown) => {
    const o = d as Record<string, unknown>;
    const rank = numberOf(o?.rank);
    return rank === null ? [] : [{ rank, pid: numberOf(o.pid), host: typeof o.host === "string" ? o.host : null }];
  });

interface Group {
  processes: Set<string>;
  hosts: Set<string>;
  ev: Evidence[];
}

const processOf = (d: Device): string => `${d.host ?? "?"}|${d.pid ?? "?"}`;

/**
 * One nccl-tests job lists each rank once (proc 0 prints every process's device lines, in rank order). The same rank
 * listed again by another process before any result row is a second job's header: a build without MPI (or with
 * another MPI than the launcher's) started by mpirun/srun, where every process is proc 0 of a job of its own.
 */
export const rule = defineRule(meta, (ctx) => {
  const runs = benchRuns(ctx, "ncclTests");
  let best: Group | null = null;
  let group: Group | null = null;
  let seen = new Map<number, Set<string>>();
  let prevRows = 0;
  for (const r of runs) {
    const devices = devicesOf(r.values);
    const again = devices.some((d) => [...(seen.get(d.rank) ?? [])].some((p) => p !== processOf(d)));
    const g: Group = again && prevRows === 0 && group ? group : { processes: new Set(), hosts: new Set(), ev: [] };
    if (g !== group) seen = new Map();
    group = g;
    for (const d of devices) {
      const p = processOf(d);
      seen.set(d.rank, (seen.get(d.rank) ?? new Set<string>()).add(p));
      g.processes.add(p);
      if (d.host) g.hosts.add(d.host);
    }
    if (devices.length) g.ev.push(r.ev);
    prevRows = (numberOf(r.values.rowsComplete) ?? 0) + (numberOf(r.values.rowsIncomplete) ?? 0);
    if (g.ev.length >= 2 && g.processes.size >= 2 && (!best || g.processes.size > best.processes.size)) best = g;
  }
  if (!best) return [];
  const n = best.processes.size;
  const hosts = [...best.hosts];
  const on = hosts.length ? ` on ${hosts.length > 3 ? `${hosts.slice(0, 3).join(", ")} and ${hosts.length - 3} more` : hosts.join(", ")}` : "";
  return [
    {
      message: `${n} processes${on} each printed their own nccl-tests header, listing the same rank numbers (each is Rank 0 of a job of its own): they were launched together but ran as separate jobs, so no collective spanned their GPUs and the bandwidth is not the multi-process one.`,
      evidence: best.ev.slice(0, 4),
      remediation: [
        "Build nccl-tests with MPI support against the MPI of the launcher (`make MPI=1 MPI_HOME=<that MPI>`; for srun, an MPI with PMIx and `srun --mpi=pmix`), then check that the header lists Rank 0 to N-1 once.",
        "On one node without MPI, run a single process that drives all GPUs instead (`-g <GPUs per node>`).",
      ],
    },
  ];
});
export const check = rule.check;
