/**
 * An nccl-tests result row in the printed layout: size and count, type and redop, the root column when the build
 * prints one (2022+), then the out-of-place and in-place groups of time, algbw, busbw and the #wrong count (or the
 * old `error` deviation). `sep` is what stands before each group (a launcher tag glued there, as `[0]`).
 */
export function ncclTestsRow(size: number, oop: readonly string[], inPlace: readonly string[], opts: { root?: boolean; sep?: string } = {}): string {
  const group = (g: readonly string[]) => `${g[0].padStart(7)}  ${g[1].padStart(6)}  ${g[2].padStart(6)}  ${g[3].padStart(6)}`;
  const head = `${String(size).padStart(12)}  ${String(size / 4).padStart(12)}     float     sum${opts.root === false ? "" : "      -1"}`;
  const sep = opts.sep ?? "";
  return `${head}${sep}  ${group(oop)}${sep}  ${group(inPlace)}`;
}
