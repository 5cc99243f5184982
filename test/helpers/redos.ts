import fc from "fast-check";
import { expect } from "vitest";
import { BENIGN_WARN, NCCL_CONTEXT, RETRY, SIGNATURES as TABLE } from "../../grammars/signatures.js";
import { cpuMsSince } from "./cpu.js";

/**
 * The literal pieces of a regex's source, and their prefixes: what a crafted line repeats to make it backtrack.
 * Classes become a character they match (`\\s` a space, `\\d` a digit, `\\w` a letter), quantifiers go (a piece
 * holds each part once), and each alternative is cut at every space or punctuation mark (`NET/IB : ` of
 * `NET\\/IB\\s?: .*(?:error|failed)` is the prefix that repeated without `error` made the old signature quadratic).
 */
export function piecesOf(re: RegExp): string[] {
  const src = re.source
    .replace(/\\s/g, " ").replace(/\\d/g, "1").replace(/\\w/g, "a").replace(/\\S/g, "x").replace(/\\[DW]/g, "-").replace(/\\[bB]/g, "")
    .replace(/\(\?(?:[:=!]|<[=!])/g, "(")
    .replace(/\{\d*,?\d*\}/g, "")
    .replace(/(?<!\\)[?*+]/g, "")
    .replace(/\\(.)/g, "$1");
  const out = new Set<string>();
  for (const piece of src.split(/[()[\]|^$]/)) {
    if (piece.length < 2) continue;
    out.add(piece);
    for (let i = 2; i < piece.length; i++) if (/[\s:;,./=@-]/.test(piece[i - 1])) out.add(piece.slice(0, i));
  }
  return [...out];
}

export const SIGNATURES: [string, RegExp][] = [...TABLE.map((s): [string, RegExp] => [s.id, s.pattern]), ["BENIGN_WARN", BENIGN_WARN], ["RETRY", RETRY], ["NCCL_CONTEXT", NCCL_CONTEXT]];
export const FILLERS = [" ", "a", "1", ":", ".", "-", "=", "/", "@", "[", "x ", "a-", "\t"];
export const N = 64 * 1024;

/** a line of 8 K to 64 K characters: a piece repeated, a piece then filler, or pieces and filler interleaved */
export const shape = (pieces: string[]) =>
  fc.tuple(fc.constantFrom(...pieces), fc.constantFrom(...FILLERS), fc.constantFrom("repeat", "then", "interleave"), fc.constantFrom(N / 8, N / 4, N / 2, N)).map(([p, f, how, n]) => {
    const s = how === "repeat" ? p.repeat(Math.ceil(n / p.length)) : how === "then" ? p + f.repeat(Math.ceil(n / f.length)) : (p + f).repeat(Math.ceil(n / (p.length + f.length)));
    return s.slice(0, n);
  });

/** the CPU a line of `length` characters may take: in proportion to its length, plus a fixed allowance */
export const bound = (ms: number, length: number) => 50 + (ms * length) / N;

/** CPU milliseconds of `f` (not wall time: a busy machine does not fail the bound) */
export function cpuMs(f: () => void): number {
  const cpu = process.cpuUsage();
  f();
  return cpuMsSince(cpu);
}

/**
 * A shape's CPU at 8 K (`small`) and 32 K (`large`) characters, for the check `large < 20 || large < 8 * small` (and
 * `large < limit`). Each is the better of two tries (a garbage collection in the middle of one is not the regex's
 * cost), but a second try can only lower a time, so `large` is tried again only when its first try fails the checks
 * (against the better of `small`'s two, which a second try could only make stricter); and `small` is needed only
 * when `large` is over the 20 ms floor. The same verdicts as measuring all four, for about a third of the work on a
 * linear shape (one pass at 32 K instead of two at 32 K and two at 8 K), and on a linear shape over the floor (a
 * regex that scans up to 200 characters from each start) one pass at 32 K instead of two.
 */
export function scaling(at: (n: number) => string, cost: (text: string) => number, limit = Infinity): { small: number; large: number } {
  const big = at(N / 2);
  let large = cost(big);
  if (large < 20 && large < limit) return { small: NaN, large };
  const little = at(N / 8);
  const small = Math.min(cost(little), cost(little));
  if (large >= limit || large >= 8 * small) large = Math.min(large, cost(big));
  return { small, large };
}

/** Linear time bound per character, for the shapes below (see `bound`). */
export const BOUND_MS = 600;

/**
 * `re` on each of its pieces (`piecesOf`) repeated, and each piece followed by each of `fillers` repeated, at 8 K and 32 K
 * characters: four times the text may take about four times the time, never sixteen (quadratic), beyond a 20 ms floor
 */
export function linearOnItsPieces(name: string, re: RegExp, fillers: readonly string[]): void {
  for (const p of piecesOf(re)) {
    for (const unit of [p, ...fillers.map((f) => p + f)]) {
      const at = (n: number) => unit.repeat(Math.ceil(n / unit.length)).slice(0, n);
      const { small, large } = scaling(at, (text) => cpuMs(() => re.test(text)), bound(BOUND_MS, N / 2));
      expect(large < 20 || large < 8 * small, `${name} on ${JSON.stringify(unit)} repeated: ${small.toFixed(1)} ms at 8 K, ${large.toFixed(1)} ms at 32 K`).toBe(true);
      expect(large, `${name} on ${JSON.stringify(unit)}`).toBeLessThan(bound(BOUND_MS, N / 2));
    }
  }
}
