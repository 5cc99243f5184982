/** Parses a byte count as people write it: `1048576`, `200MB`, `1.5GiB`, `64k`. Decimal units are powers of 1000, `i` units of 1024. */
export function parseByteSize(text: string): number | undefined {
  const m = /^\s*(\d+(?:\.\d+)?)\s*([kmgt]?)(i?)(b?)\s*$/i.exec(text);
  if (!m) return undefined;
  const power = "_kmgt".indexOf((m[2] || "_").toLowerCase());
  const base = m[3] ? 1024 : 1000;
  const value = Number(m[1]) * base ** Math.max(0, power);
  return Number.isFinite(value) ? Math.floor(value) : undefined;
}
