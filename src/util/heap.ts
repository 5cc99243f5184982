import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";

/**
 * Keeps a long read's peak memory down. Lines read the ordinary way make much short-lived garbage, and V8 lets the
 * heap grow far past what is live (a few MB of fact state and kept events) before it collects: an NCCL set-up log
 * of 400 MB peaked at 240 MB. Asked with the characters read the ordinary way so far (the fast path makes no
 * garbage); every `everyBytes` of them, when the process holds more than `limitBytes`, a full collection runs (a
 * few ms with so little live). A read the fast path counts seldom looks at the RSS (a look costs up to a fraction
 * of a ms) and stays below the limit.
 */
export function heapKeeper(limitBytes = 128 << 20, everyBytes = 4 << 20): (bytesRead: number) => void {
  let next = everyBytes;
  return (bytesRead) => {
    if (bytesRead < next) return;
    next = bytesRead + everyBytes;
    if (process.memoryUsage.rss() > limitBytes) collect();
  };
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
