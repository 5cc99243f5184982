import { safeText } from "../util/terminal.js";

/** Escapes every character that HTML could read as markup; control and bidi characters are shown escaped. */
export function esc(s: string | number): string {
  return safeText(String(s)).replace(/[&<>"'`]/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** Prose with its `code` spans (commands, flags, file names in backticks) set as <code>, everything escaped. */
export function escProse(s: string): string {
  // (a single backtick on each side, as Markdown pairs them: a run of several is text)
  return esc(s).replace(/(?<!&#96;)&#96;((?:(?!&#96;).)+)&#96;(?!&#96;)/g, "<code>$1</code>");
}

export const fx = (v: number) => v.toFixed(1);

/** `0.6 GiB` as `612 MiB`, `77.91 GiB` as is: sizes PyTorch's way. */
export function sizeGiB(v: number): string {
  if (v < 1) return `${Math.round(v * 1024)} MiB`;
  return `${Number(v.toFixed(2))} GiB`;
}

/** `s` cut to `max` characters in the middle: hosts of one cluster differ at the end of their names. */
export const middleCut = (s: string, max: number) => (s.length <= max ? s : `${s.slice(0, Math.ceil((max - 1) / 2))}…${s.slice(-Math.floor((max - 1) / 2))}`);

/** A rough width of `text` at `fontSize` in px (system-ui), for laying labels out without a browser. */
export const textWidth = (text: string, fontSize: number) => text.length * fontSize * 0.58;

export type Grade = "good" | "slow" | "bad" | "other" | "none";
export const GRADE_COLOR: Record<Grade, string> = { good: "#2e9d57", slow: "#f0b429", bad: "#d64545", other: "#6c8ebf", none: "#eeeeee" };

/** How good a transport kind is for the traffic it carries. */
export function gradeOf(kind: string): Grade {
  if (kind === "NET/Socket") return "bad";
  if (kind.startsWith("P2P") || kind === "NVLS" || kind === "CollNet" || kind === "NET/IB/GDRDMA" || kind.startsWith("NET/OFI") || kind.endsWith("/GDRDMA")) return "good";
  if (kind === "SHM" || kind === "NET/IB") return "slow";
  return "other";
}

/** The worst grade among the kinds a pair uses: one socket connection is enough to slow a ring. */
export function worstGrade(kinds: [string, number][]): Grade {
  const order: Grade[] = ["bad", "slow", "other", "good"];
  let worst: Grade = "none";
  for (const [k] of kinds) {
    const g = gradeOf(k);
    if (worst === "none" || order.indexOf(g) < order.indexOf(worst)) worst = g;
  }
  return worst;
}
