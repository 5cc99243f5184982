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

/**
 * The same log behind each wrapper a reader must not care about, named for a test's title: as it is, with Windows line
 * ends, behind kubectl --timestamps, behind docker compose's service prefix, and inside a Ray actor's prefix.
 */
export const WRAPS: ReadonlyArray<[string, (s: string) => string]> = [
  ["bare", (s) => s],
  ["CRLF", (s) => s.replace(/\n/g, "\r\n")],
  ["kubectl --timestamps", (s) => s.split("\n").map((l, i) => (l ? `2026-07-21T04:12:3${i % 10}.118402771Z ${l}` : l)).join("\n")],
  ["docker compose", (s) => s.split("\n").map((l) => (l ? `vllm-1  | ${l}` : l)).join("\n")],
  ["Ray prefix", (s) => s.split("\n").map((l) => (l ? `(ServeReplica:llm:LLMServer pid=7310, ip=10.4.0.12) ${l}` : l)).join("\n")],
];
