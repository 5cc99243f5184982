/** Parsing and printing of the quantities `plan` deals in: parameter counts, byte sizes, dtypes. */

export const GIB = 1024 ** 3;
export const GB = 1e9;

/** Weight bytes per parameter for the dtypes `--dtype` accepts. */
export const DTYPE_BYTES = {
  fp32: 4,
  bf16: 2,
  fp16: 2,
  fp8: 1,
  int8: 1,
  int4: 0.5,
} as const;

export type WeightDtype = keyof typeof DTYPE_BYTES;

const DTYPE_ALIASES: Record<string, WeightDtype> = {
  fp32: "fp32", float32: "fp32", float: "fp32",
  bf16: "bf16", bfloat16: "bf16",
  fp16: "fp16", float16: "fp16", half: "fp16",
  fp8: "fp8", float8: "fp8", fp8_e4m3: "fp8", fp8_e5m2: "fp8",
  int8: "int8", w8a8: "int8",
  int4: "int4", awq: "int4", gptq: "int4", w4a16: "int4",
};

export function parseDtype(text: string): WeightDtype | null {
  return DTYPE_ALIASES[text.trim().toLowerCase()] ?? null;
}

/** Bytes per KV cache element for a `--kv-cache-dtype`: `auto` follows the model's activation dtype (2 bytes). */
export function kvDtypeBytes(kvCacheDtype: string | null | undefined, activationBytes = 2): number {
  const d = (kvCacheDtype ?? "auto").toLowerCase();
  if (d.startsWith("fp8") || d === "int8") return 1;
  if (d === "fp32" || d === "float32") return 4;
  if (d === "auto") return activationBytes;
  return 2;
}

const PARAM_SCALE: Record<string, number> = { "": 1, k: 1e3, m: 1e6, b: 1e9, g: 1e9, t: 1e12 };

/** "70B", "8b", "1.5T", "405e9", "7000000000" -> a parameter count; null when unreadable. */
export function parseParams(text: string): number | null {
  const m = /^\s*(\d+(?:\.\d+)?(?:e\d+)?)\s*([kmbgt]?)\s*$/i.exec(text);
  if (!m) return null;
  const value = Number(m[1]) * PARAM_SCALE[m[2].toLowerCase()];
  return Number.isFinite(value) && value > 0 ? value : null;
}

const SIZE_SCALE: Record<string, number> = {
  b: 1, kb: 1e3, mb: 1e6, gb: 1e9, tb: 1e12,
  kib: 1024, mib: 1024 ** 2, gib: GIB, tib: 1024 ** 4,
};

/**
 * "140GB", "80GiB", "810 gb" -> bytes. A bare number takes `bareUnit` (GB for model sizes, GiB for GPU memory,
 * because that is how each is usually quoted).
 */
export function parseBytes(text: string, bareUnit: "gb" | "gib"): number | null {
  const m = /^\s*(\d+(?:\.\d+)?)\s*([kmgt]i?b|b)?\s*$/i.exec(text);
  if (!m) return null;
  const unit = (m[2] ?? bareUnit).toLowerCase();
  const value = Number(m[1]) * SIZE_SCALE[unit];
  return Number.isFinite(value) && value > 0 ? value : null;
}

/** 70e9 -> "70B", 8.03e9 -> "8.03B", 1.2e12 -> "1.2T" */
export function formatParams(n: number): string {
  if (n >= 1e12) return `${trim(n / 1e12)}T`;
  if (n >= 1e9) return `${trim(n / 1e9)}B`;
  if (n >= 1e6) return `${trim(n / 1e6)}M`;
  return String(Math.round(n));
}

function trim(x: number): string {
  return String(Number(x.toFixed(2)));
}

/** A number rounded for display with thousands separators. */
export function fmt(n: number, digits = 0): string {
  return n.toLocaleString("en-US", { maximumFractionDigits: digits, minimumFractionDigits: digits > 0 ? Math.min(digits, 2) : 0 });
}

export const gib = (bytes: number): number => bytes / GIB;
export const fmtGiB = (bytes: number): string => `${fmt(bytes / GIB, 2)} GiB`;
export const fmtGB = (bytes: number): string => `${fmt(bytes / GB, 1)} GB`;
/** rounds to 2 decimals, for JSON values in GiB */
export const round2 = (x: number): number => Math.round(x * 100) / 100;
