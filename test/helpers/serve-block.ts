/** Lines of a `vllm bench serve` result block as serve.py prints them, for tests that write such text. */

/** `"{:<40} {:<10}"` (or without the value's padding, as many pastes have it) */
export const row = (label: string, value: string, pad = true): string => `${label.padEnd(40)} ${pad ? value.padEnd(10) : value}`;

/** `"{s:{c}^{n}}".format(s=header, n=50, c="-")` */
export const section = (name: string): string => {
  const left = Math.floor((50 - name.length) / 2);
  return "-".repeat(left) + name + "-".repeat(50 - left - name.length);
};

export const banner = "============ Serving Benchmark Result ============";
