import { describe, expect, it } from "vitest";
import { execFileSync, spawn } from "node:child_process";
import { appendFileSync, mkdtempSync, renameSync, truncateSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { CLI, runCli, runCliHere, runJsonHere } from "./helpers/cli.js";
import { followFile, ShownFindings } from "../src/follow/tail.js";
import { catchStopSignalsEarly, onStopSignal } from "../src/follow/stop.js";
import type { Finding } from "../src/facts/schema.js";

/** Issue 6 §5: `analyze --follow FILE` tails a growing log, prints findings as they appear, then the report. */

const START = [
  "INFO 07-25 10:11:12 [api_server.py:1] vLLM API server version 0.10.1",
  "",
  "gpu-node-a:41000:41140 [0] misc/socket.cc:484 NCCL WARN socketStartConnect: Connect to 10.20.0.12<43117> failed : Connection refused",
].join("\n") + "\n";
const LATER = "ERROR 07-25 10:19:01 [core.py:700] torch.OutOfMemoryError: CUDA out of memory. Tried to allocate 2.00 GiB. GPU 0 has a total capacity of 79.19 GiB of which 1.50 GiB is free.\n";
const LIVE = /^\[\d\d:\d\d:\d\d\] (\S+)\s+(.*) \((\S+)\)  (\S+):(\d+)$/;

function waitFor(check: () => boolean, ms: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const t0 = Date.now();
    const tick = () => (check() ? resolve() : Date.now() - t0 > ms ? reject(new Error("timed out waiting")) : setTimeout(tick, 50));
    tick();
  });
}

describe("analyze --follow", () => {
  it("prints each finding when it appears while the file grows, then the final report after --until-idle", { timeout: 180_000 }, async () => {
    const dir = mkdtempSync(join(tmpdir(), "vd-follow-"));
    const log = join(dir, "server.log");
    writeFileSync(log, START);
    const child = spawn(process.execPath, [CLI, "analyze", "--follow", log, "--until-idle", "1"], { env: { ...process.env, NO_COLOR: "1" } });
    let out = "";
    let err = "";
    child.stdout.on("data", (d) => (out += d));
    child.stderr.on("data", (d) => (err += d));
    let exitedAt = 0;
    const exited = new Promise<number | null>((r) => child.on("close", (code) => ((exitedAt = Date.now()), r(code))));

    // the first finding is printed while the process still runs (it waits for more)
    await waitFor(() => out.includes("nccl/bootstrap-failure"), 60_000);
    expect(exitedAt).toBe(0);
    // keep writing: each append restarts the idle clock; the new error is printed as it appears (past the idle second
    // since the start lines were read, which was before their finding was printed)
    const keepWriting = setInterval(() => appendFileSync(log, "INFO 07-25 10:12:00 [loggers.py:1] Engine 000: Avg prompt throughput: 0.0 tokens/s\n"), 300);
    await new Promise((r) => setTimeout(r, 1100));
    appendFileSync(log, LATER);
    await waitFor(() => out.includes("vllm/cuda-oom"), 60_000);
    expect(exitedAt).toBe(0);
    clearInterval(keepWriting);
    const stoppedWriting = Date.now();
    const code = await exited;

    expect(code).toBe(1); // errors found
    expect(err).toBe("");
    // waited for 1 s of silence (the last append may have come up to 300 ms before stoppedWriting)
    expect(exitedAt - stoppedWriting).toBeGreaterThanOrEqual(650);
    const lines = out.split("\n");
    const live = lines.filter((l) => LIVE.test(l)).map((l) => LIVE.exec(l)!.slice(1));
    expect(live.map(([sev, , rule, file]) => [sev, rule, file])).toEqual([
      ["error", "nccl/bootstrap-failure", log],
      ["error", "vllm/cuda-oom", log],
    ]);
    expect(live[0][4]).toBe("3");
    // then the final report, once, after the live lines, counting every line that was written
    const reportAt = lines.findIndex((l) => l.startsWith("vllm-doctor "));
    expect(reportAt).toBeGreaterThan(lines.findIndex((l) => l.includes("vllm/cuda-oom")));
    // 3 start lines + the error + at least one of the metrics lines appended meanwhile
    expect(Number(/server\.log \((\d+) lines\)/.exec(lines[reportAt])![1])).toBeGreaterThan(4);
    expect(out.match(/^vllm-doctor /gm)).toHaveLength(1);
  });

  it("the same final report as a plain analyze of the finished file (JSON)", { timeout: 120_000 }, async () => {
    const dir = mkdtempSync(join(tmpdir(), "vd-follow2-"));
    const log = join(dir, "done.log");
    writeFileSync(log, START + LATER);
    const followed = runCli(["analyze", "--follow", log, "--until-idle", "0.5", "--format", "json"]);
    const plain = await runCliHere(["analyze", log, "--format", "json"]);
    expect(followed.status).toBe(1);
    expect(followed.stdout).toBe(plain.stdout);
    // with a machine-readable report the live lines go to stderr, so stdout stays one JSON document
    // read at once, both come in cause order (network before memory)
    expect(followed.stderr.split("\n").filter(Boolean).map((l) => LIVE.exec(l)?.[3])).toEqual(["nccl/bootstrap-failure", "vllm/cuda-oom"]);
  });

  it("--redact: the live lines use the report's pseudonyms (a file named after its host gave the host away)", () => {
    const dir = mkdtempSync(join(tmpdir(), "vd-follow-red-"));
    const log = join(dir, "gpu-node-a.log");
    writeFileSync(log, START);
    const r = runCli(["analyze", "--follow", log, "--until-idle", "0.3", "--redact"]);
    expect(r.status).toBe(1);
    const live = r.stdout.split("\n").filter((l) => LIVE.test(l));
    expect(live.map((l) => LIVE.exec(l)![4])).toEqual([join(dir, "host-1.log")]);
    expect(r.stdout).not.toMatch(/gpu-node-a|10\.20\.0\.12/);
  });

  /** the built command following START in a new folder, until its first finding is printed */
  async function followStarted(name: string, more: string[] = []) {
    const dir = mkdtempSync(join(tmpdir(), `vd-follow-${name}-`));
    const log = join(dir, "server.log");
    writeFileSync(log, START);
    const child = spawn(process.execPath, [CLI, "analyze", "--follow", log, ...more], { env: { ...process.env, NO_COLOR: "1" } });
    const seen = { out: "" };
    child.stdout.on("data", (d) => (seen.out += d));
    const exited = new Promise<[number | null, string | null]>((r) => child.on("close", (code, signal) => r([code, signal])));
    await waitFor(() => seen.out.includes("nccl/bootstrap-failure"), 60_000);
    return { log, child, seen, exited };
  }

  it("Ctrl-C (SIGINT) ends following and prints the final report", { timeout: 120_000 }, async () => {
    const { child, seen, exited } = await followStarted("int");
    expect(seen.out).not.toContain("vllm-doctor 0.1");
    child.kill("SIGINT");
    expect(await exited).toEqual([1, null]);
    expect(seen.out).toMatch(/^vllm-doctor \S+ {2}\S*server\.log \(3 lines\)$/m);
  });

  it("SIGTERM (kill, timeout, a supervisor) ends following and prints the final report, as Ctrl-C does", { timeout: 120_000 }, async () => {
    const { log, child, seen, exited } = await followStarted("term");
    // a line written just before the signal is in the report
    appendFileSync(log, LATER);
    child.kill("SIGTERM");
    expect(await exited).toEqual([1, null]);
    expect(seen.out).toMatch(/^vllm-doctor \S+ {2}\S*server\.log \(4 lines\)$/m);
  });

  it("a signal that came while the command started (for the listener there was then) stops the session when it begins", async () => {
    const listeners = process.listenerCount("SIGTERM");
    catchStopSignalsEarly();
    // (delivered to the listeners there are when the event loop next looks, after onStopSignal has run)
    process.kill(process.pid, "SIGTERM");
    let stops = 0;
    const letGo = onStopSignal(() => stops++);
    await waitFor(() => stops > 0, 10_000);
    letGo();
    expect(stops).toBe(1);
    expect(process.listenerCount("SIGTERM")).toBe(listeners);
  });

  it("a reader that closes stdout while findings are printed (| head -1): the command ends, with the status of what it found", { timeout: 120_000 }, async () => {
    const { log, child, exited } = await followStarted("pipe", ["--until-idle", "60"]);
    child.stdout.destroy();
    const t0 = Date.now();
    // its next line finds the pipe closed
    appendFileSync(log, LATER);
    expect(await exited).toEqual([1, null]);
    expect(Date.now() - t0).toBeLessThan(30_000);
  });

  it("usage errors: --follow needs one file; --until-idle needs --follow", async () => {
    expect((await runCliHere(["analyze", "--follow", "-"])).stderr).toBe("vllm-doctor: --follow reads exactly one log file\n");
    // an -o that cannot be written is refused before following, not after the session (whose report it lost)
    const dir = mkdtempSync(join(tmpdir(), "vd-follow-o-"));
    writeFileSync(join(dir, "s.log"), START);
    const t0 = Date.now();
    expect(await runCliHere(["analyze", "--follow", join(dir, "s.log"), "--until-idle", "10", "-o", join(dir, "no", "r.txt")])).toMatchObject({ status: 2, stdout: "", stderr: `vllm-doctor: cannot write the report: its folder does not exist (${join(dir, "no", "r.txt")})\n` });
    expect(await runCliHere(["analyze", "--follow", join(dir, "s.log"), "--until-idle", "10", "-o", join(dir, "s.log")])).toMatchObject({ status: 2, stderr: `vllm-doctor: cannot write the report: it is one of the inputs: write the report somewhere else (${join(dir, "s.log")})\n` });
    expect(Date.now() - t0).toBeLessThan(8000);
    // a FIFO is no file to follow: refused at once (opening it waited for a writer, past --until-idle and SIGTERM)
    const fifo = join(dir, "fifo.log");
    execFileSync("mkfifo", [fifo]);
    expect(await runCliHere(["analyze", "--follow", fifo, "--until-idle", "0.2"])).toMatchObject({ status: 2, stdout: "", stderr: `vllm-doctor: --follow needs a regular file (${fifo})\n` });
    const r = await runCliHere(["analyze", "x.log", "--until-idle", "1"]);
    expect(r.status).toBe(2);
    expect(r.stderr).toBe("vllm-doctor: --until-idle goes with --follow\n");
  });

  it("a finding keeps its identity while its message counts up and its evidence moves", () => {
    const ev = (line: number, file = "a") => ({ file, line, text: "x" });
    const f: Finding = { ruleId: "r", severity: "error", title: "t", message: "1 rank", evidence: [ev(3)], remediation: [], docs: "" };
    const shown = new ShownFindings();
    expect(shown.take([f])).toEqual([f]);
    expect(shown.take([{ ...f, message: "2 ranks" }])).toEqual([]);
    // a later line became its first evidence, the first one still cited
    expect(shown.take([{ ...f, evidence: [ev(9), ev(3)] }])).toEqual([]);
    // and then only the later one: still the rule's one finding
    expect(shown.take([{ ...f, evidence: [ev(12)] }])).toEqual([]);
    // a second finding of the rule is new, and so is another rule's on the same line
    const second = { ...f, evidence: [ev(40)] };
    const other = { ...f, ruleId: "s" };
    expect(shown.take([{ ...f, evidence: [ev(12)] }, second, other])).toEqual([second, other]);
    // the file was rotated: its evidence goes by the earlier generation's name
    shown.rename("a", "a (before rotation 1)");
    expect(shown.take([{ ...f, evidence: [ev(12, "a (before rotation 1)")] }, { ...second, evidence: [ev(40, "a (before rotation 1)")] }])).toEqual([]);
    expect(shown.take([{ ...f, evidence: [ev(12, "a (before rotation 1)")] }, { ...second, evidence: [ev(40, "a (before rotation 1)")] }, { ...f, evidence: [ev(12)] }])).toHaveLength(1);
  });

  /** follows `log` in this process, running `steps` (each after the previous one's findings were printed), then stops */
  async function followSteps(log: string, steps: (() => void)[], wantAfter: number[]) {
    const stop = new AbortController();
    const live: string[] = [];
    const notices: string[] = [];
    const done = followFile(log, { pollMs: 5, rulesEveryMs: 0, signal: stop.signal, onFinding: (f) => live.push(`${f.ruleId} ${f.evidence[0].file}:${f.evidence[0].line}`), onNotice: (m) => notices.push(m) });
    for (const [i, step] of steps.entries()) {
      await waitFor(() => live.length >= wantAfter[i], 20_000);
      step();
    }
    await waitFor(() => live.length >= wantAfter[steps.length], 20_000);
    // (time for a repeat to show)
    await new Promise((r) => setTimeout(r, 150));
    stop.abort();
    return { live, notices, result: await done };
  }

  it("--until-idle: copytruncate restarts the idle clock, as rename-and-recreate does (the new lines were lost)", async () => {
    const dir = mkdtempSync(join(tmpdir(), "vd-follow-trunc-"));
    const log = join(dir, "server.log");
    writeFileSync(log, START);
    const notices: string[] = [];
    const done = followFile(log, { pollMs: 10, rulesEveryMs: 0, untilIdleMs: 1000, onNotice: (m) => notices.push(m) });
    // quiet for 0.6 s, then logrotate's copytruncate, then the server's next line 0.7 s later
    await new Promise((r) => setTimeout(r, 600));
    truncateSync(log, 0);
    await waitFor(() => notices.length > 0, 5_000);
    await new Promise((r) => setTimeout(r, 700));
    appendFileSync(log, LATER);
    const { report } = await done;
    expect(report.inputs.map((i) => [i.path, i.lines])).toEqual([[`${log} (before rotation 1)`, 3], [log, 1]]);
    expect(report.findings.map((f) => f.ruleId)).toEqual(["nccl/bootstrap-failure", "vllm/cuda-oom"]);
  });

  it("a finding whose first evidence line changes as lines arrive is printed once", async () => {
    const dir = mkdtempSync(join(tmpdir(), "vd-follow-once-"));
    const log = join(dir, "nccl.log");
    writeFileSync(log, [
      "sh-01:98911:98911 [0] NCCL INFO Bootstrap : Using [0]enP1p1s0f0:10.30.0.127<0>",
      "sh-01:98911:98911 [0] NCCL INFO NET/Socket : Using [0]enP1p1s0f0:10.30.0.127<0>",
      "sh-03:97552:97552 [0] NCCL INFO Bootstrap : Using [0]enP1p1s0f0:10.30.0.129<0>",
      "sh-03:97552:97552 [0] NCCL INFO NET/Socket : Using [0]enP1p1s0f0:10.30.0.129<0>",
    ].join("\n") + "\n");
    const more = [
      "sh-01:98911:98923 [3] NCCL INFO Ring 00 : 3[b01000] -> 4[201000] [send] via NET/Socket/0",
      "sh-03:97552:97571 [3] NCCL INFO Ring 00 : 7[b01000] -> 0[201000] [send] via NET/Socket/0",
    ].join("\n") + "\n";
    const { live, result } = await followSteps(log, [() => appendFileSync(log, more)], [1, 1]);
    // it cited line 2 when it appeared; the report cites the connection first
    expect(live).toEqual([`nccl/socket-fallback ${log}:2`]);
    expect(result.report.findings.map((f) => [f.ruleId, f.evidence.map((e) => e.line)])).toEqual([["nccl/socket-fallback", [5, 2, 3]]]);
  });

  it("findings printed before a rotation are not printed again under the earlier generation's name", async () => {
    const dir = mkdtempSync(join(tmpdir(), "vd-follow-rot-"));
    const log = join(dir, "server.log");
    writeFileSync(log, START);
    const { live, notices, result } = await followSteps(log, [
      () => (renameSync(log, log + ".1"), writeFileSync(log, "")),
      () => appendFileSync(log, LATER),
    ], [1, 1, 2]);
    expect(live).toEqual([`nccl/bootstrap-failure ${log}:3`, `vllm/cuda-oom ${log}:1`]);
    expect(notices).toEqual([`${log} was replaced by a new file (log rotation); reading the new one from line 1`]);
    expect(result.report.findings.map((f) => `${f.ruleId} ${f.evidence[0].file}:${f.evidence[0].line}`)).toEqual([`nccl/bootstrap-failure ${log} (before rotation 1):3`, `vllm/cuda-oom ${log}:1`]);
  });
});
