import { getHeapStatistics, setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";

/**
 * Keeps a long read's peak memory down. Lines read the ordinary way make much short-lived garbage, and V8 lets the
 * heap grow far past what is live (a few MB of fact state and kept events) before it collects: an NCCL set-up log
 * of 400 MB peaked at 240 MB. Asked with the characters read the ordinary way so far (the fast path makes no
 * garbage); every `everyBytes` of them, when the process holds more than `limitBytes` and the heap twice what the
 * last collection left, a full collection runs (a few ms with so little live). A read the fast path counts seldom
 * looks at the RSS (a look costs up to a fraction of a ms) and stays below the limit. (A set-up line read the
 * ordinary way makes some 30 times its size in garbage: looked at every 4 MB of them, a big job's set-up log
 * reached 130 MB of old heap between two looks.)
 */
export function heapKeeper(limitBytes = HEAP_LIMIT, everyBytes = 256 << 10, usedFloor = USED_FLOOR): (bytesRead: number) => void {
  let next = everyBytes;
  // a collection only once the heap holds twice what the last one left (at least `usedFloor`): one every 4 MB cost a
  // set-up log of 100 MB some 20 full collections, 0.7 s, for no lower peak
  let floor = usedFloor;
  return (bytesRead) => {
    if (bytesRead < next) return;
    next = bytesRead + everyBytes;
    if (getHeapStatistics().used_heap_size <= floor || process.memoryUsage.rss() <= limitBytes) return;
    collect();
    floor = Math.max(usedFloor, 2 * getHeapStatistics().used_heap_size);
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
