import { promises as fs } from "node:fs";
import { PassThrough } from "node:stream";
import { analyzeSource, buildReport, type Analysis, type AnalyzeOptions } from "../analyze.js";
import type { Event } from "../events/index.js";
import type { Finding, Report } from "../facts/schema.js";
import { initState, mergeStates, type FactState } from "../facts/state.js";
import { describeFsError, InputError, type InputSource } from "../input/sources.js";

export interface FollowOptions {
  /** stop once the file has not grown for this long (absent: only `signal` stops) */
  untilIdleMs?: number;
  /** how often the file's size is checked */
  pollMs?: number;
  /** how often the rules are re-run, when something new was read */
  rulesEveryMs?: number;
  /** each finding the first time it appears */
  /** a new finding, and the report of everything read so far (which holds it) */
  onFinding?: (f: Finding, report: Report) => void;
  /** things worth telling the user while following (the file was truncated, ...) */
  onNotice?: (message: string) => void;
  /** stops following (SIGINT, SIGTERM) */
  signal?: AbortSignal;
  analyze?: AnalyzeOptions;
}

const READ_BYTES = 1 << 20;

/**
 * The findings already printed while following, so each is printed once. A finding stays "the same" while its rule
 * stays the same and it keeps any of its evidence lines: its message may count up, and its first evidence line may
 * change as lines arrive (nccl/socket-fallback cites the `NET/Socket` line first, then the inter-node connection that
 * came after it). A finding of a rule that fired before, none of whose evidence lines is that of a finding printed,
 * is new only when the rule now has more findings than were printed for it (else its evidence moved on).
 */
export class ShownFindings {
  /** per rule, the evidence places (file, line) of each finding printed */
  private readonly shown = new Map<string, Set<string>[]>();

  /** the findings of this report not printed before, in the report's order */
  take(findings: readonly Finding[]): Finding[] {
    const byRule = new Map<string, Finding[]>();
    for (const f of findings) byRule.set(f.ruleId, [...(byRule.get(f.ruleId) ?? []), f]);
    const fresh = new Set<Finding>();
    for (const [rule, now] of byRule) {
      const before = this.shown.get(rule) ?? [];
      const used = new Set<Set<string>>();
      const unmatched: Finding[] = [];
      for (const f of now) {
        const places = placesOf(f);
        const same = before.find((s) => !used.has(s) && places.some((p) => s.has(p)));
        if (same) {
          used.add(same);
          for (const p of places) same.add(p);
        } else unmatched.push(f);
      }
      for (const f of unmatched) {
        const moved = before.find((s) => !used.has(s));
        if (moved) {
          used.add(moved);
          for (const p of placesOf(f)) moved.add(p);
          continue;
        }
        before.push(new Set(placesOf(f)));
        fresh.add(f);
      }
      this.shown.set(rule, before);
    }
    return findings.filter((f) => fresh.has(f));
  }

  /** a file's evidence now goes by another name (an earlier generation of a rotated log) */
  rename(from: string, to: string): void {
    for (const sets of this.shown.values())
      for (const s of sets)
        for (const p of [...s])
          if (p.startsWith(`${from}\u0000`)) {
            s.delete(p);
            s.add(to + p.slice(from.length));
          }
  }
}

const placesOf = (f: Finding): string[] => (f.evidence.length ? f.evidence.map((e) => `${e.file}\u0000${e.line}`) : [`\u0000${f.title}`]);

/** What the first bytes of a file say it is compressed with, or null for text. */
function compressedAs(b: Buffer): string | null {
  if (b.length >= 2 && b[0] === 0x1f && b[1] === 0x8b) return "gzip";
  if (b.length >= 4 && b.readUInt32LE(0) === 0xfd2fb528) return "zstd";
  if (b.length >= 6 && b.subarray(0, 6).equals(Buffer.from([0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00]))) return "xz";
  if (b.length >= 3 && b.toString("latin1", 0, 3) === "BZh") return "bzip2";
  return null;
}

/** One file the path named, from its first line: a rotation or truncation starts the next. */
interface Generation {
  feed: PassThrough;
  analysis: Promise<{ state: FactState; events: Event[] }>;
  latest?: { state: FactState; events: readonly Event[] };
  /** its first bytes were checked for compression */
  checked: boolean;
  head: Buffer;
}

/**
 * Tails a growing log the way `tail -F` does, and resolves with the final analysis when stopped:
 *  - reads what is there, then what is appended, re-running the rules on the state so far every `rulesEveryMs`;
 *  - a file that is not there yet is waited for;
 *  - copytruncate (the file shrinks) and rename-and-recreate (the path names another file; what was left of the
 *    old one is read first) start a new generation whose lines are numbered from 1 again. The final report keeps
 *    the path for the file there now and names each earlier generation `<path> (before rotation N)`;
 *  - a compressed file is refused (an input error): --follow reads plain text.
 */
export async function followFile(path: string, opts: FollowOptions = {}): Promise<Analysis & { failures: { path: string; message: string }[] }> {
  const pollMs = opts.pollMs ?? 200;
  const rulesEveryMs = opts.rulesEveryMs ?? 1000;
  const started = Date.now();
  let lastGrowth = started;
  const idle = () => opts.untilIdleMs !== undefined && Date.now() - lastGrowth >= opts.untilIdleMs;

  /** the file at `path` (waiting while there is none), or null when stopped first */
  const openWhenThere = async (announce: boolean): Promise<fs.FileHandle | null> => {
    for (let said = !announce; ; ) {
      try {
        // (a FIFO is refused before it is opened: opening one waits for a writer, past --until-idle and any signal)
        if (!(await fs.stat(path)).isFile()) throw new InputError("--follow needs a regular file", path);
        const h = await fs.open(path, "r");
        if (!(await h.stat()).isFile()) {
          await h.close();
          throw new InputError("--follow needs a regular file", path);
        }
        return h;
      } catch (e) {
        if (e instanceof InputError) throw e;
        if ((e as NodeJS.ErrnoException).code !== "ENOENT") throw new InputError(describeFsError(e), path);
      }
      if (!said) {
        opts.onNotice?.(`waiting for ${path} to appear`);
        said = true;
      }
      if (opts.signal?.aborted || idle()) return null;
      await sleep(pollMs, opts.signal);
    }
  };

  let handle = await openWhenThere(true);
  if (!handle) throw new InputError(describeFsError({ code: "ENOENT" }), path);

  const finished: { state: FactState; events: Event[] }[] = [];
  let changed = false;
  const start = (): Generation => {
    const feed = new PassThrough({ highWaterMark: READ_BYTES });
    const source: InputSource = { name: path, path, open: async () => feed };
    const g: Generation = { feed, checked: false, head: Buffer.alloc(0), analysis: undefined as never };
    g.analysis = analyzeSource(source, 0, {
      ...opts.analyze,
      onBatch: (state, events) => {
        g.latest = { state, events };
        changed = true;
      },
    });
    // awaited when the generation ends; until then a failure must not surface as an unhandled rejection
    g.analysis.catch(() => {});
    return g;
  };
  let gen = start();
  let rotations = 0;
  const shown = new ShownFindings();
  /** ends the current generation; an earlier one is renamed so its lines are not taken for the new file's */
  const finish = async (): Promise<void> => {
    gen.feed.end();
    const part = await gen.analysis;
    const name = `${path} (before rotation ${++rotations})`;
    finished.push(relabel(part, path, name));
    // (its findings were printed under the file's name: under the new one they are the same findings)
    shown.rename(path, name);
  };

  const announce = (parts: { state: FactState; events: readonly Event[] }[]) => {
    let state = initState();
    for (const p of parts) state = mergeStates(state, p.state);
    const report = buildReport(state, opts.analyze?.rules);
    for (const f of shown.take(report.findings)) opts.onFinding?.(f, report);
  };

  let offset = 0;
  let lastRules = 0;
  const buf = Buffer.alloc(READ_BYTES);
  /** feeds what the handle holds past `offset` to the current generation (which must not be compressed) */
  const readOn = async (h: fs.FileHandle, size: number): Promise<void> => {
    while (offset < size) {
      const { bytesRead } = await h.read(buf, 0, Math.min(READ_BYTES, size - offset), offset);
      if (bytesRead === 0) break;
      const bytes = Buffer.from(buf.subarray(0, bytesRead));
      if (!gen.checked) {
        gen.head = Buffer.concat([gen.head, bytes]).subarray(0, 6);
        if (gen.head.length >= 6 || offset + bytesRead >= size) {
          gen.checked = true;
          const kind = compressedAs(gen.head);
          if (kind) throw new InputError(`--follow reads a plain-text log, and this one is ${kind}-compressed (analyze it without --follow)`, path);
        }
      }
      offset += bytesRead;
      lastGrowth = Date.now();
      if (!gen.feed.write(bytes)) await new Promise((r) => gen.feed.once("drain", r));
    }
  };
  try {
    while (!opts.signal?.aborted) {
      const st = await handle.stat();
      if (st.size < offset) {
        opts.onNotice?.(`${path} was truncated; reading it again from line 1`);
        await finish();
        gen = start();
        offset = 0;
        // (a rotation is the file changing, as rename-and-recreate below: --until-idle waits for the new one's lines)
        lastGrowth = Date.now();
      }
      await readOn(handle, st.size);
      // rename-and-recreate: the path now names another file, or none (the new one may come a moment later)
      const now = await fs.stat(path).catch(() => null);
      if (!now || now.ino !== st.ino || now.dev !== st.dev) {
        await readOn(handle, (await handle.stat()).size);
        const next = now?.isFile() ? await fs.open(path, "r").catch(() => null) : null;
        if (next && (await next.stat()).isFile()) {
          opts.onNotice?.(`${path} was replaced by a new file (log rotation); reading the new one from line 1`);
          await handle.close();
          handle = next;
          await finish();
          gen = start();
          offset = 0;
          lastGrowth = Date.now();
          continue;
        }
        await next?.close();
      }
      const t = Date.now();
      if (changed && t - lastRules >= rulesEveryMs) {
        changed = false;
        lastRules = t;
        announce([...finished, ...(gen.latest ? [gen.latest] : [])]);
      }
      if (idle()) break;
      await sleep(pollMs, opts.signal);
    }
    // stopped (Ctrl-C, SIGTERM, idle): the report is of the file as it is now, with what came since the last look
    // (a signal while the command was starting gave the report of no line of it)
    const now = await handle.stat();
    if (now.size >= offset) await readOn(handle, now.size);
  } catch (e) {
    gen.feed.destroy();
    await gen.analysis.catch(() => {});
    throw e;
  } finally {
    gen.feed.end();
    await handle.close();
  }
  finished.push(await gen.analysis);
  announce(finished);
  let state = initState();
  const events: Event[] = [];
  for (const p of finished) {
    const at = state.inputs.length;
    state = mergeStates(state, p.state);
    for (const e of p.events) events.push(at === 0 ? e : { ...e, input: e.input + at });
  }
  const report = buildReport(state, opts.analyze?.rules);
  if (rotations) (report.notices ??= []).push(`${path} was rotated or truncated ${rotations === 1 ? "once" : `${rotations} times`} while followed; what it held before is reported as '${path} (before rotation N)', its lines numbered from 1 in each`);
  const failures = state.inputs.filter((i) => i.error).map((i) => ({ path: i.path, message: i.error! }));
  return { report, state, events, failures };
}

/** The analysis of an earlier generation, with every string that named the file renamed (inputs, evidence). */
function relabel<T>(part: T, from: string, to: string): T {
  return JSON.parse(JSON.stringify(part), (_k, v) => (v === from ? to : v)) as T;
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
