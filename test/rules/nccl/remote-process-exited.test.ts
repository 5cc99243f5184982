import { describe, expect, it } from "vitest";
import { rule } from "../../../src/rules/nccl/remote-process-exited.js";
import { run } from "../helpers.js";
import { analyzeText } from "../analyze-text.js";

describe("nccl/remote-process-exited", () => {
  it("fires on ncclRemoteError and names the peer and rank", () => {
    const f = run(rule, { lines: ["[rank3]: torch.distributed.DistBackendError: NCCL error in: ProcessGroupNCCL.cpp:3763, remote process exited or there was a network error, NCCL version 2.28.8", "a:1:2 [1] misc/socket.cc:538 NCCL WARN Net : Connection closed by remote peer node-7<47861>"] });
    expect(f).toHaveLength(1);
    expect(f[0].message).toContain("NCCL lost a peer (node-7)");
    expect(f[0].message).toContain("rank(s) 3");
  });
  it("ignores a reset connection outside NCCL", () => {
    expect(run(rule, { lines: ["INFO: client disconnected: Connection reset by peer"] })).toEqual([]);
  });
  it("names torchrun's rank, not the task label `srun -l` wrote before it (a torchrun per node: the label numbers the node's task)", async () => {
    const lines = [
      "[rank16]:[E1106 10:02:11.123456 ProcessGroupNCCL.cpp:1590] [PG 0 (default_pg) Rank 16] Process group watchdog thread terminated with exception: NCCL error: remote process exited or there was a network error, NCCL version 2.21.5",
      "[rank16]:ncclRemoteError: A call failed possibly due to a network error or a remote process exiting prematurely.",
      "[rank16]:Last error:",
      "[rank16]:socketProgress: Connection closed by remote peer node-b<45012>",
    ];
    for (const label of ["1: ", "  1: ", "node-a: "]) {
      const r = await analyzeText(lines.map((l) => label + l).join("\n") + "\n");
      const f = r.findings.filter((x) => x.ruleId === "nccl/remote-process-exited");
      expect(f.map((x) => x.message.includes("reported by rank(s) 16.")), label).toEqual([true]);
    }
    // the default group's rank in PyTorch's own record outranks the label too (a sub-group's would not: it is its own)
    const pg = await analyzeText(["1: " + lines[0].replace(/^\[rank16\]:/, ""), "1: " + lines[1].replace(/^\[rank16\]:/, "")].join("\n") + "\n");
    expect(pg.findings.filter((x) => x.ruleId === "nccl/remote-process-exited")[0].message).toContain("reported by rank(s) 16.");
    const sub = await analyzeText(["1: " + lines[0].replace(/^\[rank16\]:/, "").replace("PG 0 (default_pg) Rank 16", "PG 3 (tp_group) Rank 2"), "1: " + lines[1].replace(/^\[rank16\]:/, "")].join("\n") + "\n");
    expect(sub.findings.filter((x) => x.ruleId === "nccl/remote-process-exited")[0].message).toContain("reported by rank(s) 1.");
    // a task label alone before a record that names no rank is still what names the rank
    const alone = await analyzeText("3: node-a:4242:4250 [0] NCCL WARN socketProgress: Connection closed by remote peer node-b<45012>\n");
    expect(alone.findings.filter((x) => x.ruleId === "nccl/remote-process-exited")[0].message).toContain("reported by rank(s) 3.");
  });
});
