import { formatBytes } from "../input/sources.js";

/** Inputs smaller than this finish before a bar would help. */
export const PROGRESS_MIN_BYTES = 50 * 1024 * 1024;

/** A bar only on an interactive terminal, for big inputs, unless the terminal is dumb or the user said no. */
export function wantsProgress(stream: { isTTY?: boolean }, totalBytes: number, env: NodeJS.ProcessEnv = process.env): boolean {
  if (!stream.isTTY || env.TERM === "dumb" || env.CI) return false;
  return totalBytes >= PROGRESS_MIN_BYTES;
}

export interface ProgressFrame {
  done: number;
  total: number;
  elapsedMs: number;
  /** columns available */
  width: number;
}

/** One line: `[#####·····]  42%  168.0 MiB / 400.0 MiB  85.3 MiB/s  0:03 left`. Pure, for tests. */
export function renderProgress({ done, total, elapsedMs, width }: ProgressFrame): string {
  const ratio = total > 0 ? Math.min(1, done / total) : 0;
  const rate = elapsedMs > 0 ? (done * 1000) / elapsedMs : 0;
  const left = rate > 0 && total > done ? (total - done) / rate : 0;
  const tail = `${String(Math.floor(ratio * 100)).padStart(3)}%  ${formatBytes(Math.min(done, total))} / ${formatBytes(total)}  ${formatBytes(Math.round(rate))}/s  ${rate > 0 || done >= total ? clock(left) : "-:--"} left`;
  const barWidth = Math.max(0, Math.min(30, width - tail.length - 4));
  if (barWidth < 5) return tail.slice(0, Math.max(0, width - 1));
  const filled = Math.round(ratio * barWidth);
  return `[${"#".repeat(filled)}${"·".repeat(barWidth - filled)}]  ${tail}`;
}

function clock(seconds: number): string {
  const s = Math.ceil(seconds);
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const sec = String(s % 60).padStart(2, "0");
  return h ? `${h}:${String(m).padStart(2, "0")}:${sec}` : `${m}:${sec}`;
}

export interface Progress {
  add(n: number): void;
  /** erases the bar */
  end(): void;
}

/** A bar redrawn at most every `intervalMs` on `stream` (stderr), erased at the end; a no-op when not wanted. */
export function createProgress(stream: NodeJS.WriteStream, totalBytes: number, opts: { env?: NodeJS.ProcessEnv; intervalMs?: number; now?: () => number } = {}): Progress {
  if (!wantsProgress(stream, totalBytes, opts.env)) return { add() {}, end() {} };
  const now = opts.now ?? Date.now;
  const interval = opts.intervalMs ?? 100;
  const start = now();
  let done = 0;
  let last = 0;
  let drawn = false;
  return {
    add(n) {
      done += n;
      const t = now();
      if (t - last < interval) return;
      last = t;
      drawn = true;
      stream.write(`\r${renderProgress({ done, total: totalBytes, elapsedMs: t - start, width: stream.columns || 80 })}\x1b[K`);
    },
    end() {
      if (drawn) stream.write("\r\x1b[K");
    },
  };
}
