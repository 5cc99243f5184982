import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { Redactor, redactReport } from "../src/redact/redact.js";
import { renderMarkdown } from "../src/report/markdown.js";
import { renderHtml } from "../src/report/html.js";
import { renderSarif } from "../src/report/sarif.js";
import { renderJunit } from "../src/report/junit.js";
import { renderGithub } from "../src/report/github.js";
import { renderNdjson } from "../src/report/ndjson.js";
import { renderJson } from "../src/report/json.js";
import { renderText } from "../src/report/text.js";
import { ReportSchema } from "../src/facts/schema.js";
import { runCliHere } from "./helpers/cli.js";
import { PLANTED, sampleReport } from "./report-fixture.js";

const RENDERERS: Record<string, (r: ReturnType<typeof sampleReport>, events: unknown[]) => string> = {
  text: (r) => renderText(r, { color: false }),
  json: (r) => renderJson(r),
  markdown: (r) => renderMarkdown(r),
  html: (r) => renderHtml(r),
  sarif: (r) => renderSarif(r),
  junit: (r) => renderJunit(r),
  github: (r) => renderGithub(r),
  ndjson: (r, events) => renderNdjson(r, { events }),
};

const SECRETS = [PLANTED.hfToken, PLANTED.openaiKey, PLANTED.bearer, PLANTED.apiKey, PLANTED.hostA, PLANTED.hostB, PLANTED.ipA, PLANTED.ipB, PLANTED.user];
/** each secret, plus a distinctive middle part, so that a secret cut in two is caught too */
const needles = (list: string[]) => list.flatMap((s) => [s, s.slice(Math.floor(s.length / 4), Math.floor((3 * s.length) / 4))]).filter((s) => s.length >= 4);

describe("redaction of a report with planted secrets", () => {
  const events = [
    { kind: "nccl.connection", ev: { file: `/home/${PLANTED.user}/a.log`, line: 9, text: `${PLANTED.hostA}:1:1 [0] NCCL INFO via NET/Socket ${PLANTED.ipA}` }, origin: { host: PLANTED.hostB, ip: PLANTED.ipB }, input: 0 },
  ];
  const { report, events: redEvents } = redactReport(sampleReport(), events, { models: true });

  for (const [format, render] of Object.entries(RENDERERS)) {
    it(`no secret survives in ${format}`, async () => {
      const out = render(report, redEvents);
      for (const s of needles([...SECRETS, PLANTED.model])) expect(out, `${format} leaks ${s}`).not.toContain(s);
    });
  }

  it("the unredacted report does hold them (the test can fail)", async () => {
    const out = renderJson(sampleReport());
    for (const s of SECRETS) expect(out).toContain(s);
  });

  it("keeps pseudonyms consistent across files, ranks, node pairs and evidence", async () => {
    const n = report.facts.nccl;
    expect(n.hosts).toEqual(["host-1", "host-2"]);
    expect(n.nodePairs.map((p) => [p.a, p.b])).toEqual([["host-1", "host-1"], ["host-1", "host-2"], ["host-2", "host-2"]]);
    expect(n.rankMap.map((r) => r.host)).toEqual(["host-1", "host-2"]);
    expect(report.inputs.map((i) => i.path)).toEqual(["/home/user-1/runs/host-1.log", "/home/user-1/runs/host-2.log"]);
    expect(report.facts.config.masterAddr).toBe("192.0.2.1");
    expect(report.facts.distributed.hostIp).toBe("192.0.2.1");
    expect(report.facts.firstError!.text).toBe("host-2:3310:3310 [8] NCCL WARN Net : Connect to 192.0.2.1<43511> failed : Connection refused");
    // the same secret gets the same placeholder wherever it appears
    const m = /^Command line: vllm serve model-1 --api-key (redacted-secret-\d+) --hf-token (redacted-secret-\d+) OPENAI_API_KEY=(redacted-secret-\d+)$/.exec(report.findings[1].message);
    expect(m).not.toBeNull();
    const [, apiKey, hfToken, openai] = m!;
    expect(new Set([apiKey, hfToken, openai]).size).toBe(3);
    expect(report.findings[1].evidence[0].text).toBe(`args: Namespace(model='model-1', api_key='${apiKey}', host='192.0.2.2')`);
    expect(report.findings[0].evidence[1].text).toMatch(/^\(RayWorkerWrapper pid=3310, ip=192\.0\.2\.2\) Authorization: Bearer redacted-secret-\d+ /);
    expect(n.env.HF_TOKEN).toBe(hfToken);
    expect(redEvents[0]).toMatchObject({ origin: { host: "host-2", ip: "192.0.2.2" }, ev: { file: "/home/user-1/a.log" } });
    expect(ReportSchema.safeParse(report).success).toBe(true);
  });

  it("leaves models alone without --redact-models, and facts that are no secret", async () => {
    const plain = redactReport(sampleReport()).report;
    expect(plain.facts.config.model).toBe(PLANTED.model);
    expect(plain.facts.nccl.version).toBe("2.21.5");
    expect(plain.facts.kvCache.tokens).toBe(1310000);
    expect(plain.facts.nccl.transports).toEqual({ "P2P/IPC": 96, "NET/Socket": 8 });
  });

  it("--redact-models: a model in a home folder is model-N as a whole, in the facts and every line that names it", async () => {
    const dir = mkdtempSync(join(tmpdir(), "vd-redact-model-"));
    const log = join(dir, "run.log");
    writeFileSync(log, "INFO 07-25 10:11:12 [utils.py:326] non-default args: {'model': '/home/alice/llama-70b', 'tensor_parallel_size': 2}\n");
    const r = await runCliHere(["analyze", log, "--format", "json", "--redact", "--redact-models"]);
    const report = JSON.parse(r.stdout);
    expect(report.facts.config.model).toBe("model-1");
    expect(r.stdout).not.toContain("alice");
    expect(r.stdout).not.toContain("llama-70b");
    expect(r.stdout).toContain("non-default args: {'model': 'model-1', 'tensor_parallel_size': 2}");
  });

  it("recognizes the secret and address shapes", async () => {
    const r = new Redactor();
    r.learnHosts(["node7"]);
    const cases: [string, string][] = [
      ["Authorization: bearer abcdef123456", "Authorization: bearer redacted-secret-1"],
      ["--api-key=topsecret99 --port 8000", "--api-key=redacted-secret-2 --port 8000"],
      ["'api_key': ['k-9999999']", "'api_key': ['redacted-secret-3']"],
      ["api_key=None token: null", "api_key=None token: null"],
      ["max_num_batched_tokens=8192 tokens: 5", "max_num_batched_tokens=8192 tokens: 5"],
      ["node7:12:12 [0] NCCL INFO node70 node7.cluster", "host-1:12:12 [0] NCCL INFO node70 host-1"],
      ["ip-10-0-1-23.ec2.internal and 10.0.1.23:29500 and 127.0.0.1 and 0.0.0.0", "host-2 and 192.0.2.1:29500 and 127.0.0.1 and 0.0.0.0"],
      ["[fe80::1ff:fe23:4567:890a%eth0] ::1 10:11:12 c10d::ProcessGroup", "[2001:db8::2%eth0] ::1 10:11:12 c10d::ProcessGroup"],
      ["/Users/ann/x and /home/ann/y and /root/z", "/Users/user-1/x and /home/user-1/y and /root/z"],
      ["NCCL version 2.21.5+cuda12.4 1,310,000 tokens", "NCCL version 2.21.5+cuda12.4 1,310,000 tokens"],
    ];
    for (const [input, want] of cases) expect(r.text(input), input).toBe(want);
  });
});

describe("--redact on the command line", () => {
  const tmp = mkdtempSync(join(tmpdir(), "vd-redact-"));
  const log = join(tmp, `${PLANTED.hostA}.log`);
  writeFileSync(
    log,
    [
      `INFO 07-25 10:11:11 [api_server.py:1395] vLLM API server version 0.9.1`,
      `INFO 07-25 10:11:11 [utils.py:326] non-default args: {'model': '${PLANTED.model}', 'api_key': '${PLANTED.apiKey}', 'host': '${PLANTED.ipA}'}`,
      `HF_TOKEN=${PLANTED.hfToken} OPENAI_API_KEY=${PLANTED.openaiKey} curl -H "Authorization: Bearer ${PLANTED.bearer}" http://${PLANTED.ipA}:8000/v1/models`,
      `${PLANTED.hostA}:1234:1234 [0] NCCL INFO NCCL version 2.21.5+cuda12.4`,
      `${PLANTED.hostA}:1234:1250 [0] NCCL INFO NET/Socket : Using [0]eth0:${PLANTED.ipA}<0>`,
      `${PLANTED.hostA}:1235:1251 [1] NCCL INFO Channel 00/0 : 1[1] -> 2[0] [send] via NET/Socket/0`,
      `${PLANTED.hostB}:2234:2250 [2] NCCL INFO Channel 00/0 : 1[1] -> 2[0] [receive] via NET/Socket/0`,
      `${PLANTED.hostB}:2234:2250 [2] NCCL WARN Net : Connect to ${PLANTED.ipA}<43511> failed : Connection refused`,
      `ERROR 07-25 10:12:00 [core.py:500] EngineCore failed to start. /home/${PLANTED.user}/venv/lib/python3.12/site-packages/vllm/x.py`,
      "",
    ].join("\n"),
  );

  // one process per format is slow on a shared machine: the formats run in two batches of invocations
  for (const formats of [["text", "json", "markdown", "html"], ["sarif", "junit", "github", "ndjson"]]) {
    it(`finds no planted secret in ${formats.join(", ")}`, async () => {
      for (const format of formats) {
        const extra = format === "ndjson" ? ["--events"] : [];
        const r = await runCliHere(["analyze", log, "--format", format, "--redact", "--redact-models", ...extra], { env: { GITHUB_STEP_SUMMARY: "" } });
        expect(r.status, `${format}: ${r.stderr}`).not.toBe(2);
        expect(r.stdout.length).toBeGreaterThan(100);
        for (const s of needles([...SECRETS, PLANTED.model])) expect(r.stdout, `${format} leaks ${s}`).not.toContain(s);
      }
    });
  }
});
