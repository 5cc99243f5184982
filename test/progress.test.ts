import { describe, expect, it } from "vitest";
import { createProgress, renderProgress, wantsProgress, PROGRESS_MIN_BYTES } from "../src/util/progress.js";

/** Issue 6 §4: a bar on stderr for big inputs when stderr is a terminal; silent otherwise. */
const MiB = 1 << 20;

describe("renderProgress", () => {
  it("bar, percent, bytes of the total, rate and time left", () => {
    expect(renderProgress({ done: 168 * MiB, total: 400 * MiB, elapsedMs: 2000, width: 100 })).toBe("[#############·················]   42%  168 MiB / 400 MiB  84 MiB/s  0:03 left");
  });
  it("drops the bar when the terminal is narrow, and never passes the width", () => {
    expect(renderProgress({ done: 168 * MiB, total: 400 * MiB, elapsedMs: 2000, width: 50 })).toBe(" 42%  168 MiB / 400 MiB  84 MiB/s  0:03 left");
    expect(renderProgress({ done: 168 * MiB, total: 400 * MiB, elapsedMs: 2000, width: 20 })).toHaveLength(19);
  });
  it("no rate yet: time left unknown; past the total (a .gz expands): capped at 100%", () => {
    expect(renderProgress({ done: 0, total: 400 * MiB, elapsedMs: 0, width: 100 })).toBe("[······························]    0%  0 B / 400 MiB  0 B/s  -:-- left");
    expect(renderProgress({ done: 500 * MiB, total: 400 * MiB, elapsedMs: 4000, width: 100 })).toBe("[##############################]  100%  400 MiB / 400 MiB  125 MiB/s  0:00 left");
  });
  it("hours when it is slow", () => {
    expect(renderProgress({ done: 1.5 * 1024 * MiB, total: 3 * 1024 * MiB, elapsedMs: 3_700_000, width: 100 })).toBe("[###############···············]   50%  1.5 GiB / 3 GiB  425.1 KiB/s  1:01:40 left");
  });
});

describe("when to draw it", () => {
  const tty = { isTTY: true };
  it("only on a TTY, only for inputs of 50 MB or more, never on a dumb terminal or in CI", () => {
    expect(PROGRESS_MIN_BYTES).toBe(50 * MiB);
    expect(wantsProgress(tty, 60 * MiB, {})).toBe(true);
    expect(wantsProgress(tty, 10 * MiB, {})).toBe(false);
    expect(wantsProgress({ isTTY: false }, 60 * MiB, {})).toBe(false);
    expect(wantsProgress({}, 60 * MiB, {})).toBe(false);
    expect(wantsProgress(tty, 60 * MiB, { TERM: "dumb" })).toBe(false);
    expect(wantsProgress(tty, 60 * MiB, { CI: "true" })).toBe(false);
  });

  function fakeStream(isTTY: boolean) {
    const writes: string[] = [];
    return { writes, stream: { isTTY, columns: 100, write: (s: string) => (writes.push(s), true) } as unknown as NodeJS.WriteStream };
  }

  it("redraws at most every interval on the same line, and erases itself at the end", () => {
    const { writes, stream } = fakeStream(true);
    let now = 0;
    const bar = createProgress(stream, 100 * MiB, { env: {}, intervalMs: 100, now: () => now });
    now = 150;
    bar.add(10 * MiB);
    now = 160;
    bar.add(10 * MiB); // within the interval: not drawn
    now = 300;
    bar.add(30 * MiB);
    bar.end();
    const frame = (done: number, elapsedMs: number) => `\r${renderProgress({ done, total: 100 * MiB, elapsedMs, width: 100 })}\x1b[K`;
    expect(writes).toEqual([frame(10 * MiB, 150), frame(50 * MiB, 300), "\r\x1b[K"]);
    expect(writes[1]).toContain("  50%  50 MiB / 100 MiB  166.7 MiB/s  0:01 left");
  });

  it("a terminal that reports no width (columns 0, as under `script`) gets an 80-column bar", () => {
    const writes: string[] = [];
    const stream = { isTTY: true, columns: 0, write: (s: string) => (writes.push(s), true) } as unknown as NodeJS.WriteStream;
    const bar = createProgress(stream, 100 * MiB, { env: {}, intervalMs: 0, now: () => 1000 });
    bar.add(MiB);
    expect(writes).toEqual([`\r${renderProgress({ done: MiB, total: 100 * MiB, elapsedMs: 0, width: 80 })}\x1b[K`]);
    expect(writes[0]).toContain("[");
  });

  it("writes nothing at all when stderr is not a terminal", () => {
    const { writes, stream } = fakeStream(false);
    const bar = createProgress(stream, 400 * MiB, { env: {}, intervalMs: 0, now: () => 1000 });
    bar.add(200 * MiB);
    bar.end();
    expect(writes).toEqual([]);
  });
});
