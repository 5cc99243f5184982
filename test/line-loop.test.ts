import { describe, expect, it } from "vitest";
import type { ChunkLineCounter, LineCounter } from "../src/events/fast.js";
import { readLinesAt } from "../src/input/line-loop.js";

/** a counter that counts the lines whose bytes start with `C`, and says which (text and number) */
function countsC(): { counter: LineCounter; counted: [string, number][]; chunks: number } {
  const out = { counted: [] as [string, number][], chunks: 0, counter: undefined as unknown as LineCounter };
  out.counter = {
    begin(bytes): ChunkLineCounter {
      out.chunks++;
      return {
        line(s, e, n) {
          if (bytes[s] !== 67) return false;
          out.counted.push([bytes.toString("latin1", s, e), n]);
          return true;
        },
        pass() {},
        done() {},
      };
    },
  };
  return out;
}

describe("lines handed back by another thread", () => {
  it("are offered to the counter with their own numbers; what it declines, and what is not the file's text, goes the ordinary way", () => {
    const texts = ["Count me", "read me", "Cöunt me not (not ASCII)", "", "C".repeat(50), "Count me too", '{"log":"C json"}', "  C indented", "tC logfmt-ish", "Clast"];
    const lineNos = [3, 7, 8, 9, 20, 21, 40, 41, 42, 99];
    const c = countsC();
    const ordinary: [string, number][] = [];
    readLinesAt(texts, lineNos, 0, texts.length, { maxLineChars: 40, counter: c.counter, onLine: (t, n) => ordinary.push([t, n]) });
    expect(c.counted).toEqual([["Count me", 3], ["Count me too", 21], ["Clast", 99]]);
    expect(ordinary).toEqual([["read me", 7], ["Cöunt me not (not ASCII)", 8], ["", 9], ["C".repeat(50), 20], ['{"log":"C json"}', 40], ["  C indented", 41], ["tC logfmt-ish", 42]]);
  });

  it("only lines [from, to), and without a counter every one the ordinary way", () => {
    const texts = ["Ca", "b", "Cc", "Cd"];
    const c = countsC();
    const ordinary: number[] = [];
    readLinesAt(texts, [1, 2, 3, 4], 1, 3, { maxLineChars: 100, counter: c.counter, onLine: (_, n) => ordinary.push(n) });
    expect(c.counted).toEqual([["Cc", 3]]);
    expect(ordinary).toEqual([2]);
    const all: number[] = [];
    readLinesAt(texts, [1, 2, 3, 4], 0, 4, { maxLineChars: 100, onLine: (_, n) => all.push(n) });
    expect(all).toEqual([1, 2, 3, 4]);
  });
});
