/**
 * What the first bytes of an input say it is: a compressed container (by its magic number), UTF-16 text
 * without a byte order mark, other binary data, or (null) text to read as it is. Kept free of imports: the
 * CLI's earliest start-up code (the split point of a big file) uses it.
 */
export type Container = "gzip" | "zstd" | "xz" | "bzip2" | "lz4" | "zip" | "7z";

/** The bytes needed to tell every container apart (and to look for UTF-16 and binary data). */
export const MAGIC_BYTES = 8;

const startsWith = (head: Uint8Array, bytes: number[]) => head.length >= bytes.length && bytes.every((b, i) => head[i] === b);

/** The compressed container that `head` starts, or null. */
export function containerOf(head: Uint8Array): Container | null {
  if (startsWith(head, [0x1f, 0x8b])) return "gzip";
  // a zstd frame; a skippable frame (0x184D2A50–5F, little-endian) may come first
  if (startsWith(head, [0x28, 0xb5, 0x2f, 0xfd]) || (head.length >= 4 && (head[0] & 0xf0) === 0x50 && head[1] === 0x2a && head[2] === 0x4d && head[3] === 0x18)) return "zstd";
  if (startsWith(head, [0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00])) return "xz";
  // "BZh1"–"BZh9" then a block (π) or end-of-stream (√π) magic: plain text starting "BZh9" is not bzip2
  if (head.length >= 10 && startsWith(head, [0x42, 0x5a, 0x68]) && head[3] >= 0x31 && head[3] <= 0x39 && (startsWith(head.subarray(4), [0x31, 0x41, 0x59, 0x26, 0x53, 0x59]) || startsWith(head.subarray(4), [0x17, 0x72, 0x45, 0x38, 0x50, 0x90]))) return "bzip2";
  if (startsWith(head, [0x04, 0x22, 0x4d, 0x18]) || startsWith(head, [0x02, 0x21, 0x4c, 0x18])) return "lz4";
  if (startsWith(head, [0x50, 0x4b, 0x03, 0x04]) || startsWith(head, [0x50, 0x4b, 0x05, 0x06]) || startsWith(head, [0x50, 0x4b, 0x07, 0x08])) return "zip";
  if (startsWith(head, [0x37, 0x7a, 0xbc, 0xaf, 0x27, 0x1c])) return "7z";
  return null;
}

/**
 * UTF-16 text without a byte order mark: the high byte of every ASCII character is 0, so every other byte of
 * the head is NUL and the bytes between are not. Needs a few characters (at least 8 bytes) to say so.
 */
export function bomlessUtf16(head: Uint8Array): "utf-16le" | "utf-16be" | null {
  const n = Math.min(head.length, 512) & ~1;
  if (n < 8) return null;
  let le = 0;
  let be = 0;
  for (let i = 0; i < n; i += 2) {
    if (head[i] !== 0 && head[i + 1] === 0) le++;
    else if (head[i] === 0 && head[i + 1] !== 0) be++;
  }
  const pairs = n / 2;
  return le >= pairs * 0.9 ? "utf-16le" : be >= pairs * 0.9 ? "utf-16be" : null;
}

/**
 * Binary data, not a log: more than a tenth of the head is NUL or control bytes other than the ones text has
 * (tab, line ends, form feed, ESC of ANSI colour). A stray NUL in a log (a crash's zero-filled block) is not enough.
 */
export function looksBinary(head: Uint8Array): boolean {
  const n = Math.min(head.length, 4096);
  let odd = 0;
  for (let i = 0; i < n; i++) {
    const c = head[i];
    if (c < 0x20 && c !== 0x09 && c !== 0x0a && c !== 0x0d && c !== 0x0c && c !== 0x1b) odd++;
  }
  return n > 0 && odd > Math.max(1, n / 10);
}
