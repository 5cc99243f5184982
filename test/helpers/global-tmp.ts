import { chmodSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

// Every test process, and every command a test runs, makes its temporary files under one folder of this run
// (TMPDIR, which os.tmpdir() reads), removed when the run ends: a test that forgets its own folder leaves nothing.
export default function setup(): () => void {
  // short (paths in reports are wrapped at 80 columns) and open like /tmp (a test runs the command as nobody)
  const root = mkdtempSync(join(tmpdir(), "vd-"));
  chmodSync(root, 0o1777);
  const before = process.env.TMPDIR;
  process.env.TMPDIR = root;
  return () => {
    if (before === undefined) delete process.env.TMPDIR;
    else process.env.TMPDIR = before;
    rmSync(root, { recursive: true, force: true });
  };
}
