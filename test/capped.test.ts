import { describe, expect, it } from "vitest";
import { addKey } from "../src/util/capped.js";

describe("addKey: a record capped at so many keys", () => {
  it("adds keys until the cap, then none, counting a record it was given with keys already", () => {
    const r: Record<string, number> = { a: 1, b: 2 };
    expect(["c", "d", "e"].map((k, i) => addKey(r, k, i, 4))).toEqual([true, true, false]);
    expect(r).toEqual({ a: 1, b: 2, c: 0, d: 1 });
    const other: Record<string, number> = {};
    expect(addKey(other, "x", 1, 1)).toBe(true);
    expect(addKey(other, "y", 2, 1)).toBe(false);
    expect(other).toEqual({ x: 1 });
  });
});
