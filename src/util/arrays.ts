/**
 * An empty array for objects (or strings) that holds them from the start. V8 gives `[]` the elements kind of small
 * integers and a new map once the first object goes in, which throws away every optimized function that checked the
 * old map: a hot loop that inlined a look at the array before anything was pushed (`pending.length`) is then
 * deoptimized and compiled again, tens of ms of compiling on a second core that the other thread needs.
 */
export function objectArray<T>(): T[] {
  const a = [null] as unknown as T[];
  a.length = 0;
  return a;
}
