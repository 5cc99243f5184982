/**
 * Makes log text safe to print on a terminal: control characters (ESC, BEL, CSI/OSC introducers, other
 * C0/C1 bytes) and bidi overrides are shown escaped instead of being passed through.
 */
const UNSAFE = /[\x00-\x08\x0b-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;

/**
 * `safeText` for what must stay one line: file names and messages on stderr. A newline or tab in a file name
 * is shown as `\n` / `\t`, so a crafted name cannot forge a second `vllm-doctor: …` line or evidence row.
 */
export function safeLine(s: string): string {
  return safeText(s).replace(/[\n\t]/g, (c) => (c === "\n" ? "\\n" : "\\t"));
}

export function safeText(s: string): string {
  return s.replace(UNSAFE, (c) => {
    const code = c.charCodeAt(0);
    return code <= 0xff ? `\\x${code.toString(16).padStart(2, "0")}` : `\\u${code.toString(16).padStart(4, "0")}`;
  });
}
