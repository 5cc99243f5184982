import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { analyze } from "../../src/analyze.js";
import type { Report } from "../../src/facts/schema.js";
import { evaluateGate, parseGateSpec } from "../../src/gate/check.js";
import { toSarif } from "../../src/report/sarif.js";
import { ROOT } from "./cli.js";

/**
 * SARIF of reports of every shape the CLI writes (findings, gate results with and without the fact, user rules), for
 * test/sarif-github.test.ts and the multitool's check of them (test/scale/sarif-multitool.test.ts).
 */
export async function sarifReports() {
  const tmp = mkdtempSync(join(tmpdir(), "vd-sarif-gh-"));
  async function reportOf(text: string, name: string, gate?: Parameters<typeof parseGateSpec>[0], rules?: Parameters<typeof analyze>[1]["rules"]): Promise<Report> {
    const path = join(tmp, name);
    writeFileSync(path, text);
    const { report } = await analyze([path], { rules });
    return gate ? { ...report, gate: evaluateGate(report, parseGateSpec(gate)) } : report;
  }
  const sample = (name: string) => readFileSync(join(ROOT, "samples", name), "utf8");
  const oom = await reportOf(sample("cuda-oom.log"), "oom.log", { require: ["kvCache.tokens>=5000000", "vllm.version>=0.99", "config.model==x"], maxWarnings: 0, failOn: "warning" });
  const ray = await reportOf(sample("ray-tp8-pp2-two-nodes.log"), "ray.log", { requireTransport: ["NET/Socket"], forbidTransport: ["NET/IB"], require: ["nccl.transports.NET/IB<=1"] });
  const user = await reportOf("INFO 01-01 00:00:00 [x.py:1] hello\nERROR 01-01 00:00:01 [x.py:2] quota exceeded for team A\n", "user.log", { failOn: "info" }, {
    userRules: [
      { id: "team/quota", severity: "warning", title: "Quota exceeded", message: "seen {count}×", remediation: ["Ask for more quota."], pattern: /quota exceeded/, docs: "https://wiki.example.com/quota" },
      { id: "team/no-page", severity: "info", title: "No KV cache line", message: "missing", remediation: [], when: { fact: "kvCache.tokens", op: "missing" } },
    ],
  });
  const docs = { oom: toSarif(oom) as any, ray: toSarif(ray) as any, user: toSarif(user) as any };
  return { tmp, docs, oom, ray, user };
}
