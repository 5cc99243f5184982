/**
 * Records that hold at most so many keys and grow one key at a time, on a hot path: counting the keys at each new one
 * costs as much as the record is big (a big job's set-up log names tens of thousands of processes).
 */
const sizes = new WeakMap<object, number>();

/**
 * Adds `key`, which `record` does not hold, when it holds fewer than `cap` keys: whether it did. The size is counted
 * once, then kept beside the record, so every key of a record given here must be added through here.
 */
export function addKey<T>(record: Record<string, T>, key: string, value: T, cap: number): boolean {
  const size = sizes.get(record) ?? Object.keys(record).length;
  if (size >= cap) {
    sizes.set(record, size);
    return false;
  }
  record[key] = value;
  sizes.set(record, size + 1);
  return true;
}
