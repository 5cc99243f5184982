/**
 * `v.toLocaleString("en-US", { maximumFractionDigits: digits })` without ICU's number formatter, whose first use
 * costs about 10 ms of every run's start: the shortest decimal that reads back as `v` (as ICU takes it) rounded half
 * away from zero to `digits` places, trailing zeros dropped, thousands grouped with commas. What this does not cover
 * (exponents, infinities, -0, more than 20 places) is left to ICU.
 */
export function formatNumber(v: number, digits = 2): string {
  const shortest = String(v);
  if (!Number.isFinite(v) || Object.is(v, -0) || shortest.includes("e") || !Number.isInteger(digits) || digits < 0 || digits > 20) {
    return v.toLocaleString("en-US", { maximumFractionDigits: digits });
  }
  const neg = v < 0;
  const abs = neg ? shortest.slice(1) : shortest;
  const dot = abs.indexOf(".");
  let int = dot < 0 ? abs : abs.slice(0, dot);
  let frac = dot < 0 ? "" : abs.slice(dot + 1);
  if (frac.length > digits) {
    const up = frac.charCodeAt(digits) >= 53; /* 5 */
    frac = frac.slice(0, digits);
    if (up) {
      // add one in the last place kept, carrying through the fraction into the integer
      const all = (int + frac).split("");
      let i = all.length - 1;
      while (i >= 0 && all[i] === "9") all[i--] = "0";
      if (i >= 0) all[i] = String.fromCharCode(all[i].charCodeAt(0) + 1);
      else all.unshift("1");
      int = all.slice(0, all.length - frac.length).join("");
      frac = all.slice(all.length - frac.length).join("");
    }
  }
  frac = frac.replace(/0+$/, "");
  const grouped = int.replace(/\B(?=(\d{3})+$)/g, ",");
  // (a negative number rounded to zero keeps its sign, as ICU writes it)
  return `${neg ? "-" : ""}${grouped}${frac ? `.${frac}` : ""}`;
}
