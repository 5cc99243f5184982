import { describe, expect, it } from "vitest";
import { rule } from "../../../src/rules/vllm/host-oom.js";
import { run } from "../helpers.js";
import { analyzeText, ids } from "../analyze-text.js";

describe("vllm/host-oom", () => {
  it("names the process the kernel's OOM killer ended, as an error", () => {
    const f = run(rule, { lines: ["[81234.551234] Out of memory: Killed process 48213 (python3) total-vm:412345678kB, anon-rss:250123456kB, file-rss:0kB"] });
    expect(f).toHaveLength(1);
    expect(f[0].severity).toBeUndefined();
    expect(f[0].message).toContain("The kernel's OOM killer ended `python3`");
    expect(f[0].remediation[0]).toContain("dmesg");
  });
  it("a bare SIGKILL (Killed, exit code 137, torchrun's -9) is a warning: a timed-out stop sends it too", () => {
    for (const line of ["Killed", "vllm-head-1 exited with code 137", "torch.distributed.elastic.multiprocessing.api: [ERROR] failed (exitcode: -9) local_rank: 0 (pid: 4411) of binary: /usr/bin/python3"]) {
      const f = run(rule, { lines: [line] });
      expect(f.map((x) => x.severity), line).toEqual(["warning"]);
      expect(f[0].message).toContain("SIGKILL");
    }
  });
  it("Ray's memory monitor: host memory, with Ray's own checks", () => {
    const f = run(rule, { lines: ["ray.exceptions.OutOfMemoryError: Task was killed due to the node running low on memory."] });
    expect(f[0].message).toContain("Ray's memory monitor killed a task or actor");
    expect(f[0].remediation[2]).toContain("RAY_memory_usage_threshold");
  });
  it("stays quiet on words that only mention killing", () => {
    expect(run(rule, { lines: ["INFO 03-18 11:21:42 [launcher.py:80] Killed the old engine process before restarting", "Killed 3 stale processes", "vllm-head-1 exited with code 0"] })).toEqual([]);
  });
  it("end to end: a start-up killed while loading weights, bare and behind kubectl and docker compose; Ray's OOM is no CUDA OOM", async () => {
    const lines = [
      "INFO 11-20 09:14:05 [api_server.py:1805] vLLM API server version 0.10.1.1",
      "INFO 11-20 09:14:20 [gpu_model_runner.py:1843] Starting to load model org/big-model...",
      "Loading safetensors checkpoint shards:  40% Completed | 12/30 [00:41<01:02,  3.46s/it]",
      "Killed",
    ];
    const wrap = [(l: string) => l, (l: string, i: number) => `2025-11-20T09:14:0${i}.123456789Z ${l}`, (l: string) => `vllm-1  | ${l}`];
    for (const w of wrap) {
      const r = await analyzeText(lines.map(w).join("\n") + "\n");
      expect(ids(r, "warning")).toContain("vllm/host-oom");
      expect(r.findings.find((f) => f.ruleId === "vllm/host-oom")!.evidence[0].line).toBe(4);
    }
    const ray = await analyzeText("(raylet) [2025-03-01 10:00:00,000 E 512 512] (raylet) node_manager.cc:3084: 1 Workers (tasks / actors) killed due to memory pressure (OOM), 0 Workers crashed due to other reasons at node (ID: ab12, IP: 10.0.0.5) over the last time period.\nray.exceptions.OutOfMemoryError: Task was killed due to the node running low on memory.\n");
    expect(ids(ray, "error")).toEqual(["vllm/host-oom"]);
  });
});
