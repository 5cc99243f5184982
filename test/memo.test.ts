import { describe, expect, it } from "vitest";
import { memoByText } from "../src/util/memo.js";

describe("memoByText: an answer kept for a text asked for again", () => {
  it("reads a text once while it comes again soon, afresh once forgotten, and a long one every time", () => {
    const reads: string[] = [];
    const memo = memoByText((t) => (reads.push(t), { len: t.length }), { limit: 4, maxChars: 10 });
    const a = memo("alpha");
    expect(memo("alpha")).toBe(a);
    expect(memo("alpha")).toBe(a);
    expect(reads).toEqual(["alpha"]);
    // texts asked for once are kept only among the last few: one asked again after hundreds of others is read again
    for (let i = 0; i < 300; i++) memo(`t${i}`);
    reads.length = 0;
    memo("t0");
    memo("t299");
    expect(reads).toEqual(["t0"]);
    // one asked for twice stays past them, until `limit` such texts are kept
    expect(memo("alpha")).toBe(a);
    for (const t of ["b", "c", "d", "e"]) memo(t), memo(t);
    reads.length = 0;
    memo("alpha");
    memo("e");
    expect(reads).toEqual(["alpha"]);
    reads.length = 0;
    memo("a long text of many characters");
    memo("a long text of many characters");
    expect(reads.length).toBe(2);
  });
});
