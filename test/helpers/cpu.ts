/** Milliseconds of this process's CPU since `from` (`process.cpuUsage()`): not wall time, so a busy machine does not fail a bound. */
export function cpuMsSince(from: NodeJS.CpuUsage): number {
  const used = process.cpuUsage(from);
  return (used.user + used.system) / 1000;
}
