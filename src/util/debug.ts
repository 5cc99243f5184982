/**
 * Diagnostics for maintainers, on stderr, chosen by topic in `VLLM_DOCTOR_DEBUG` (comma-separated, e.g.
 * `VLLM_DOCTOR_DEBUG=threads`). Off by default; never part of a report.
 */
export function debug(topic: string, message: string): void {
  const topics = process.env.VLLM_DOCTOR_DEBUG;
  if (!topics || !topics.split(",").some((t) => t.trim() === topic || t.trim() === "all")) return;
  process.stderr.write(`vllm-doctor[${topic}]: ${message}\n`);
}
