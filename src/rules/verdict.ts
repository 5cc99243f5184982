import type { Facts, Finding, InputInfo } from "../facts/schema.js";
import { formatNumber } from "../util/number-format.js";

/*
 * The answer first: one or two sentences that say what is wrong and what to do first, or that the run is healthy
 * with its headline facts. Built from the ordered findings (src/rules/order.ts): the first error that nothing
 * else explains is the root cause.
 */

const fmt = formatNumber;

/** How the verdict starts when the log holds an error but no finding is an error or a warning. */
export const UNEXPLAINED_ERROR_LEAD = "Error with no known cause at ";
/** how a verdict of no failure but no sign of health either starts: a start-up the log stops in, a few lines of a run */
export const NO_FAILURE_LEAD = "No failure in ";

const clip = (s: string, max: number) => (s.length <= max ? s : `${s.slice(0, max - 1).replace(/\s+\S*$/, "")}\u2026`);

/**
 * How many NCCL ranks the run has and on how many nodes, as the log shows them. `nccl.ranks` counts the ranks whose
 * numbers the lines show; a communicator's own `nranks` can name more (one node's or one rank's lines of a wider
 * run), and a rank sits on one node, so fewer ranks than nodes means the lines do not number every node's ranks:
 * `2 ranks (1 in the log) on 2 nodes`, `2 nodes (1 rank numbered in the log)`, never `1 rank on 2 nodes`.
 */
export function ranksOnNodes(n: Facts["nccl"]): { ranks: number | null; nodes: number | null; inLog: string; phrase: string } {
  const seen = n.ranks;
  const comms = n.communicators ?? [];
  const widest = Math.max(0, ...comms.map((c) => c.nranks ?? 0));
  const known = seen !== null || widest > 0 ? Math.max(seen ?? 0, widest) : null;
  const nodes = n.nodes;
  const s = (k: number, w: string) => `${fmt(k, 0)} ${w}${k === 1 ? "" : "s"}`;
  if (known !== null && nodes !== null && known < nodes) {
    const inLog = `${s(known, "rank")} numbered in the log`;
    return { ranks: null, nodes, inLog, phrase: `${s(nodes, "node")} (${inLog})` };
  }
  const part = seen !== null && known !== null && seen < known;
  const inLog = part ? `${fmt(seen, 0)} in the log` : "";
  // (no communicator states nNodes: the nodes are the hosts of the lines, which the ranks not in the log may not be on)
  if (part && nodes !== null && !comms.some((c) => c.nNodes !== null && c.nNodes !== undefined)) {
    return { ranks: known, nodes, inLog, phrase: `${s(known, "rank")} (${inLog}, on ${s(nodes, "node")})` };
  }
  const ranks = known === null ? "ranks not shown" : `${s(known, "rank")}${inLog ? ` (${inLog})` : ""}`;
  const phrase = nodes === null ? (known === null ? "not shown" : ranks) : known === null ? `${s(nodes, "node")}, ranks not shown` : `${ranks} on ${s(nodes, "node")}`;
  return { ranks: known, nodes, inLog, phrase };
}

/** The few facts that identify a run, as short phrases (absent facts are left out). */
export function keyFacts(f: Facts): string[] {
  const out: string[] = [];
  const progs = f.dialects?.filter((d) => d.name === "sglang" || d.name === "tgi" || d.name === "trtllm" || d.name === "lmdeploy" || d.name === "pytorch" || d.name === "ray").map((d) => d.label) ?? [];
  if (f.vllm.version || f.vllm.engine) out.push(`vLLM${f.vllm.version ? ` ${f.vllm.version}` : ""}${f.vllm.engine ? ` (${f.vllm.engine.toUpperCase()} engine)` : ""}`);
  // only the executor is known (`[ray_executor.py:538] ...` lines): still a vLLM log, not one with nothing recognised
  else if (f.config.executorBackend) out.push(`vLLM (${f.config.executorBackend} executor)`);
  /** the phrase that names vLLM (its version, engine or executor), when one was pushed */
  const identity = out.length === 1 ? out[0] : null;
  out.push(...progs);
  const par = [
    f.config.tensorParallelSize !== null ? `TP ${f.config.tensorParallelSize}` : null,
    f.config.pipelineParallelSize !== null && f.config.pipelineParallelSize !== 1 ? `PP ${f.config.pipelineParallelSize}` : null,
    f.config.dataParallelSize !== null && f.config.dataParallelSize !== 1 ? `DP ${f.config.dataParallelSize}` : null,
  ].filter(Boolean);
  if (f.config.model) out.push(`${f.config.model}${par.length ? ` on ${par.join(" × ")}` : ""}`);
  else if (par.length) out.push(par.join(" × "));
  // (mixed GPUs, `A + B`, are counted together: `3 GPUs: A + B`, not `3× A + B`)
  if (f.gpu.name) out.push(f.gpu.name.includes(" + ") ? `${f.gpu.count ? `${f.gpu.count} GPUs: ` : ""}${f.gpu.name}` : `${f.gpu.count ? `${f.gpu.count}× ` : ""}${f.gpu.name}`);
  if (f.kvCache.tokens !== null) {
    const conc = f.kvCache.maxConcurrency !== null ? ` (${fmt(f.kvCache.maxConcurrency)}x at ${f.kvCache.tokensPerRequest !== null ? fmt(f.kvCache.tokensPerRequest, 0) : "max_model_len"} tokens per request)` : "";
    out.push(`KV cache ${fmt(f.kvCache.tokens, 0)} tokens${conc}`);
  } else if (f.kvCache.maxConcurrency !== null) out.push(`maximum concurrency ${fmt(f.kvCache.maxConcurrency)}x`);
  const n = f.nccl;
  // connection lines with no network named (one node's P2P/SHM, a paste of `Channel` lines only): the kinds they use,
  // and the ranks of a paste with only comm or Init lines
  const kinds = Object.entries(n.transports ?? {}).filter(([, c]) => c > 0).sort(([, a], [, b]) => b - a).map(([k]) => k);
  const via = !n.net && kinds.length ? ` via ${kinds.length > 1 ? `${kinds.slice(0, -1).join(", ")} and ${kinds[kinds.length - 1]}` : kinds[0]}` : "";
  // (an nccl-tests run's ranks are its own summary's: its header lists them)
  if (n.version || n.net || via || (n.ranks !== null && !f.bench.ncclTests)) {
    // (one node's log of a multi-node run: its hosts are all the log shows, not all the run has)
    const partOf = n.nodes === 1 && n.multiNode ? " in the log, of a multi-node run" : "";
    const rn = ranksOnNodes(n).phrase;
    const where = n.ranks !== null ? `, ${rn}${n.nodes !== null && !rn.endsWith(")") ? partOf : ""}` : "";
    // RCCL (ROCm's NCCL) keeps NCCL's release numbers: `RCCL 2.18.3` is no NCCL 2.18.3 build
    const library = f.dialects?.find((d) => d.name === "nccl")?.library ?? "NCCL";
    // (a network named, yet some node pairs connect over sockets: a node that lost its RDMA devices)
    const socketPairs = n.net && n.net !== "Socket" ? (n.nodePairs ?? []).filter((p) => p.scope === "inter" && (p.kinds["NET/Socket"] ?? 0) > 0).length : 0;
    const mixed = socketPairs > 0 ? ` (${socketPairs} node pair${socketPairs === 1 ? "" : "s"} over TCP sockets)` : "";
    out.push(`${library}${n.version ? ` ${n.version}` : ""}${n.net ? ` over ${n.net}` : via}${n.gdr === true ? " with GPU Direct RDMA" : ""}${mixed}${where}`);
  }
  const b = f.bench;
  const nt = b.ncclTests;
  if (nt) {
    // a paste cut before the footer still has its rows or its device lines: those are what it shows
    const name = `nccl-tests${nt.collective ? ` ${nt.collective}` : ""}`;
    if (nt.avgBusbwGBs !== null && nt.avgBusbwGBs !== undefined) out.push(`${name}: average bus bandwidth ${fmt(nt.avgBusbwGBs)} GB/s`);
    else if (nt.maxBusbwGBs !== null && nt.maxBusbwGBs !== undefined) out.push(`${name}: peak bus bandwidth ${fmt(nt.maxBusbwGBs)} GB/s (no average: the footer is not in the log)`);
    else if (nt.ranks !== null && nt.ranks !== undefined) out.push(`${name}: ${nt.ranks} rank${nt.ranks === 1 ? "" : "s"} listed, no result rows`);
    // a paste cut after the test's own opening lines (`# Collective test starting: X`, the nThread settings line)
    else if (nt.collective || (nt.nThreads !== null && nt.nThreads !== undefined)) out.push(`${name}: started, no rank or result rows in the log`);
  }
  if (b.serve?.requestThroughput !== null && b.serve?.requestThroughput !== undefined) out.push(`benchmark: ${fmt(b.serve.requestThroughput)} requests/s${b.serve.failedRequests ? `, ${b.serve.failedRequests} failed` : ""}`);
  // a block cut above its throughput rows still counts its requests
  else if (b.serve?.successfulRequests !== null && b.serve?.successfulRequests !== undefined)
    out.push(`benchmark: ${fmt(b.serve.successfulRequests, 0)} successful request${b.serve.successfulRequests === 1 ? "" : "s"}${b.serve.failedRequests !== null && b.serve.failedRequests !== undefined ? `, ${fmt(b.serve.failedRequests, 0)} failed` : ""} (no throughput row in the log)`);
  // a paste of the block's lower rows only (a tail from a metric section, two rows quoted alone): what it holds
  else if (b.serve) {
    const s = b.serve;
    const held = ([[s.outputThroughput, "output tokens/s", ""], [s.meanTtftMs, "ms", "mean TTFT "], [s.meanTpotMs, "ms", "mean TPOT "], [s.meanItlMs, "ms", "mean ITL "]] as const)
      .filter(([v]) => v !== null && v !== undefined)
      .slice(0, 2)
      .map(([v, unit, what]) => `${what}${fmt(v as number)} ${unit}`);
    if (held.length) out.push(`benchmark: ${held.join(", ")} (rows of a result block without its request rows)`);
  }
  if (b.throughput?.requestsPerS !== null && b.throughput?.requestsPerS !== undefined) out.push(`throughput benchmark: ${fmt(b.throughput.requestsPerS)} requests/s`);
  if (b.latency?.avgLatencyS !== null && b.latency?.avgLatencyS !== undefined) out.push(`latency benchmark: ${fmt(b.latency.avgLatencyS)} s average`);
  // a window of the server's periodic stats lines alone (no banner, nothing but the engine the lines' own header file
  // tells): what they show is read
  const r = f.runtime;
  const alone = !out.length || (identity !== null && out.length === 1);
  if (alone && r && r.statsLines > 0) {
    const load = [
      r.running ? `up to ${fmt(r.running.max, 0)} running` : null,
      r.waiting ? `${fmt(r.waiting.max, 0)} waiting` : null,
      r.gpuKvUsagePct ? `GPU KV cache usage up to ${fmt(r.gpuKvUsagePct.max)}%` : null,
    ].filter(Boolean);
    const head = out.length ? out.pop()! : "vLLM";
    out.push(`${head} server stats: ${fmt(r.statsLines, 0)} line${r.statsLines === 1 ? "" : "s"}${load.length ? ` (${load.join(", ")})` : ""}`);
  }
  return out;
}

/**
 * The first sentence of a message (a dot inside a number, an address or a file name does not end one, nor one inside a
 * quoted `code span`: a log line quoted in the message, `Assertion error ... n % 64 == 0`, is part of its sentence).
 */
export function firstSentence(s: string): string {
  const text = s.trim();
  const end = /(?<!\be\.g|\bi\.e|\bvs)[.!?](?=\s+\S|\s*$)/g;
  for (let m = end.exec(text); m; m = end.exec(text)) {
    // inside a code span when an odd number of backticks stands before it and one closes it later
    const ticks = text.slice(0, m.index).split("`").length - 1;
    if (ticks % 2 === 1 && text.indexOf("`", m.index) !== -1) continue;
    return text.slice(0, m.index + 1);
  }
  return text;
}

// a remediation that introduces a list ends in ":"; alone in the verdict it ends as a sentence
const ensureStop = (s: string) => (/[.!?]$/.test(s) ? s : `${s.replace(/:$/, "")}.`);

/** The rule ids a finding explains, directly or through others. */
export function consequencesOf(root: Finding, findings: readonly Finding[]): Finding[] {
  const reached = new Set([root.ruleId]);
  const out: Finding[] = [];
  for (const f of findings) {
    if (f === root || !f.causedBy?.some((c) => reached.has(c))) continue;
    reached.add(f.ruleId);
    out.push(f);
  }
  return out;
}

/** One or two sentences: what is wrong and what to do first; or healthy, with the headline facts. */
export function verdictOf(facts: Facts, findings: readonly Finding[], inputs: readonly InputInfo[]): string {
  if (inputs.length > 0 && inputs.every((i) => i.error && i.lines === 0)) return `Nothing could be read: ${inputs[0].error}.`;
  // every input failed part-way (a truncated .gz): what was read is judged, and the verdict says it is a part
  if (inputs.length > 0 && inputs.every((i) => i.error)) return `Read only in part (${inputs[0].error}). ${verdictOf(facts, findings, [])}`;
  const lead = findings.find((f) => f.severity === "error") ?? findings.find((f) => f.severity === "warning");
  if (lead) {
    const label = lead.severity === "error" ? "Failed" : "Works, with a warning";
    const first = lead.remediation[0];
    const explained = consequencesOf(lead, findings);
    const others = findings.filter((f) => f !== lead && f.severity === lead.severity && !explained.includes(f));
    const ids = explained.map((f) => f.ruleId);
    const about = [
      `${lead.ruleId}${ids.length ? `, which explains ${ids.length > 1 ? `${ids.slice(0, -1).join(", ")} and ${ids[ids.length - 1]}` : ids[0]}` : ""}`,
      others.length ? `${others.length} other ${lead.severity}${others.length === 1 ? "" : "s"} below` : "",
    ].filter(Boolean).join("; ");
    return `${label} (${about}): ${ensureStop(firstSentence(lead.message))}${first ? ` First: ${ensureStop(firstSentence(first))}` : ""}`;
  }
  const facts_ = keyFacts(facts);
  const notes = findings.length ? ` (${findings.length} note${findings.length === 1 ? "" : "s"} below)` : "";
  // an error no rule explains is not health (one NCCL went on from is, one the server became ready after, and one a
  // note cites): the reader is sent to the line
  const e = facts.firstError ?? null;
  const ready = facts.server?.readyLine ?? null;
  const outlived = e !== null && ready !== null && ready.file === e.file && ready.line > e.line;
  const at = (ev: { file: string; line: number }) => e !== null && ev.file === e.file && ev.line === e.line;
  const explained = findings.some((f) => f.evidence.some(at)) || facts.recovered?.some((r) => at(r.failure)) === true;
  if (e && !outlived && !explained) {
    return `${UNEXPLAINED_ERROR_LEAD}${e.file}:${e.line} (no rule of the catalog explains it: read that line and the ones before it${notes.replace(/^ \((.*)\)$/, "; $1")}): ${clip(e.text.trim(), 160)}`;
  }
  // no error line, but a traceback through the engine's code that the excerpt cuts before its exception line (a
  // worker's frames logged at ERROR, its last line a frame): a process failed there, so the log is not healthy
  // (a window of frames alone that a logger wrote as ERROR records is a failure's too, wherever it was)
  const cut = cutTracebackNamed(facts);
  if (cut) {
    const ev = cut.evidence;
    const when = cut.phase ?? (cut.stage === "init" ? "during start-up" : cut.stage === "runtime" ? "while serving" : cut.loggedAsError ? "logged at ERROR" : "of vLLM's engine process");
    return `${UNEXPLAINED_ERROR_LEAD}${ev.file}:${ev.line} (a traceback ${when} that the log cuts before its exception line: no rule of the catalog explains it; read the full log from there${notes.replace(/^ \((.*)\)$/, "; $1")}): ${clip(ev.text.trim(), 160)}`;
  }
  if (!facts_.length && !outlived) {
    const lines = inputs.reduce((a, i) => a + i.lines, 0);
    // a window of a program's output that states none of the facts a verdict leads with (NCCL's proxy or NVLS lines, a
    // ring's order): no failure, but nothing of the run's health either
    const programs = [...new Set((facts.dialects ?? []).map((d) => d.label))];
    if (programs.length) {
      const { these, one } = theseLines(inputs);
      const whose = programs.length > 1 ? `${programs.slice(0, -1).join(", ")} and ${programs[programs.length - 1]}` : programs[0];
      return `${NO_FAILURE_LEAD}${these} of ${whose} output, which ${one ? "states" : "state"} none of the facts a verdict leads with (a version, network, rank count, connection, model or KV cache size)${notes}.${firstWarningSentence(facts)}`;
    }
    return `Healthy as far as the log shows: no failure or warning in ${fmt(lines, 0)} line${lines === 1 ? "" : "s"}, and no vLLM, NCCL or benchmark facts were recognised${notes}.`;
  }
  const after = outlived ? ` after the error record at ${e.file}:${e.line}` : "";
  const served = facts.server?.ready ? [`the server became ready${after}`] : [];
  // a vLLM log that stops before the engine came up (a paste of the launch, or a start-up that hung) shows no failure,
  // but no health either: the reader is told where it stops
  if (startupUnfinished(facts)) {
    const launchOnly = facts.config.source === "command" && !facts.vllm.version && !facts.vllm.engine;
    const waiting = facts.server?.awaitingEngines;
    const what = launchOnly
      ? "vLLM's launch command and none of vLLM's own lines"
      : `vLLM's start-up but not its end (no KV cache size, server ready or request line${waiting !== undefined ? `; the API server was waiting for ${waiting} engine core process${waiting === 1 ? "" : "es"} to start` : ""})`;
    return `${NO_FAILURE_LEAD}the log, which shows ${what}: ${facts_.join("; ")}${notes}.${launchOnly ? "" : " If the start-up hung, the log's last line is the step it stopped at."}`;
  }
  // NCCL's set-up begun (a communicator's Init START, with its commId) and no rank's Init COMPLETE in the log: a paste cut
  // there, or a job that hung in NCCL's set-up (the usual place of a multi-node hang)
  const begun = (facts.nccl.communicators ?? []).filter((c) => c.commId !== null);
  if (begun.length > 0 && facts.nccl.initComplete === 0 && !facts.server?.ready) {
    const count = facts.nccl.communicatorCount ?? begun.length;
    return `${NO_FAILURE_LEAD}the log, which stops in NCCL's set-up (${fmt(count, 0)} communicator${count === 1 ? "" : "s"} begun, no Init COMPLETE): ${facts_.join("; ")}${notes}. If the run hung, it hung there: the last NCCL lines of each rank are the step it stopped at.`;
  }
  // a few lines out of a vLLM log's middle (a paste around the lines someone asked about) say nothing of its health
  if (vllmWindow(facts)) {
    const { these, one } = theseLines(inputs);
    return `${NO_FAILURE_LEAD}${these} of a vLLM log, which ${one ? "does" : "do"} not show the engine come up or serve (no KV cache size, server ready or request line): ${facts_.join("; ")}${notes}.`;
  }
  // warnings and no sign the run worked (a paste of the lines around PyTorch's store going away, of a deprecation):
  // no failure, but no health to speak of either; the reader is sent to the first warning
  const warning = firstWarningSentence(facts);
  if (warning && !engineUp(facts) && facts.nccl.initComplete === 0 && !benchRan(facts.bench)) {
    return `${NO_FAILURE_LEAD}the log, which shows warnings and no sign the run worked (no KV cache size, server ready, NCCL Init COMPLETE, request or benchmark result): ${facts_.join("; ")}${notes}.${warning}`;
  }
  return `Healthy: ${[...facts_, ...served].join("; ")}${notes}.`;
}

/** "this line", "these 12 lines" (of all the inputs), "these lines" (no input named) */
function theseLines(inputs: readonly InputInfo[]): { these: string; one: boolean } {
  const lines = inputs.reduce((a, i) => a + i.lines, 0);
  const one = inputs.length > 0 && lines === 1;
  return { these: one ? "this line" : inputs.length === 0 ? "these lines" : `these ${fmt(lines, 0)} lines`, one };
}

/** ` First warning at run.log:3: <its line>` for the first warning the log shows (the timeline's earliest host's, else NCCL's first WARN), or "" */
function firstWarningSentence(f: Facts): string {
  const w = f.timeline?.find((t) => t.firstWarning)?.firstWarning ?? f.nccl.firstWarn ?? null;
  return w ? ` First warning at ${w.file}:${w.line}: ${clip(w.text.trim(), 160)}` : "";
}

/** The engine came up: a KV cache size, blocks or concurrency, the server ready or its metrics, a stats, request or access line. */
function engineUp(f: Facts): boolean {
  if (f.server?.ready || (f.server?.metricsLines ?? 0) > 0) return true;
  const k = f.kvCache;
  if (k.tokens !== null || k.gpuBlocks !== null || k.maxConcurrency !== null) return true;
  const r = f.runtime;
  return !!r && (r.statsLines > 0 || (r.requests?.received ?? 0) > 0 || (r.addedRequests ?? 0) > 0 || r.http !== null);
}

/** A benchmark's result is in the log. */
function benchRan(b: Facts["bench"]): boolean {
  return b.serve !== null || b.throughput !== null || b.latency !== null || b.ncclTests !== null || b.runs.length > 0;
}

/**
 * The traceback a verdict names when the log has no error line: one the log cuts before its exception line, of the
 * engine's code (a stage or phase of the run), logged at ERROR, or of vLLM's engine process; none once the server
 * became ready.
 */
export function cutTracebackNamed(facts: Facts): NonNullable<Facts["tracebacks"]>["list"][number] | undefined {
  if (facts.firstError !== null || facts.server?.ready) return undefined;
  return facts.tracebacks?.list.find((t) => t.cut === true && (t.stage !== null || t.phase !== null || t.loggedAsError === true || t.engineProcess === true));
}

/**
 * vLLM's lines (with Ray's, PyTorch's and NCCL's that come with them) and nothing else the log is about, with no
 * sign the engine came up or served: no KV cache size, blocks or concurrency, no server ready, stats, request or
 * access line, and no NCCL or benchmark fact that would be the log's subject.
 */
function vllmOnlyBeforeServing(f: Facts): boolean {
  if (!f.dialects?.some((d) => d.name === "vllm") || f.dialects.some((d) => d.name !== "vllm" && d.name !== "ray" && d.name !== "pytorch" && d.name !== "nccl")) return false;
  if (engineUp(f)) return false;
  const n = f.nccl;
  return !n.version && !n.net && n.ranks === null && !benchRan(f.bench);
}

/** a window of a vLLM log with no line that states its configuration and no sign the engine came up (see vllmOnlyBeforeServing) */
function vllmWindow(f: Facts): boolean {
  return f.config.source === null && f.server?.awaitingEngines === undefined && vllmOnlyBeforeServing(f);
}

/**
 * The log is vLLM's start-up (its configuration stated by a banner, arguments or the command) and stops before the
 * engine was set up: no KV cache size or blocks, no server ready line, no stats or request line, and no NCCL or
 * benchmark facts beside it that would be the log's subject.
 */
function startupUnfinished(f: Facts): boolean {
  // (a window of a run's middle, with no line that states the configuration or the V1 front end's wait for the
  // engines, is no start-up at all; the memory profile's KV cache budget is the engine set up)
  if (f.config.source === null && f.server?.awaitingEngines === undefined) return false;
  return f.kvCache.availableGiB === null && vllmOnlyBeforeServing(f);
}
