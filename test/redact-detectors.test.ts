import { describe, expect, it } from "vitest";
import { DETECTORS, Redactor } from "../src/redact/redact.js";

/**
 * Issue 17 items 3 and 4: redaction is a table of detectors, each with texts it must redact (and the part that
 * must be gone) and near-misses it must leave alone. Every example runs through the whole redactor (all detectors
 * in order), as a report's strings do.
 */
const fresh = () => {
  const r = new Redactor({ models: true });
  r.learnHosts(["node7"]);
  return r;
};

describe("redaction detectors", () => {
  it("every detector documents what it finds; the ones that read text carry examples both ways", async () => {
    for (const d of DETECTORS) {
      expect(d.what.length, d.id).toBeGreaterThan(10);
      if (d.id === "model") continue;
      expect(d.redacts.length, d.id).toBeGreaterThan(0);
      expect(d.keeps.length, d.id).toBeGreaterThan(0);
      expect(d.pattern.global, d.id).toBe(true);
    }
  });

  for (const d of DETECTORS) {
    if (!d.redacts.length && !d.keeps.length) continue;
    it(`${d.id}: redacts its examples, keeps its near-misses`, async () => {
      for (const [text, gone] of d.redacts) {
        const out = fresh().text(text);
        expect(out, `${d.id}: ${text} -> ${out}`).not.toContain(gone);
        expect(out).not.toBe(text);
      }
      for (const text of d.keeps) expect(fresh().text(text), `${d.id} keeps ${text}`).toBe(text);
    });
  }

  it("a version-shaped string is never an address: not after a version word, not under a version key", async () => {
    const r = fresh();
    expect(r.text("vLLM v0.10.1.1 on 10.0.0.7")).toBe("vLLM v0.10.1.1 on 192.0.2.1");
    expect(r.value({ version: "0.10.1.1", vllmVersion: "1.2.3.4", hostIp: "1.2.3.4" })).toEqual({ version: "0.10.1.1", vllmVersion: "1.2.3.4", hostIp: "192.0.2.2" });
  });

  it("a known host's domain goes with it; inside a file name it is replaced, the file's ending kept", async () => {
    const r = new Redactor();
    r.learnHosts(["gpu-node-07"]);
    expect(r.text("gpu-node-07.corp.example.com and gpu-node-07 and logs/gpu-node-07_rank0.log and gpu-node-07.log")).toBe("host-1 and host-1 and logs/host-1_rank0.log and host-1.log");
  });

  it("the same secret or host gets the same pseudonym everywhere; pseudonyms are not redacted again", async () => {
    const r = fresh();
    const once = r.text("HF_TOKEN=hf_AbCdEfGhIjKlMnOpQrStUvWx --api-key hf_AbCdEfGhIjKlMnOpQrStUvWx MASTER_ADDR=db.corp.example db.corp.example");
    expect(once).toBe("HF_TOKEN=redacted-secret-1 --api-key redacted-secret-1 MASTER_ADDR=host-2 host-2");
    expect(r.text(once)).toBe(once);
  });

  it("linear on long tails: 64 K characters of each detector's own shapes in well under a second", async () => {
    const shapes = ["a-", "a.", "a=", "a:", "1.", "1:", "ab:", "-", "x@", "eyJ", "hf_", "home/", "://", "--a ", "Bearer ", "f:"];
    const r = fresh();
    const cpu = process.cpuUsage();
    for (const s of shapes) r.text(s.repeat(Math.ceil(65_536 / s.length)));
    const used = process.cpuUsage(cpu);
    expect((used.user + used.system) / 1000).toBeLessThan(2000);
  });
});

describe("--redact plants: every class, every format, the step summary, stderr", async () => {
  const { mkdtempSync, readFileSync, rmSync, writeFileSync } = await import("node:fs");
  const { tmpdir } = await import("node:os");
  const { join } = await import("node:path");
  const { analyze, mergeableStateOf } = await import("../src/analyze.js");
  const { FORMATS, loadRenderer } = await import("../src/commands/analyze.js");
  const { prepareReport } = await import("../src/redact/prepare.js");
  const { runCliHere } = await import("./helpers/cli.js");

  /** one planted value per class of issue 17 item 4 (and the older ones), each a needle that must not survive */
  const PLANT: Record<string, string> = {
    email: "jane.doe@corp-mail.example.com",
    httpsCreds: "https://svc-user:Pa55w0rdX@proxy.corp.example:3128/x",
    redisCreds: "redis://:r3disPassw0rd@cache-1:6379",
    postgres: "postgres://dbadmin:pgSecret9@db.corp.example/app",
    fqdn: "ldap.corp.example",
    masterAddr: "MASTER_ADDR=head-node.cluster.local",
    node: "node17.cluster.local",
    bearer: "AUTHORIZATION: BEARER QWERTYsecret987",
    githubPat: "github_pat_11ABCDEFG0123456789_abcdefghijklmnop",
    glpat: "glpat-AbCdEf0123456789xYzW",
    jwt: "eyJhbGciOiJIUzI1NiJ9.c2VjcmV0LXBheWxvYWQ.ZmFrZXNpZw",
    aws: "AWS_SECRET_ACCESS_KEY=wJalrXUtnFEMIK7MDENGbPxRfiCY",
    relHome: "home/alice/venv/bin/python",
    winHome: "C:\\Users\\frank\\logs",
    ipv6: "eth0:fe80::a00:27ff:fe4e:66a1%eth0<0>",
    ipv4: "10.42.7.11",
    mac: "00:1a:2b:3c:4d:5e",
    hf: "hf_AbCdEfGhIjKlMnOpQrStUvWxYz",
    sk: "sk-proj-9f8e7d6c5b4a39281706f5e4",
  };
  /** the part of each planted value that must be gone */
  const NEEDLES = ["jane.doe", "corp-mail", "Pa55w0rdX", "svc-user", "r3disPassw0rd", "pgSecret9", "dbadmin", "ldap.corp", "corp.example", "head-node", "node17", "QWERTYsecret987", "11ABCDEFG0123456789", "AbCdEf0123456789xYzW", "c2VjcmV0LXBheWxvYWQ", "wJalrXUtnFEMIK7MDENGbPxRfiCY", "alice", "frank", "27ff:fe4e", "10.42.7.11", "2b:3c:4d", "AbCdEfGhIjKlMnOpQrStUvWxYz", "9f8e7d6c5b4a39281706f5e4", "gpu-node-07"];

  const dir = mkdtempSync(join(tmpdir(), "vd-plant-"));
  const log = join(dir, "gpu-node-07_rank0.log");
  writeFileSync(
    log,
    [
      "INFO 07-25 10:11:10 [api_server.py:1395] vLLM API server version 0.10.1.1",
      "gpu-node-07.corp.example.com:1234:1234 [0] NCCL INFO NCCL version 2.21.5+cuda12.4",
      ...Object.values(PLANT).map((v, i) => `gpu-node-07:1234:${1300 + i} [0] misc/socket.cc:${i + 1} NCCL WARN failure near ${v} here`),
      "",
    ].join("\n"),
  );
  const analysis = await analyze([log]);
  const rendered = async (format: string, redact: boolean) => {
    const out = prepareReport(analysis.report, { format, mergeable: mergeableStateOf(analysis), events: analysis.events, withEvents: format === "ndjson", redact });
    return (await loadRenderer(format))(out.report, { color: false, events: out.events });
  };

  it("the planted values are in the report unredacted (the test can fail)", async () => {
    const json = await rendered("json", false);
    for (const n of NEEDLES) expect(json, n).toContain(n.replace(/\\/g, "\\\\"));
  });

  it("no planted value survives --redact in any of the formats or the GitHub step summary; the version stays", async () => {
    const summary = join(dir, "summary.md");
    writeFileSync(summary, "");
    const saved = process.env.GITHUB_STEP_SUMMARY;
    process.env.GITHUB_STEP_SUMMARY = summary;
    try {
      for (const format of Object.keys(FORMATS)) {
        const out = await rendered(format, true);
        for (const n of NEEDLES) expect(out, `${format} leaks ${n}`).not.toContain(n);
      }
    } finally {
      if (saved === undefined) delete process.env.GITHUB_STEP_SUMMARY;
      else process.env.GITHUB_STEP_SUMMARY = saved;
    }
    const sum = readFileSync(summary, "utf8");
    expect(sum.length).toBeGreaterThan(50);
    for (const n of NEEDLES) expect(sum, `step summary leaks ${n}`).not.toContain(n);
    const json = JSON.parse(await rendered("json", true));
    expect(json.facts.vllm.version).toBe("0.10.1.1");
    expect(json.facts.nccl.version).toBe("2.21.5");
  });

  it("CLI: stderr messages and file names are redacted too", async () => {
    const missing = join(dir, "jane.doe@corp-mail.example.com", "gpu-node-07.log");
    const r = await runCliHere(["analyze", log, missing, "--redact", "--format", "json"]);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/^vllm-doctor: no such file or directory \(.*email-1@example\.invalid\/host-1\.log\)\n$/);
    for (const n of NEEDLES) expect(r.stderr + r.stdout, `leaks ${n}`).not.toContain(n);
    rmSync(dir, { recursive: true, force: true });
  });
});

describe("docs", () => {
  it("docs/hostile-input.md lists every redaction detector", async () => {
    const { readFileSync } = await import("node:fs");
    const doc = readFileSync("docs/hostile-input.md", "utf8");
    for (const d of DETECTORS) expect(doc, d.id).toContain(`| \`${d.id}\` |`);
  });
});
