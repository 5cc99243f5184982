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

describe("segmentStarts", () => {
  it("cuts at line starts, joins a segment without one to the next, and never makes more than the claim word holds", async () => {
    const { mkdtempSync, writeFileSync } = await import("node:fs");
    const { tmpdir } = await import("node:os");
    const { join } = await import("node:path");
    const { segmentStarts, MAX_SEGMENTS } = await import("../src/input/split-point.js");
    const dir = mkdtempSync(join(tmpdir(), "vd-seg-"));
    const path = join(dir, "a.log");
    const text = "aaaa\nbbbbbbbbbbbbbbbbbbbb\ncc\n" + "x".repeat(10_000) + "\nend\n";
    writeFileSync(path, text);
    const starts = segmentStarts(path, 0, text.length, 8);
    expect(starts[0]).toBe(0);
    expect(starts[starts.length - 1]).toBe(text.length);
    for (const s of starts.slice(1, -1)) expect(text[s - 1]).toBe("\n");
    expect(starts).toEqual([...new Set(starts)].sort((a, b) => a - b));
    // the long line has no line start within the 4 KiB looked at after a cut point: no cut inside it
    expect(starts.filter((s) => s > 30 && s < 10_030)).toEqual([]);
    expect(segmentStarts(path, 0, text.length, 1).length - 1).toBeLessThanOrEqual(MAX_SEGMENTS);
  });
});
