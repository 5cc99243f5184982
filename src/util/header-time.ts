/**
 * vLLM's record header has a date without a year (`INFO 08-19 10:03:02 ...`): times are kept as seconds from the
 * start of a leap year (so 02-29 fits); a reader adds a year when the clock jumps back by more than half of one.
 */
const DAY = 86400;
/** day of a leap year before each month (the header has no year; 02-29 must fit) */
const MONTH_START = [0, 31, 60, 91, 121, 152, 182, 213, 244, 274, 305, 335];
export const YEAR = 366 * DAY;

/** `08-19`, `10:03:02` -> seconds from the start of a leap year, or null when malformed. */
export function headerSeconds(date: string, time: string): number | null {
  const mo = (date.charCodeAt(0) - 48) * 10 + (date.charCodeAt(1) - 48);
  const d = (date.charCodeAt(3) - 48) * 10 + (date.charCodeAt(4) - 48);
  const h = (time.charCodeAt(0) - 48) * 10 + (time.charCodeAt(1) - 48);
  const mi = (time.charCodeAt(3) - 48) * 10 + (time.charCodeAt(4) - 48);
  // (a date format of one's own may leave the seconds out: `18:05`)
  const s = time.length < 8 ? 0 : (time.charCodeAt(6) - 48) * 10 + (time.charCodeAt(7) - 48);
  return headerSecondsOf(mo, d, h, mi, s);
}

/** The same from the numbers of the header. */
export function headerSecondsOf(mo: number, d: number, h: number, mi: number, s: number): number | null {
  if (!(mo >= 1 && mo <= 12 && d >= 1 && d <= 31 && h >= 0 && h < 24 && mi >= 0 && mi < 60 && s >= 0 && s < 61)) return null;
  return (MONTH_START[mo - 1] + d - 1) * DAY + h * 3600 + mi * 60 + s;
}

/** Seconds of the leap year (see headerSeconds) -> `MM-DD HH:MM:SS` (for reports). */
export function formatHeaderSeconds(t: number): string {
  const inYear = ((t % YEAR) + YEAR) % YEAR;
  const day = Math.floor(inYear / DAY);
  let mo = 11;
  while (mo > 0 && MONTH_START[mo] > day) mo--;
  const sec = Math.floor(inYear - day * DAY);
  const p = (n: number) => String(n).padStart(2, "0");
  return `${p(mo + 1)}-${p(day - MONTH_START[mo] + 1)} ${p(Math.floor(sec / 3600))}:${p(Math.floor((sec % 3600) / 60))}:${p(sec % 60)}`;
}

