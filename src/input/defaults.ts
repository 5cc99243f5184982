/** Reading defaults, in a module of their own so that the earliest start-up code can use them without loading the readers. */
export const DEFAULT_CHUNK_BYTES = 1 << 20;
/** a line longer than this is cut for parsing; the rest is skipped and counted */
export const DEFAULT_MAX_LINE_CHARS = 1 << 16;

/**
 * The file names a directory scan reads, by extension (`.err`: Slurm's and batch systems' stderr files, where a
 * run's errors are), and logrotate's `*.log.N` and dated `*.log-YYYYMMDD` / `*.log.YYYY-MM-DD`; quoted by --help
 * and the README.
 */
export const SCANNED_EXTENSIONS = [".log", ".txt", ".out", ".err", ".gz", ".zst", ".xz", ".json", ".jsonl", ".ndjson"];
export const DIRECTORY_SCAN = `${SCANNED_EXTENSIONS.map((e) => `*${e}`).join(", ")} and rotated *.log.N and *.log-DATE`;
