import { Readable } from "node:stream";
import type { InputSource } from "./sources.js";
import { openDecoded } from "./sources.js";

/**
 * An input held in memory (or produced by a generator), read in chunks of `limits.chunkBytes` like a file:
 * for the library's callers and for tests that must control how the bytes are cut.
 */
export function memorySource(name: string, content: Uint8Array | string | (() => AsyncIterable<Uint8Array> | Iterable<Uint8Array>)): InputSource {
  const bytes = typeof content === "string" ? Buffer.from(content, "utf8") : content;
  return {
    name,
    size: typeof bytes === "function" ? undefined : bytes.length,
    async open(limits, notice) {
      const chunks = typeof bytes === "function" ? bytes() : sliced(bytes, Math.max(1, limits.chunkBytes));
      return openDecoded(Readable.from(toBuffers(chunks), { objectMode: false }), name, limits, notice);
    },
  };
}

function* sliced(bytes: Uint8Array, size: number): Generator<Uint8Array> {
  for (let i = 0; i < bytes.length; i += size) yield bytes.subarray(i, i + size);
}

async function* toBuffers(chunks: AsyncIterable<Uint8Array> | Iterable<Uint8Array>): AsyncGenerator<Buffer> {
  for await (const c of chunks) if (c.length) yield Buffer.from(c.buffer, c.byteOffset, c.length);
}
