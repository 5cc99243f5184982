import { promises as fs } from "node:fs";
import { dirname, basename, join } from "node:path";

/** Writes a report atomically: a temporary file beside the target, then a rename. `-` or no path: stdout. */
export async function writeOutput(path: string | undefined, text: string): Promise<void> {
  if (!path || path === "-") {
    await new Promise<void>((resolve, reject) => process.stdout.write(text, (e) => (e ? reject(e) : resolve())));
    return;
  }
  const tmp = join(dirname(path), `.${basename(path)}.${process.pid}.tmp`);
  await fs.writeFile(tmp, text, { mode: 0o644 });
  try {
    await fs.rename(tmp, path);
  } catch (e) {
    await fs.rm(tmp, { force: true });
    throw e;
  }
}
