/**
 * Diagnostics for maintainers, on stderr, chosen by topic in `VLLM_DOCTOR_DEBUG` (comma-separated, e.g.
 * `VLLM_DOCTOR_DEBUG=threads`). Off by default; never part of a report.
 */
export function debug(topic: string, message: string): void {
  if (debugging(topic)) process.stderr.write(`vllm-doctor[${topic}]: ${message}\n`);
}

/** whether `VLLM_DOCTOR_DEBUG` asks for a topic (ask once, outside a loop) */
export function debugging(topic: string): boolean {
  const topics = process.env.VLLM_DOCTOR_DEBUG;
  return !!topics && topics.split(",").some((t) => t.trim() === topic || t.trim() === "all");
}
