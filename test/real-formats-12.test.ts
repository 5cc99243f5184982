import { describe, expect, it } from "vitest";
import { analyzeText, ids } from "./rules/analyze-text.js";

/**
 * Formats found in a twelfth round of real pastes (NCCL 2.3–2.27 under Ray, mpirun, vLLM, sglang) that the corpus does
 * not hold. Every log text here is written for the test, in the format's shape, with variants the pastes did not show.
 */

describe("an ibverbs call failing with a socket-like errno text (`Call to ibv_modify_qp failed with 110 Connection timed out`)", () => {
  it("is an IB error, not a bootstrap/socket connect failure, in the 2.27 form under a timestamp", async () => {
    const text = [
      "gpu-a:100:200 [5] NCCL INFO NET/IB : Using [0]mlx5_0:1/RoCE [1]mlx5_1:1/RoCE [RO]; OOB eth0:10.0.0.5<0>",
      "[2026-01-02 03:04:05] gpu-a:100:200 [5] ibvwrap.c:262 NCCL WARN Call to ibv_modify_qp failed with 110 Connection timed out, on dev mlx5_1:1, curr state INIT, next state RTR, local GID index 3, local GID ::ffff:10.0.0.5, remote GID ::ffff:10.0.1.9",
      "gpu-a:100:200 [5] NCCL INFO transport/net_ib.cc:1000 -> 2",
      "",
    ].join("\n");
    const r = await analyzeText(text);
    expect(ids(r, "error")).toContain("nccl/ib-error");
    expect(ids(r)).not.toContain("nccl/bootstrap-failure");
    expect(r.facts.nccl.firstWarn?.line).toBe(2);
  });

  it("holds for the older `failed with error <text>` form with another errno, while a real socket connect still is a bootstrap failure", async () => {
    const older = "node-3:77:88 [2] misc/ibvwrap.cc:284 NCCL WARN Call to ibv_modify_qp failed with error No route to host errno 113\r\n";
    const r = await analyzeText(older);
    expect(ids(r, "error")).toContain("nccl/ib-error");
    expect(ids(r)).not.toContain("nccl/bootstrap-failure");
    const socket = [
      "(RayWorkerWrapper pid=9, ip=10.0.0.2) node-3:77:88 [2] misc/socket.cc:533 NCCL WARN socketPollConnect: Connect to 10.0.0.4<5000> returned 113(No route to host) errno 115(Operation now in progress)",
      "(RayWorkerWrapper pid=9, ip=10.0.0.2) node-3:77:88 [2] NCCL INFO bootstrap.cc:285 -> 2",
      "",
    ].join("\n");
    expect(ids(await analyzeText(socket), "error")).toContain("nccl/bootstrap-failure");
  });
});
