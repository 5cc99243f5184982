/** A usage or input problem: printed as one line, exit status 2. */
export class UsageError extends Error {
  constructor(message: string, readonly path?: string) {
    super(message);
    this.name = "UsageError";
  }
}

export function oneLine(e: unknown): string {
  const err = e as { message?: string; path?: string };
  const msg = String(err?.message ?? e).split("\n")[0];
  return err?.path ? `${msg} (${err.path})` : msg;
}

const SYSTEM_ERRORS: Record<string, string> = {
  ENOENT: "no such file or directory",
  EACCES: "permission denied",
  EPERM: "operation not permitted",
  EISDIR: "is a directory",
  ENOTDIR: "a part of the path is not a directory",
  ENOSPC: "no space left on the device",
  EDQUOT: "disk quota exceeded",
  EROFS: "read-only file system",
  EIO: "input/output error",
  EFBIG: "file too large",
  EMFILE: "too many open files",
  ENFILE: "too many open files in the system",
  ELOOP: "too many levels of symbolic links",
  ENAMETOOLONG: "file name too long",
  EPIPE: "the reader closed the pipe",
  EBUSY: "device or resource busy",
  ETXTBSY: "text file busy",
  EEXIST: "already exists",
  EXDEV: "not on the same file system",
  EAGAIN: "resource temporarily unavailable",
  EINVAL: "invalid argument",
};

/** Node's system error (it has a `code` and a `syscall`): its code in words, without the path Node put in it. */
export function isSystemError(e: unknown): e is NodeJS.ErrnoException & { code: string; syscall: string } {
  const err = e as NodeJS.ErrnoException | null;
  return !!err && typeof err === "object" && typeof err.code === "string" && typeof err.syscall === "string";
}

export function systemErrorText(e: NodeJS.ErrnoException): string {
  const code = e.code ?? "";
  return SYSTEM_ERRORS[code] ?? `${code || "system error"} (${e.syscall ?? "?"})`;
}
