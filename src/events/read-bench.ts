import type { RecordReader } from "./types.js";

/** Reads bench records into events. */
export function createBenchReader(): RecordReader {
  return {
    name: "bench",
    read() {
      return false;
    },
  };
}
