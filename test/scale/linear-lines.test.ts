import { describe, expect, it } from "vitest";
import { cpuMsSince } from "../helpers/cpu.js";

/** Issue 17 item 5, the fast path's share: its cost in lines is linear (a scale test: it reads 500,000 lines). */

describe("item 5: inputs that take minutes of CPU", () => {
  it("lines without `]` (125,000 empty lines, then as many `x`) cost linear time in the NCCL counting fast path", async () => {
    const { analyzeSource } = await import("../../src/analyze.js");
    const { memorySource } = await import("../../src/input/memory.js");
    const cost = async (line: string, n: number) => {
      const bytes = Buffer.from(`${line}\n`.repeat(n));
      const cpu = process.cpuUsage();
      const part = await analyzeSource(memorySource("e.log", bytes), 0, { limits: { chunkBytes: 1 << 20 } });
      expect(part.state.inputs[0].lines).toBe(n);
      return cpuMsSince(cpu);
    };
    for (const line of ["", "x"]) {
      // it rescanned to the chunk's end for every line: 500,000 lines of one chunk took tens of seconds (250,000 one
      // fourth of that). Four times the lines may cost about four times the CPU, never sixteen (a ratio, so a busy
      // machine does not fail it)
      const small = Math.min(await cost(line, 31_250), await cost(line, 31_250));
      const large = await cost(line, 125_000);
      expect(large, `${small.toFixed(0)} ms for 31,250 lines, ${large.toFixed(0)} ms for 125,000`).toBeLessThan(8 * small + 250);
    }
  });

});
