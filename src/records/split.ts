/**
 * Splits one physical line into the records it holds. Most lines hold one. A carriage return inside a
 * line (tqdm redraws, `\r\n` continuation lines of vLLM's formatter) separates records.
 */
export function splitPhysicalLine(raw: string): string[] {
  if (raw.indexOf("\r") < 0) return [raw];
  return raw.split("\r").filter((p) => p.trim().length > 0);
}
