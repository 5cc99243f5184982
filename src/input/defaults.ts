/** Reading defaults, in a module of their own so that the earliest start-up code can use them without loading the readers. */
export const DEFAULT_CHUNK_BYTES = 1 << 20;
/** a line longer than this is cut for parsing; the rest is skipped and counted */
export const DEFAULT_MAX_LINE_CHARS = 1 << 16;
