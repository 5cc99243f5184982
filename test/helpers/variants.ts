/**
 * The same log as collectors and terminals write it: as it is, behind kubectl --timestamps, (with `compose`) behind
 * docker compose's service prefix, with its process prefixes coloured, and with Windows line ends.
 */
export function variants(lines: string[], opts: { compose?: boolean } = {}): string[] {
  const stamp = (l: string, i: number) => `2026-03-04T05:06:${String(10 + i).padStart(2, "0")}.123456789Z ${l}`;
  return [
    lines.join("\n"),
    lines.map(stamp).join("\n"),
    ...(opts.compose ? [lines.map((l) => `vllm-1  | ${l}`).join("\n")] : []),
    lines.map((l) => l.replace(/^\((\w[^)]*)\) /, "\x1b[36m($1)\x1b[0m ")).join("\n"),
    lines.join("\r\n"),
  ];
}
