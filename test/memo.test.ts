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
    // (each between two asks for alpha, which is found: texts are looked up while many are found)
    for (let i = 0; i < 300; i++) memo(`t${i}`), memo("alpha");
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

  it("reads most texts without a look while few are found, and looks again after a while", () => {
    let reads = 0;
    const memo = memoByText((t) => (reads++, t.length), { limit: 4096, maxChars: 100 });
    // 256 texts none of which came before: the next 4,096 are read without a look, so one asked for twice is read twice
    for (let i = 0; i < 256; i++) memo(`u${i}`);
    reads = 0;
    memo("again");
    memo("again");
    memo("again");
    expect(reads).toBe(3);
    for (let i = 0; i < 4096; i++) memo(`v${i}`);
    // then it looks again: a text asked for again is found
    reads = 0;
    memo("once more");
    memo("once more");
    expect(reads).toBe(1);
  });
});

