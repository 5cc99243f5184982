import { getHeapStatistics, setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";

/**
 * Keeps a long read's peak memory down. Lines read the ordinary way make much short-lived garbage (some 30 times
 * their size), and V8 lets the heap grow far past what is live before it collects. Asked with the characters read
 * the ordinary way so far (the fast path makes little garbage); every `everyBytes` of them, when the process holds
 * more than `limitBytes` and the heap `growth` times what the last collection left (at least `usedFloor`), a full
 * collection runs. A read the fast path counts seldom looks at the RSS (a look costs up to a fraction of a ms) and
 * stays below the limit. (A big job's set-up log of 1.6 GB peaks at ~157 MB looking every 256 KiB with a growth of
 * 1.75, ~176 MB with 2 for no less CPU, ~142 MB with 1.5 for ~10% more, with V8's young generation kept at its first
 * size: scripts/entry-loader.js.)
 */
export function heapKeeper(limitBytes = HEAP_LIMIT, everyBytes = 256 << 10, usedFloor = USED_FLOOR, growth = 2): (bytesRead: number) => void {
  let next = everyBytes;
  let floor = usedFloor;
  return (bytesRead) => {
    if (bytesRead < next) return;
    next = bytesRead + everyBytes;
    if (getHeapStatistics().used_heap_size <= floor || process.memoryUsage.rss() <= limitBytes) return;
    collect();
    floor = Math.max(usedFloor, growth * getHeapStatistics().used_heap_size);
  };
}

const USED_FLOOR = 48 << 20;

const HEAP_LIMIT = 128 << 20;

/** A full collection now if the process holds more than `limitBytes` (say, between reading a log and writing its report). */
export function collectOver(limitBytes = HEAP_LIMIT): void {
  if (process.memoryUsage.rss() > limitBytes) collect();
}

let gc: (() => void) | null | undefined;

function collect(): void {
  if (gc === undefined) {
    try {
      // the collector's entry point, which a flag set now exposes to contexts made after it
      setFlagsFromString("--expose-gc");
      gc = runInNewContext("gc") as () => void;
    } catch {
      gc = null;
    }
  }
  gc?.();
}
