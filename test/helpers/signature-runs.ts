import { describe, expect, it } from "vitest";
import { expectSame } from "./hot-expect.js";
import { SIGNATURES, SIGNATURE_SPAN, signatureFreeWithRuns, type VaryingRun } from "../../grammars/signatures.js";
import { rng } from "./cluster-logs.js";

/**
 * signatureFreeWithRuns against trying every word at every place, on `cases` drawn parts and runs (the same draw, seed
 * 7, every time: a run of more cases tries the first ones again and then more). test/signatures.test.ts draws 1,000,
 * test/scale/signatures.test.ts 3,000.
 */
export function freeWithRunsAgree(cases: number): void {
  describe("signatureFreeWithRuns: no prefilter word, whatever the runs hold", () => {
    const WORDS = [...new Set(SIGNATURES.flatMap((s) => s.anyOf))].map((w) => w.toLowerCase());
    /** every word tried at every place, a run taking any count of the characters it allows (no word skipped) */
    function plain(parts: string[], runs: VaryingRun[]): boolean {
      if (parts.join("").length + runs.reduce((n, r) => n + r.max, 0) > SIGNATURE_SPAN) return false;
      const lower = parts.map((p) => p.toLowerCase());
      if (lower.some((p) => WORDS.some((w) => p.includes(w)))) return false;
      const fits = (c: string, r: VaryingRun) => (c >= "0" && c <= "9") || (r.hex && c >= "a" && c <= "f");
      for (const w of WORDS) {
        const inPart = (j: number, k: number, o: number): boolean => {
          for (; j < w.length && o < lower[k].length; j++, o++) if (lower[k][o] !== w[j]) return false;
          return j === w.length || (k < runs.length && inRun(j, k, 0));
        };
        const inRun = (j: number, k: number, c: number): boolean =>
          j === w.length || (c >= runs[k].min && inPart(j, k + 1, 0)) || (c < runs[k].max && fits(w[j], runs[k]) && inRun(j + 1, k, c + 1));
        for (let k = 0; k < parts.length; k++) for (let o = 0; o < lower[k].length; o++) if (inPart(0, k, o)) return false;
        for (let k = 0; k < runs.length; k++) for (let c = 0; c < runs[k].max; c++) if (inRun(0, k, c)) return false;
      }
      return true;
    }

    it("reads as trying every word everywhere: words cut by runs of digits or hex digits, runs that may be empty", () => {
      const random = rng(7);
      const pick = <T>(xs: readonly T[]) => xs[Math.floor(random() * xs.length)];
      const said = { free: 0, not: 0 };
      for (let n = 0; n < cases; n++) {
        // a word (or two) cut into parts, some characters of it left to a run, around other text
        const text = random() < 0.8 ? `x ${pick(WORDS)} y` : `${pick(WORDS)}${pick(["0", "a", " "])}${pick(WORDS)}`;
        const parts: string[] = [];
        const runs: VaryingRun[] = [];
        let from = 0;
        for (let cuts = 1 + Math.floor(random() * 3); cuts > 0 && from < text.length; cuts--) {
          const at = from + Math.floor(random() * (text.length - from));
          const take = Math.floor(random() * 3);
          const hex = random() < 0.5;
          parts.push(text.slice(from, at));
          // (the run's characters are taken out of the text: a run in their place may or may not make it again)
          // (a run of one length, as a communicator's hex digits are, or a long run whose places stop changing)
          const shape = random();
          const len = 1 + Math.floor(random() * 6);
          runs.push(shape < 0.25 ? { hex, min: len, max: len } : shape < 0.4 ? { hex, min: Math.floor(random() * 2), max: 8 + len } : { hex, min: Math.floor(random() * 2), max: Math.max(1, take + Math.floor(random() * 2)) });
          from = Math.min(text.length, at + take);
        }
        parts.push(text.slice(from));
        const want = plain(parts, runs);
        expectSame(signatureFreeWithRuns(parts, runs), want, () => JSON.stringify({ parts, runs }));
        said[want ? "free" : "not"]++;
      }
      expect(said.free).toBeGreaterThan(cases / 10);
      expect(said.not).toBeGreaterThan(cases / 10);
    });
  });
}
