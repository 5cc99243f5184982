import { describe, expect, it } from "vitest";
import { analyzeText, ids, eachWrapped } from "./rules/analyze-text.js";
import type { Report } from "../src/model.js";

/**
 * Formats met in round 80r39 (vLLM and NCCL logs as managed platforms and notebooks deliver them: SageMaker notebooks and
 * training hosts, Azure ML and Azure NC VMs, Colab, DJL Serving's PyProcess wrapper, Ray Serve and Ray Serve LLM, BentoML,
 * llmos, kubectl). The tool read all but one of the round's problems at first sight; the one it said nothing about was Ray
 * Serve's controller warning that a replica of a vLLM deployment cannot be scheduled: `Deployment '…' in application '…'
 * [has] 1 replicas that have taken more than 30s to be scheduled. … Resources required for each replica: [{"CPU": 1.0,
 * "GPU": 0.1}], total resources available: {}.`, there inside one of Ray's JSON-structured log records. Every log text
 * here is written for the test.
 */

const WRAPS: [string, (l: string) => string][] = [
  ["plain", (l) => l],
  ["kubets", (l) => `2026-03-04T08:15:22.731204518Z ${l}`],
  ["mpi-tag", (l) => `[1,0]<stdout>:${l}`],
];

const eachWrap = (lines: string[], check: (r: Report, at: string) => void) => eachWrapped(WRAPS, lines, check);
const RULE = "vllm/ray-insufficient-resources";

const scheduled = (needs: string, has: string) =>
  `(ServeController pid=4410) WARNING 2026-03-04 08:15:22,731 controller 4410 -- Deployment 'LLMServer:llama-8b' in application 'llms' has 1 replicas that have taken more than 30s to be scheduled. This may be due to waiting for the cluster to auto-scale or for a runtime environment to be installed. Resources required for each replica: ${needs}, total resources available: ${has}. Use \`ray status\` for more details.`;

describe("Ray Serve's controller on a replica of a vLLM deployment it cannot schedule", () => {
  const lines = [
    "INFO 2026-03-04 08:14:50,102 serve 3981 -- Started Serve in namespace \"serve\".",
    "(ServeController pid=4410) INFO 2026-03-04 08:14:52,337 controller 4410 -- Adding 1 replica to Deployment(name='LLMServer:llama-8b', app='llms').",
    scheduled('[{"CPU": 1.0}, {"GPU": 1.0, "accelerator_type:L4": 0.001}]', "{}"),
  ];
  it("is a warning naming what the replica asks for and what the cluster has, behind wrappers and CRLF", async () => {
    await eachWrap(lines, (r, at) => {
      expect(ids(r, "warning"), at).toContain(RULE);
      expect(ids(r, "error"), at).toEqual([]);
      const f = r.findings.find((x) => x.ruleId === RULE);
      expect(f?.message, at).toMatch(/^Ray Serve cannot schedule a replica of the vLLM deployment: each replica asks for \[\{"CPU": 1\.0\}, \{"GPU": 1\.0, "accelerator_type:L4": 0\.001\}\] and the cluster has nothing free/);
      expect(f?.evidence.map((e) => e.line), at).toEqual([3]);
    });
  });
  it("reads it inside Ray's JSON-structured record (the message field) and in Ray 2.0's wording", async () => {
    const json = JSON.stringify({
      levelname: "WARNING", asctime: "2026-03-04 08:15:22,731", component_name: "controller", component_id: "4410",
      message: "deployment_state.py:2152 - Deployment 'VLLMDeployment:qwen' in application 'default' 1 replicas that have taken more than 30s to be scheduled. This may be due to waiting for the cluster to auto-scale or for a runtime environment to be installed. Resources required for each replica: [{\"CPU\": 1.0, \"GPU\": 0.5}], total resources available: {\"CPU\": 3.0}. Use `ray status` for more details.",
    });
    for (const eol of ["\n", "\r\n"]) {
      const r = await analyzeText(json + eol);
      expect(ids(r), JSON.stringify(eol)).toEqual([RULE]);
      expect(r.findings[0].severity).toBe("warning");
      expect(r.findings[0].message).toMatch(/asks for \[\{"CPU": 1\.0, "GPU": 0\.5\}\] and the cluster has \{"CPU": 3\.0\} free/);
    }
    const old = "(ServeController pid=77) WARNING 2022-09-01 10:00:00,000 controller 77 deployment_state.py:1515 - Deployment \"VLLMDeployment\" has 1 replicas that have taken more than 30s to be scheduled. This may be caused by waiting for the cluster to auto-scale, or waiting for a runtime environment to install. Resources required for each replica: {\"CPU\": 1.0, \"GPU\": 1.0}, resources available: {\"CPU\": 6.0}.";
    await eachWrap([old], (r, at) => expect(ids(r), at).toEqual([RULE]));
  });
  it("leaves a slow constructor, a replica that asks for no GPU, and a wait the engine got past", async () => {
    // (the same controller line with a GPU asked for and no engine progress after it is read)
    expect(ids(await analyzeText(lines.join("\n") + "\n"))).toContain(RULE);
    const slow = "(ServeController pid=4410) WARNING 2026-03-04 08:15:22,731 controller 4410 -- Deployment 'LLMServer:llama-8b' in application 'llms' has 1 replicas that have taken more than 30s to initialize. This may be caused by a slow __init__ or reconfigure method.";
    await eachWrap([slow], (r, at) => expect(ids(r), at).not.toContain(RULE));
    await eachWrap([scheduled('{"CPU": 1.0}', '{"GPU": 4.0}')], (r, at) => expect(ids(r), at).not.toContain(RULE));
    const past = [
      ...lines,
      "(ServeReplica:llms:LLMServer:llama-8b pid=4702) INFO 03-04 08:16:40 [kv_cache_utils.py:716] GPU KV cache size: 120,864 tokens",
    ];
    await eachWrap(past, (r, at) => expect(ids(r), at).not.toContain(RULE));
  });
});
