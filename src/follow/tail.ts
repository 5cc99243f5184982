import { promises as fs } from "node:fs";
import { PassThrough } from "node:stream";
import { analyzeSource, buildReport, type Analysis, type AnalyzeOptions } from "../analyze.js";
import type { Event } from "../events/index.js";
import type { Finding } from "../facts/schema.js";
import type { FactState } from "../facts/state.js";
import { describeFsError, InputError, type InputSource } from "../input/sources.js";

export interface FollowOptions {
  /** stop once the file has not grown for this long (absent: only `signal` stops) */
  untilIdleMs?: number;
  /** how often the file's size is checked */
  pollMs?: number;
  /** how often the rules are re-run, when something new was read */
  rulesEveryMs?: number;
  /** each finding the first time it appears */
  onFinding?: (f: Finding) => void;
  /** things worth telling the user while following (the file was truncated, ...) */
  onNotice?: (message: string) => void;
  /** stops following (Ctrl-C) */
  signal?: AbortSignal;
  analyze?: AnalyzeOptions;
}

const READ_BYTES = 1 << 20;

/** A finding is "the same" while its rule and first evidence line stay the same (its message may count up). */
export function findingKey(f: Finding): string {
  const e = f.evidence[0];
  return `${f.ruleId}\u0000${e ? `${e.file}:${e.line}` : f.title}`;
}

/**
 * Tails a growing log: reads what is there, then what is appended, re-running the rules on the state so far
 * every `rulesEveryMs` when it changed, and resolves with the final analysis when stopped.
 */
export async function followFile(path: string, opts: FollowOptions = {}): Promise<Analysis & { failures: { path: string; message: string }[] }> {
  const pollMs = opts.pollMs ?? 200;
  const rulesEveryMs = opts.rulesEveryMs ?? 1000;
  const handle = await fs.open(path, "r").catch((e) => {
    throw new InputError(describeFsError(e), path);
  });
  if (!(await handle.stat()).isFile()) {
    await handle.close();
    throw new InputError("--follow needs a regular file", path);
  }
  const feed = new PassThrough({ highWaterMark: READ_BYTES });
  const source: InputSource = { name: path, path, open: async () => feed };
  let latest: { state: FactState; events: readonly Event[] } | undefined;
  let changed = false;
  const analysis = analyzeSource(source, 0, {
    ...opts.analyze,
    onBatch: (state, events) => {
      latest = { state, events };
      changed = true;
    },
  });

  const seen = new Set<string>();
  const announce = (state: FactState, events: readonly Event[]) => {
    for (const f of buildReport(state, [...events], opts.analyze?.rules).findings) {
      const key = findingKey(f);
      if (seen.has(key)) continue;
      seen.add(key);
      opts.onFinding?.(f);
    }
  };

  let offset = 0;
  let lastGrowth = Date.now();
  let lastRules = 0;
  const buf = Buffer.alloc(READ_BYTES);
  try {
    while (!opts.signal?.aborted) {
      const size = (await handle.stat()).size;
      if (size < offset) {
        opts.onNotice?.(`${path} was truncated; reading it again from the start`);
        offset = 0;
      }
      while (offset < size && !opts.signal?.aborted) {
        const { bytesRead } = await handle.read(buf, 0, Math.min(READ_BYTES, size - offset), offset);
        if (bytesRead === 0) break;
        offset += bytesRead;
        lastGrowth = Date.now();
        if (!feed.write(Buffer.from(buf.subarray(0, bytesRead)))) await new Promise((r) => feed.once("drain", r));
      }
      const now = Date.now();
      if (changed && latest && now - lastRules >= rulesEveryMs) {
        changed = false;
        lastRules = now;
        announce(latest.state, latest.events);
      }
      if (opts.untilIdleMs !== undefined && now - lastGrowth >= opts.untilIdleMs) break;
      await sleep(pollMs, opts.signal);
    }
  } finally {
    feed.end();
    await handle.close();
  }
  const part = await analysis;
  announce(part.state, part.events);
  const failures = part.state.inputs.filter((i) => i.error).map((i) => ({ path: i.path, message: i.error! }));
  return { report: buildReport(part.state, part.events, opts.analyze?.rules), state: part.state, events: part.events, failures };
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const t = setTimeout(done, ms);
    signal?.addEventListener("abort", done, { once: true });
    function done() {
      clearTimeout(t);
      signal?.removeEventListener("abort", done);
      resolve();
    }
  });
}
