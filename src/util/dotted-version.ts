/** A dotted version as logs print them, at its start: `0.10.1`, `v2.21.5`, `2.21.5+cuda12.4`, `0.9` (a number with a dot reads as one too). */
export const DOTTED_VERSION = /^v?\d+(\.\d+)+/;

/** Compares dotted versions numerically part by part ("2.21.5" < "2.26", "0.9.2" < "0.10"). */
export function compareVersions(a: string, b: string): number {
  const pa = a.replace(/^v/, "").split(/[.+-]/).map((x) => parseInt(x, 10));
  const pb = b.replace(/^v/, "").split(/[.+-]/).map((x) => parseInt(x, 10));
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const x = Number.isNaN(pa[i]) || pa[i] === undefined ? 0 : pa[i];
    const y = Number.isNaN(pb[i]) || pb[i] === undefined ? 0 : pb[i];
    if (x !== y) return x < y ? -1 : 1;
  }
  return 0;
}
