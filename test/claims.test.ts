import { describe, expect, it } from "vitest";
import { claimBack, claimFront, frontEnd, newClaims } from "../src/parallel/claims.js";

describe("segment claims", () => {
  it("front and back take each segment exactly once and meet", () => {
    const c = newClaims(5);
    expect([claimFront(c), claimBack(c), claimBack(c), claimFront(c), claimFront(c)]).toEqual([0, 4, 3, 1, 2]);
    expect([claimFront(c), claimBack(c)]).toEqual([-1, -1]);
    expect(frontEnd(c)).toBe(3);
  });

  it("the largest count fits the claim word; more is refused", () => {
    const c = newClaims(0xffff);
    expect(claimBack(c)).toBe(0xfffe);
    expect(claimFront(c)).toBe(0);
    expect(() => newClaims(0x10000)).toThrow(/too many segments/);
    expect(claimFront(newClaims(0))).toBe(-1);
  });
});
