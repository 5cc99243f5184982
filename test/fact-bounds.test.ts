import { describe, expect, it } from "vitest";
import { analyzeLines } from "../src/analyze.js";
import { finalizeFacts } from "../src/facts/state.js";
import { MAX_VERSIONS } from "../src/facts/versions.js";
import { analyzeText, ids } from "./rules/analyze-text.js";

const traceback = (file: string, func: string, error: string) => ["Traceback (most recent call last):", `  File "${file}", line 10, in ${func}`, "    x()", error];

describe("the facts rules read instead of kept lines are bounded, and the bounds hide no finding", () => {
  it("a model-hub traceback after 40 others is still read (the first of each kind are kept), with counts of all", async () => {
    const noise = Array.from({ length: 40 }, (_, i) => traceback("/x/app.py", `handler${i}`, `ValueError: bad request ${i}`)).flat();
    const hub = traceback("/usr/lib/python3/site-packages/huggingface_hub/file_download.py", "hf_hub_download", "huggingface_hub.errors.RepositoryNotFoundError: 404 Client Error. Repository Not Found for url: https://huggingface.co/acme/nope/resolve/main/config.json.");
    const r = await analyzeText([...noise, ...hub].join("\n") + "\n");
    const t = r.facts.tracebacks!;
    expect([t.count, t.counts.hub, t.list.length]).toEqual([41, 1, 17]);
    expect(t.list.at(-1)!.libraries.hub).toEqual(["hf_hub_download"]);
    expect(t.rootCause).toEqual({ text: "ValueError: bad request 0", evidence: { file: expect.stringContaining("run.log"), line: 4, text: "ValueError: bad request 0" }, kind: null });
    expect(ids(r)).toContain("vllm/model-download");
    expect(r.findings.find((f) => f.ruleId === "vllm/model-download")!.evidence.map((e) => e.line)).toContain(164);
  });

  it("interface lists and versions keep a bounded number of entries on a fleet's log", () => {
    const lines: string[] = [];
    for (let h = 0; h < 700; h++) lines.push(`node${h}:1:1 [0] NCCL INFO Bootstrap : Using eth0:10.0.${h >> 8}.${h & 255}<0>`, `node${h}:1:1 [0] NCCL INFO NCCL version 2.${h}.1+cuda12.1`);
    const f = finalizeFacts(analyzeLines(lines).state);
    expect(f.nccl.interfaces).toHaveLength(256);
    expect(f.nccl.interfaces![0]).toEqual({ role: "Bootstrap", index: 0, name: "eth0", address: "10.0.0.0", host: "node0", count: 1, evidence: { file: "t.log", line: 1, text: lines[0] } });
    expect(f.versions!.seen).toHaveLength(MAX_VERSIONS);
  });

  it("NET/IB's out-of-band interface is an interface entry of its own role (nccl/wrong-interface reads Bootstrap and NET/Socket ones)", () => {
    const line = "gpu1:10:10 [0] NCCL INFO NET/IB : Using [0]mlx5_0:1/IB [1]mlx5_1:1/RoCE ; OOB ib0:10.1.0.5<0>";
    expect(finalizeFacts(analyzeLines([line]).state).nccl.interfaces).toEqual([{ role: "NET/IB OOB", index: 0, name: "ib0", address: "10.1.0.5", host: "gpu1", count: 1, evidence: { file: "t.log", line: 1, text: line } }]);
  });
});
