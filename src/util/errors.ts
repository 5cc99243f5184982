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
