import { afterAll, describe, expect, it } from "vitest";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { analyze, EVENTS_KEPT } from "../src/analyze.js";
import { runCliHere } from "./helpers/cli.js";

/**
 * How many events of a kind an input keeps: a sample by default (the JSON report's state carries it), more when
 * `--events` writes them out. What the report says never depends on it: the fact state reads every line.
 */

// one node's set-up of `comms` communicators, each of its own commId but the last, which every node shares
const nodeLog = (host: string, pid: number, comms: number): string => {
  const out: string[] = [];
  for (let c = 0; c < comms; c++) {
    const comm = `0x7f${host === "node-a" ? "a" : "b"}${c.toString(16).padStart(6, "0")}`;
    const id = c === comms - 1 ? "0x1234abcd5678ef00" : `0x${host === "node-a" ? "a" : "b"}${c.toString(16).padStart(15, "0")}`;
    for (const phase of ["START", "COMPLETE"])
      out.push(`${host}:${pid}:${pid} [0] NCCL INFO ncclCommInitRank comm ${comm} rank ${host === "node-a" ? 0 : 1} nranks 2 cudaDev 0 nvmlDev 0 busId 1b000 commId ${id} - Init ${phase}`);
  }
  return out.join("\n") + "\n";
};

const dir = mkdtempSync(join(tmpdir(), "vd-events-kept-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const COMMS = 130;
const a = join(dir, "node-a.log");
const b = join(dir, "node-b.log");
writeFileSync(a, nodeLog("node-a", 4100, COMMS));
writeFileSync(b, nodeLog("node-b", 4200, COMMS));
const inits = (events: readonly { kind: string }[]) => events.filter((e) => e.kind === "nccl.init").length;

describe("events kept per kind", () => {
  it("the library keeps a sample of each kind by default, as many as asked otherwise; the facts are the same", async () => {
    const sample = await analyze([a], { jobs: 1 });
    const all = await analyze([a], { jobs: 1, maxEventsPerKind: EVENTS_KEPT.asked });
    expect(EVENTS_KEPT.sample).toBe(100);
    expect(inits(sample.events)).toBe(EVENTS_KEPT.sample);
    expect(inits(all.events)).toBe(2 * COMMS);
    expect(sample.report.facts).toEqual(all.report.facts);
    expect(sample.report.facts.nccl.initComplete).toBe(COMMS);
  });

  // (the command's options, run in this process: the built binary's own start is test/cli-in-process.test.ts's)
  it("the CLI: a JSON report's state holds the sample; `--events` writes up to EVENTS_KEPT.asked of a kind", async () => {
    const json = await runCliHere(["analyze", a, "--format", "json"]);
    expect(json.status).toBe(0);
    expect(inits(JSON.parse(json.stdout).state.events)).toBe(EVENTS_KEPT.sample);
    const nd = await runCliHere(["analyze", a, "--format", "ndjson", "--events"]);
    expect(nd.status).toBe(0);
    const events = nd.stdout.trim().split("\n").map((l) => JSON.parse(l)).filter((o) => o.type === "event");
    expect(inits(events)).toBe(2 * COMMS);
  });

  it("two nodes' logs whose only shared commId comes after the sample are still one run (the state's communicators)", async () => {
    const { report } = await analyze([a, b], { jobs: 1 });
    expect(report.runs).toBeUndefined();
    expect(report.facts.nccl.initComplete).toBe(2 * COMMS);
    // a node whose communicators share no commId with the other's is another run
    const c = join(dir, "node-c.log");
    writeFileSync(c, nodeLog("node-b", 4300, COMMS).replaceAll("0x1234abcd5678ef00", "0x9999abcd5678ef00"));
    const apart = await analyze([a, c], { jobs: 1 });
    expect(apart.report.runs?.map((r) => r.inputs)).toEqual([[a], [c]]);
  });
});
