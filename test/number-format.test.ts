import { describe, expect, it } from "vitest";
import { formatNumber } from "../src/util/number-format.js";

/** formatNumber must write every number as `toLocaleString("en-US", { maximumFractionDigits })` does (ICU). */
describe("formatNumber", () => {
  it("rounds the shortest decimal half away from zero, groups thousands, drops trailing zeros", () => {
    expect(formatNumber(1.005)).toBe("1.01");
    expect(formatNumber(2.675)).toBe("2.68");
    expect(formatNumber(1.45, 1)).toBe("1.5");
    expect(formatNumber(1234.5678)).toBe("1,234.57");
    expect(formatNumber(999.995)).toBe("1,000");
    expect(formatNumber(-1.005)).toBe("-1.01");
    expect(formatNumber(-0.001)).toBe("-0");
    expect(formatNumber(1281856, 0)).toBe("1,281,856");
    expect(formatNumber(39.1, 4)).toBe("39.1");
    expect(formatNumber(-0)).toBe("-0");
    expect(formatNumber(Infinity)).toBe("∞");
    expect(formatNumber(5e-7, 2)).toBe("0");
  });

  it("agrees with ICU on 20,000 numbers of every size and rounding", () => {
    let seed = 7;
    const rnd = () => (seed = (seed * 16807) % 2147483647) / 2147483647;
    const bad: string[] = [];
    // what toLocaleString("en-US", { maximumFractionDigits: d }) returns, from one formatter per d (toLocaleString
    // builds a new Intl.NumberFormat at every call: ~0.2 ms each, most of this test's time)
    const icuOf = [0, 1, 2, 3, 4].map((d) => new Intl.NumberFormat("en-US", { maximumFractionDigits: d }));
    expect(icuOf.map((f, d) => f.format(1234.56789))).toEqual([0, 1, 2, 3, 4].map((d) => (1234.56789).toLocaleString("en-US", { maximumFractionDigits: d })));
    for (let i = 0; i < 4000; i++) {
      let v = (rnd() - 0.5) * 10 ** Math.floor(rnd() * 16 - 6);
      if (i % 3 === 0) v = Math.round(v * 1000) / 1000;
      if (i % 5 === 0) v = Math.round(v * 20) / 20;
      for (const d of [0, 1, 2, 3, 4]) {
        const icu = icuOf[d].format(v);
        if (formatNumber(v, d) !== icu && bad.length < 5) bad.push(`${v} (${d}): ${formatNumber(v, d)} ≠ ${icu}`);
      }
    }
    expect(bad).toEqual([]);
  });
});
