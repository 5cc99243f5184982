// Runs the built library over a generated log with a million distinct hosts and ranks and prints a summary as
// JSON. test/hostile-scale.test.ts starts it under a hard V8 heap cap: if the state grew with the number of
// distinct hosts, this process would die of heap exhaustion instead of printing.
import { analyzeSource, buildReport, memorySource } from "../../dist/src/index.js";

const DISTINCT = Number(process.argv[2] ?? 1_000_000);

function* lines() {
  let batch = [];
  for (let i = 0; i < DISTINCT; i++) {
    batch.push(`node${i}:${1000 + (i % 50000)}:${2000 + (i % 50000)} [${i % 8}] NCCL INFO Channel 00/0 : ${i}[${i % 8}] -> ${i + 1}[${(i + 1) % 8}] via P2P/IPC\n`);
    if (batch.length === 1000) {
      yield Buffer.from(batch.join(""));
      batch = [];
    }
  }
  if (batch.length) yield Buffer.from(batch.join(""));
}

const part = await analyzeSource(memorySource("fleet.log", () => lines()), 0);
const report = buildReport(part.state);
process.stdout.write(
  JSON.stringify({
    lines: report.inputs[0].lines,
    p2p: report.facts.nccl.transports["P2P/IPC"],
    hosts: report.facts.nccl.hosts.length,
    rankMap: report.facts.nccl.rankMap.length,
    notices: report.notices ?? [],
    reportBytes: JSON.stringify(report).length,
  }),
);
