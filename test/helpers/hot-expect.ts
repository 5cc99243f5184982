import { isDeepStrictEqual } from "node:util";
import { expect } from "vitest";

/**
 * `expect(actual, message).toEqual(expected)` for loops of thousands of cheap checks, asked of vitest only when the two
 * differ: each expect() costs ~20 µs (its state copied at every call), and a message built at every turn more, most of
 * such a loop's time. What isDeepStrictEqual finds equal, toEqual does too (it is the stricter of the two: prototypes,
 * -0, NaN, undefined members), so every value toEqual fails still reaches it and fails with its own message.
 */
export function expectEqual<T>(actual: unknown, expected: T, message?: () => string): void {
  if (!isDeepStrictEqual(actual, expected)) expect(actual, message?.()).toEqual(expected);
}

/** `expect(actual, message).toBe(expected)`, asked of vitest only when Object.is (toBe's own test) says they differ. */
export function expectSame<T>(actual: unknown, expected: T, message?: () => string): void {
  if (!Object.is(actual, expected)) expect(actual, message?.()).toBe(expected);
}
