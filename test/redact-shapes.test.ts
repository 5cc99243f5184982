import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { analyze, mergeableStateOf } from "../src/analyze.js";
import { FORMATS, loadRenderer } from "../src/commands/analyze.js";
import { prepareReport } from "../src/redact/prepare.js";
import { runCli } from "./helpers/cli.js";

/*
 * --redact audit, round 2: what a log names in shapes the detectors did not read, each found leaking in every format
 * (the corpus's nccl/064 has the NCCL peer, vllm/067 the shell prompt):
 * - NCCL's peer address `name<port>` with a domain none of the known endings has: the evidence, and the verdict,
 *   message and remedy built from it (`ping gpu-worker-zeta-ib.zone7.acme.quebec`);
 * - c10d's `[host]:port`, a network URL's host, and such a name again bare elsewhere in the log;
 * - a pasted shell prompt `user@host:~/dir$`;
 * - a quoted secret with blanks (`'password': 'two words here'`): only its first word went;
 * - a URL password with a `/` (an AWS secret key), after a user the AWS key id detector had already replaced;
 * - `?token=…` inside a URL: `http:` was read as a key whose value hid the token;
 * - USER=, K8S_NODE_NAME= values.
 */
const PLANT = [
  "Connection closed by remote peer gpu-worker-zeta-ib.zone7.acme.quebec<51159>",
  "The client socket has failed to connect to [trainer-master-3]:29500 (errno: 111 - Connection refused).",
  "retrying trainer-master-3 in 5 s",
  "Started on http://inference-01:8000/v1",
  "(vllmNext) pc@pc-System-Product-Name:~/data/vllm$ vllm serve Qwen/Qwen3-0.6B",
  "env: {'password': 'two words here', 'model': 'm'}",
  "downloading from s3://AKIAZ7Q4W2E8R6T5Y3U2:wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY@my-bucket/models",
  'curl "http://10.8.8.8:8000/v1/models?token=qtok123456"',
  "USER=carol_q K8S_NODE_NAME=gke-pool-a-1b2c3d4e-xyz1",
];
/** the part of each planted value that must be gone */
const NEEDLES = ["gpu-worker-zeta", "zone7", "acme.quebec", "trainer-master-3", "inference-01", "pc-System", "pc@", "two words", "words here", "K7MDENG", "bPxRfiCY", "qtok123456", "carol_q", "gke-pool"];

const dir = mkdtempSync(join(tmpdir(), "vd-redact-shapes-"));
const log = join(dir, "head.log");
writeFileSync(
  log,
  [
    "INFO 07-25 10:11:10 [api_server.py:1395] vLLM API server version 0.10.1.1",
    "gpu-head-omega:4121:4121 [0] NCCL INFO Bootstrap : Using eth0:10.55.66.77<0>",
    "gpu-head-omega:4121:4121 [0] NCCL INFO NCCL version 2.21.5+cuda12.4",
    ...PLANT.map((v, i) => `gpu-head-omega:4121:${4200 + i} [0] misc/socket.cc:${i + 1} NCCL WARN failure near ${v} here`),
    "gpu-head-omega:4121:4300 [0] NCCL WARN Net : Connect to gpu-worker-zeta-ib.zone7.acme.quebec<43511> failed : Connection refused",
    "",
  ].join("\n"),
);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("--redact: host names, users and secrets in the shapes round 2 found leaking", async () => {
  const analysis = await analyze([log]);
  const rendered = async (format: string, redact: boolean) => {
    const out = prepareReport(analysis.report, { format, mergeable: mergeableStateOf(analysis), events: analysis.events, withEvents: format === "ndjson", redact });
    return (await loadRenderer(format))(out.report, { color: false, events: out.events });
  };

  it("the planted values are in the report unredacted, the peer in the verdict and remedy too (the test can fail)", async () => {
    const json = await rendered("json", false);
    for (const n of NEEDLES) expect(json, n).toContain(n);
    const report = JSON.parse(json);
    expect(report.verdict).toContain("ping gpu-worker-zeta-ib.zone7.acme.quebec");
  });

  it("none survives --redact in any format; the peer is one pseudonym in evidence, verdict and remedy", async () => {
    for (const format of Object.keys(FORMATS)) {
      const out = await rendered(format, true);
      for (const n of NEEDLES) expect(out, `${format} leaks ${n}`).not.toContain(n);
    }
    const report = JSON.parse(await rendered("json", true));
    const peer = /ping (host-\d+)/.exec(report.verdict)?.[1];
    expect(peer).toBeDefined();
    expect(JSON.stringify(report)).toContain(`remote peer ${peer}<51159>`);
    // c10d's bracketed host, and the same name bare: one pseudonym
    const c10d = /connect to \[(host-\d+)\]:29500/.exec(JSON.stringify(report))?.[1];
    expect(c10d).toBeDefined();
    expect(JSON.stringify(report)).toContain(`retrying ${c10d} in 5 s`);
    expect(JSON.stringify(report)).toMatch(/'password': 'redacted-secret-\d+', 'model': 'm'/);
    expect(JSON.stringify(report)).toMatch(/\(vllmNext\) user-\d+@host-\d+:~\/data\/vllm\$ vllm serve Qwen\/Qwen3-0\.6B/);
    expect(report.facts.vllm.version).toBe("0.10.1.1");
  });

  it("CLI (the built command): text and JSON", async () => {
    for (const format of ["text", "json"]) {
      const r = runCli(["analyze", log, "--redact", "--format", format]);
      expect(r.status).toBe(1); // an error finding (the bootstrap failure)
      expect(r.stdout.length).toBeGreaterThan(200);
      for (const n of NEEDLES) expect(r.stdout + r.stderr, `${format} leaks ${n}`).not.toContain(n);
    }
    const plain = runCli(["analyze", log, "--format", "text"]);
    expect(plain.stdout).toContain("gpu-worker-zeta-ib.zone7.acme.quebec");
  });
});
