import type { RecordReader } from "./types.js";

/** Reads vllm records into events. */
export function createVllmReader(): RecordReader {
  return {
    name: "vllm",
    read() {
      return false;
    },
  };
}
