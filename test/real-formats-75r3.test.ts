import { describe, expect, it } from "vitest";
import { eachWrapped, ids } from "./rules/analyze-text.js";
import type { Report } from "../src/model.js";

/**
 * Formats found in round 75r3 of real logs (PyTorch, Ray and nccl-tests trackers). ray.util.collective's NCCL groups run
 * on CuPy's NCCL bindings, so their failures surface as CuPy's `NcclError`, and Ray's driver re-raises a failed task as
 * `ray.exceptions.RayTaskError(NcclError): ray::Worker.method() (pid=…, ip=…)`: that line names NCCL as the cause but no
 * NCCL code, and a paste that starts below the traceback's header got no finding at all. It is now nccl/error's. Every
 * log text here is written for the test in the printed layout, under wrappers the logs did not all show.
 */

const WRAPS: [string, (l: string) => string][] = [
  ["plain", (l) => l],
  ["kubectl --timestamps", (l) => `2026-12-07T05:40:11.204417200Z ${l}`],
  ["docker compose", (l) => `trainer-1  | ${l}`],
  ["Ray", (l) => `(Learner pid=9120, ip=10.20.0.7) ${l}`],
];

const eachWrap = (lines: string[], check: (r: Report, at: string) => void) => eachWrapped(WRAPS, lines, check);

describe("ray.util.collective's NCCL failures (CuPy's NcclError under Ray's task error)", () => {
  it("a RayTaskError(NcclError) line, its traceback's header cut off, is an NCCL error and the first error", async () => {
    await eachWrap(
      [
        '  File "/srv/app/.venv/lib/python3.11/site-packages/ray/_private/worker.py", line 2661, in get',
        "    raise value.as_instanceof_cause()",
        "ray.exceptions.RayTaskError(NcclError): ray::Learner.sync_weights() (pid=9120, ip=10.20.0.7, actor_id=5f0e77aa01000000, repr=<trainer.Learner object at 0x7f00c0ffee00>)",
        '  File "/srv/app/trainer.py", line 88, in sync_weights',
        "    collective.broadcast(self.w",
      ],
      (r, at) => {
        expect(ids(r, "error"), at).toContain("nccl/error");
        expect(r.facts.firstError?.line, at).toBe(3);
        expect(r.facts.firstError?.text, at).toContain("RayTaskError(NcclError)");
      },
    );
  });

  it("CuPy's own line names the code: invalid usage stays nccl/error's, internal error goes to the specific rule", async () => {
    await eachWrap(
      [
        "Traceback (most recent call last):",
        '  File "cupy_backends/cuda/libs/nccl.pyx", line 283, in cupy_backends.cuda.libs.nccl.NcclCommunicator.__init__',
        "cupy_backends.cuda.libs.nccl.NcclError: NCCL_ERROR_INVALID_USAGE: invalid usage",
      ],
      (r, at) => {
        expect(ids(r, "error"), at).toContain("nccl/error");
        expect(r.findings.find((f) => f.ruleId === "nccl/error")?.message, at).toContain("invalid usage");
        expect(r.facts.firstError?.line, at).toBe(3);
      },
    );
    await eachWrap(
      ["cupy.cuda.nccl.NcclError: NCCL_ERROR_INTERNAL_ERROR: internal error"],
      (r, at) => {
        expect(ids(r, "error"), at).toContain("nccl/internal-error");
        expect(ids(r, "error"), at).not.toContain("nccl/error");
      },
    );
  });

  it("near misses: the class in a code listing, an except clause, an import", async () => {
    await eachWrap(
      [
        "from cupy.cuda.nccl import NcclError",
        "class NcclError(RuntimeError):",
        "    try:",
        "        comm.allReduce(a, b, n, t, op, s)",
        "    except NcclError: pass",
        "    raise NcclError(status)",
      ],
      (r, at) => {
        expect(ids(r), at).not.toContain("nccl/error");
        expect(r.facts.firstError, at).toBeNull();
      },
    );
  });
});

describe("the HPC-X RDMA plugin under its own name in connection lines", () => {
  it("`via NET/NCCL RDMA Plugin v6/0/GDRDMA/Shared` counts as InfiniBand with GPU Direct RDMA", async () => {
    await eachWrap(
      [
        "gpu-a:4100:4160 [0] NCCL INFO Channel 00/1 : 3[0] -> 0[1] [receive] via NET/NCCL RDMA Plugin v6/0/GDRDMA/Shared",
        "gpu-a:4101:4161 [1] NCCL INFO Channel 00/1 : 1[0] -> 2[1] [send] via NET/NCCL RDMA Plugin v6/0(0)/GDRDMA/Shared",
        "gpu-a:4100:4160 [0] NCCL INFO Channel 01/1 : 0[1] -> 1[0] via P2P/CUMEM",
        "gpu-b:5200:5230 [0] NCCL INFO Channel 00/1 : 0[1] -> 2[1] [receive] via NET/NCCL RDMA Plugin v6/0/GDRDMA/Shared",
        "gpu-a:4100:4160 [0] NCCL INFO Channel 02/",
      ],
      (r, at) => {
        expect(r.facts.nccl.transports?.["NET/IB/GDRDMA"], at).toBe(3);
        expect(r.facts.nccl.transports?.["P2P/CUMEM"], at).toBe(1);
        expect(r.facts.nccl.gdr, at).toBe(true);
        expect(r.facts.nccl.ranks, at).toBe(4);
        expect(r.facts.nccl.nodes, at).toBe(2);
      },
    );
  });
});
